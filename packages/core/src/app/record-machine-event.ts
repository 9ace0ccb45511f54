import {
  alertRaised,
  type DetailOf,
  defenderViolation,
  describeIssues,
  type EventDefinition,
  locationGeofenceEvent,
  machineBlocked,
  machineUnblocked,
  resultMismatched,
  resultVerified,
  sosRaised,
  voteRejected,
} from '@ballotstream/events';
import { noteMachineEvent, noteResultStatus } from '../domain/monitoring/machine-events';
import type { RecordStore } from '../ports';
import { err, ok, type Result } from '../result';

interface Line {
  readonly machineId: string | undefined;
  readonly at: number;
  readonly summary: string;
  readonly behaviour?: string;
  readonly metricValue?: number;
  readonly threshold?: number;
}

type Reading = { ok: true; line: Line } | { ok: false; problems: string[] };

/** An event a machine's page lists, with the words it is shown with. */
function listed<D extends EventDefinition>(definition: D, line: (detail: DetailOf<D>) => Line) {
  return {
    type: definition.type,
    read(detail: unknown): Reading {
      const parsed = definition.schema.safeParse(detail);
      return parsed.success
        ? { ok: true, line: line(parsed.data as DetailOf<D>) }
        : { ok: false, problems: describeIssues(parsed.error, { whole: '(body)', limit: 10 }) };
    },
  };
}

const listedEvents = [
  listed(machineBlocked, (d) => ({
    machineId: d.machineId,
    at: d.at,
    summary: `blocked by ${d.by}: ${d.reason}`,
  })),
  listed(machineUnblocked, (d) => ({
    machineId: d.machineId,
    at: d.at,
    summary: `unblocked by ${d.by}: ${d.reason}`,
  })),
  listed(sosRaised, (d) => ({
    machineId: d.machineId,
    at: Date.parse(d.raisedAt),
    summary: `SOS from the booth${d.note === undefined ? '' : `: ${d.note}`}`,
  })),
  listed(defenderViolation, (d) => ({
    machineId: d.machineId,
    at: Date.parse(d.violationAt),
    summary: `${d.behaviour}: ${d.metricValue} against a limit of ${d.threshold} (${d.detectedBy})`,
    behaviour: d.behaviour,
    metricValue: d.metricValue,
    threshold: d.threshold,
  })),
  listed(voteRejected, (d) => ({
    machineId: d.machineId,
    at: Date.parse(d.rejectedAt),
    summary: `vote refused: ${d.reason}`,
  })),
  listed(locationGeofenceEvent, (d) => ({
    machineId: d.DeviceId,
    at: Date.parse(d.SampleTime),
    summary: `${d.EventType === 'EXIT' ? 'left' : 'entered'} geofence ${d.GeofenceId}`,
  })),
  listed(alertRaised, (d) => ({
    machineId: d.machine ?? (typeof d.evidence.machineId === 'string' ? d.evidence.machineId : undefined),
    at: d.firstSeen,
    summary: `${d.severity} alert: ${d.kind}`,
  })),
  listed(resultVerified, (d) => ({
    machineId: d.machineId,
    at: Date.parse(d.checkedAt),
    summary: `result record verified: ${d.voteCount} votes`,
  })),
  listed(resultMismatched, (d) => ({
    machineId: d.machineId,
    at: Date.parse(d.checkedAt),
    summary: `result record mismatched: ${d.problems[0] ?? 'see the alert'}`,
  })),
];
const byType = new Map(listedEvents.map((e) => [e.type as string, e]));

/** Why an event was not noted: not one a machine's page lists, or a detail that fails its schema. */
export interface NoteRefusal {
  readonly reason: 'unexpected-event' | 'invalid-detail';
  readonly where: string;
  readonly problems: readonly string[];
}

/** A bus event as delivered: its envelope id, detail-type and detail. */
export interface MachineEventDelivery {
  readonly id: string;
  readonly type: string;
  readonly detail: unknown;
}

/**
 * Adds a line to a machine's history for its page, in the words each listed event is shown with;
 * a result check also becomes the machine's result status.
 */
export function recordMachineEventUseCase(ports: { readonly records: RecordStore }) {
  return async ({
    id,
    type,
    detail,
  }: MachineEventDelivery): Promise<Result<{ noted: boolean }, NoteRefusal>> => {
    const listing = byType.get(type);
    if (listing === undefined)
      return err({
        reason: 'unexpected-event',
        where: 'detail-type',
        problems: [`${type} is not an event a machine page lists`],
      });
    const reading = listing.read(detail);
    if (!reading.ok) return err({ reason: 'invalid-detail', where: 'detail', problems: reading.problems });
    const { machineId, ...line } = reading.line;
    if (machineId === undefined || !Number.isFinite(line.at)) return ok({ noted: false });
    await noteMachineEvent(ports.records, machineId, id, { type, ...line });
    if (type === resultVerified.type || type === resultMismatched.type) {
      const r = detail as DetailOf<typeof resultMismatched>;
      await noteResultStatus(ports.records, machineId, {
        verified: type === resultVerified.type,
        voteCount: r.voteCount,
        storedVotes: r.storedVotes,
        problems: r.problems ?? [],
        checkedAt: r.checkedAt,
      });
    }
    return ok({ noted: true });
  };
}
