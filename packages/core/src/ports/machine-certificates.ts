/**
 * A machine's X.509 certificates at the broker: the hard block sets them INACTIVE, so the broker
 * drops the machine and refuses it while they stay so (IoT Core `UpdateCertificate` in AWS, the
 * embedded broker locally); clearing the block sets them ACTIVE again. Both directions are
 * idempotent, so a retried step changes nothing the first attempt already changed.
 */
export interface MachineCertificates {
  /** Sets every certificate of the machine ACTIVE or INACTIVE; returns how many changed status. */
  setActive(machineId: string, active: boolean): Promise<number>;
}
