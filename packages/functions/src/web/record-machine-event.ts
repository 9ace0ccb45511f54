import { noteMachineEvent, noteResultStatus } from '@ballotstream/core';
import {
  alertRaised,
  type DetailOf,
  defenderViolation,
  type EventBridgeEnvelope,
  type EventDefinition,
  locationGeofenceEvent,
  machineBlocked,
  machineUnblocked,
  resultMismatched,
  resultVerified,
  sosRaised,
  voteRejected,
} from '@ballotstream/events';
import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import { type Deps, deps } from '../shared/deps';
import { describeIssues, InvalidInputError } from '../shared/errors';
import { countRejection, withLambdaContext } from '../shared/observability';

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
        : { ok: false, problems: describeIssues(parsed.error) };
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

async function note(envelope: EventBridgeEnvelope, d: Deps): Promise<{ noted: boolean }> {
  const type = envelope['detail-type'];
  const listing = byType.get(type);
  if (listing === undefined) {
    countRejection('recordMachineEvent', 'unexpected-event');
    throw new InvalidInputError('detail-type', [`${type} is not an event a machine page lists`]);
  }
  const reading = listing.read(envelope.detail);
  if (!reading.ok) {
    countRejection('recordMachineEvent', 'invalid-detail');
    throw new InvalidInputError('detail', reading.problems);
  }
  const { machineId, ...line } = reading.line;
  if (machineId === undefined || !Number.isFinite(line.at)) return { noted: false };
  await noteMachineEvent(d.records, machineId, envelope.id, { type, ...line });
  if (type === resultVerified.type || type === resultMismatched.type) {
    const r = envelope.detail as DetailOf<typeof resultMismatched>;
    await noteResultStatus(d.records, machineId, {
      verified: type === resultVerified.type,
      voteCount: r.voteCount,
      storedVotes: r.storedVotes,
      problems: r.problems ?? [],
      checkedAt: r.checkedAt,
    });
  }
  return { noted: true };
}

/** On fleet, casting, result and alert events: adds a line to the machine's history for its page. */
export const handler = middy<EventBridgeEnvelope, { noted: boolean }, Error, Context>(
  async (envelope: EventBridgeEnvelope) => note(envelope, await deps()),
).use(withLambdaContext());
