import { anomalyDetected, type DeviceAuditNotification } from '@ballotstream/events';
import type { Config } from '../config';
import { findingsOfAudit } from '../domain/fleet/audit-findings';
import { escalateBlock, type HardBlockSignal, restoreCertificates } from '../domain/fleet/hard-block';
import { loadBoothGeofences } from '../domain/fleet/load-geofences';
import { recordKeys } from '../domain/shared/keys';
import {
  type Clock,
  eventOf,
  type GeofenceCollection,
  type MachineCertificates,
  type MachineCommands,
  type RecordStore,
} from '../ports';
import { type Outcome, outcome } from './outcome';

/** The fleet's steps that keep AWS and the machines in line with the registry. */
export function fleetStepUseCases(
  ports: {
    readonly records: RecordStore;
    readonly clock: Clock;
    readonly geofences: GeofenceCollection;
    readonly machineCertificates: MachineCertificates;
    readonly machineCommands: MachineCommands;
  },
  config: Pick<Config, 'monitoring'>,
) {
  return {
    /** Puts the named booths' geofences, as the registry holds them, into their collections. */
    loadGeofences: (boothIds: readonly string[]) => loadBoothGeofences(ports, boothIds),
    hardBlock: {
      /** A signal that may turn a machine's soft block hard (its certificates INACTIVE). */
      escalate: (machineId: string, signal: HardBlockSignal) =>
        escalateBlock(ports, machineId, signal, config.monitoring.fleet),
      /** A cleared machine's certificates set ACTIVE again. */
      restore: (machineId: string) => restoreCertificates(ports, machineId),
    },
    /**
     * Sends a machine its block state as the registry holds it (a retained control message), so
     * a block and an unblock delivered out of order still leave the machine as the registry says.
     */
    async sendControl(machineId: string) {
      const machine = await ports.records.get('registry', recordKeys.machine(machineId));
      if (machine === undefined) return { sent: false };
      const blocked = machine.blocked === true;
      const reason = String((blocked ? machine.blockReason : machine.unblockReason) ?? '');
      const at = Number((blocked ? machine.blockedAt : machine.unblockedAt) ?? ports.clock.now());
      await ports.machineCommands.sendControl({ machineId, blocked, reason: reason.slice(0, 280), at });
      return { sent: true, blocked };
    },
    /** Device Defender Audit's non-compliant checks, as anomalies for the national desk. */
    auditFindings(notifications: readonly DeviceAuditNotification[]): Outcome<{ findings: number }> {
      const detectedAt = new Date(ports.clock.now()).toISOString();
      const found = notifications.flatMap((n) => findingsOfAudit(n));
      const events = found.map((f) =>
        eventOf(anomalyDetected, { ...f, evidence: { ...f.evidence }, detectedAt }),
      );
      return outcome({ findings: found.length }, events);
    },
  };
}
