/** A machine's message as the broker received it: from which machine's topic, and when. */
export interface FromMachine<M> {
  readonly machineId: string;
  readonly receivedAt: number;
  readonly message: M;
}
