import type { RecordStore } from '../../ports/record-store';
import { recordKeys } from '../shared/keys';

/** One line of a machine's history on its page: what happened, when, and in a few words. */
export interface MachineEvent {
  readonly type: string;
  readonly at: number;
  readonly summary: string;
  /** Set for Device Defender / fleet monitor behaviours. */
  readonly behaviour?: string;
  readonly metricValue?: number;
  readonly threshold?: number;
}

// A machine's page shows its recent history; older lines expire after the election week.
const KEEP_SECONDS = 14 * 24 * 3600;

/** Appends an event to a machine's history; the same event id written twice is one line. */
export async function noteMachineEvent(
  records: RecordStore,
  machineId: string,
  eventId: string,
  event: MachineEvent,
): Promise<void> {
  await records.put('fleet', {
    ...recordKeys.machineEvent(machineId, event.at, eventId),
    ...event,
    expiresAtSeconds: Math.floor(event.at / 1000) + KEEP_SECONDS,
  });
}

/** A machine's most recent events, newest first. */
export async function recentMachineEvents(
  records: RecordStore,
  machineId: string,
  limit = 50,
): Promise<MachineEvent[]> {
  const page = await records.query('fleet', recordKeys.machineEventsPartition(machineId), { limit });
  return page.records.map((r) => ({
    type: String(r.type),
    at: Number(r.at),
    summary: String(r.summary),
    ...(typeof r.behaviour === 'string' ? { behaviour: r.behaviour } : {}),
    ...(typeof r.metricValue === 'number' ? { metricValue: r.metricValue } : {}),
    ...(typeof r.threshold === 'number' ? { threshold: r.threshold } : {}),
  }));
}

/** The latest check of a machine's signed result record, as the machine page shows it. */
export interface ResultStatus {
  readonly verified: boolean;
  readonly voteCount: number;
  readonly storedVotes: number;
  readonly problems: readonly string[];
  readonly checkedAt: string;
}

/** Keeps the latest result-record check of a machine. */
export async function noteResultStatus(
  records: RecordStore,
  machineId: string,
  status: ResultStatus,
): Promise<void> {
  await records.put('fleet', { ...recordKeys.machineResult(machineId), ...status });
}

/** The latest result-record check of a machine, if it sent one. */
export async function resultStatusOf(
  records: RecordStore,
  machineId: string,
): Promise<ResultStatus | undefined> {
  const r = await records.get('fleet', recordKeys.machineResult(machineId));
  if (r === undefined) return undefined;
  return {
    verified: r.verified === true,
    voteCount: Number(r.voteCount),
    storedVotes: Number(r.storedVotes),
    problems: Array.isArray(r.problems) ? r.problems.map(String) : [],
    checkedAt: String(r.checkedAt),
  };
}
