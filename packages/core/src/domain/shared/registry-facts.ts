import type { RecordStore } from '../../ports/record-store';
import { recordKeys } from './keys';

/**
 * Registry facts read on every verification or vote that do not change while polls are open (a
 * candidate's constituency, the election's hours; both are frozen from the opening): kept for a
 * minute per record store, so the hot paths do not read them again for every voter.
 */
const KEPT_MS = 60_000;
const kept = new WeakMap<RecordStore, Map<string, { value: unknown; until: number }>>();

export async function registryFact<T>(records: RecordStore, key: string, read: () => Promise<T>): Promise<T> {
  let facts = kept.get(records);
  if (facts === undefined) {
    facts = new Map();
    kept.set(records, facts);
  }
  const now = Date.now();
  const fact = facts.get(key);
  if (fact !== undefined && fact.until > now) return fact.value as T;
  const value = await read();
  if (facts.size > 100_000) facts.clear();
  facts.set(key, { value, until: now + KEPT_MS });
  return value;
}

/** Voters queued at the close still vote: their votes within this long after it count. */
export const DEFAULT_QUEUE_GRACE_MS = 30 * 60_000;

export interface PollWindow {
  readonly opensAt: number;
  readonly closesAt: number;
}

/**
 * The hours of a registered election in epoch ms; undefined for an election that is not in the
 * registry (a generated demo), whose polls are taken as always open.
 */
export function pollHoursOf(records: RecordStore, electionId: string): Promise<PollWindow | undefined> {
  return registryFact(records, `election#${electionId}`, () => readPollHours(records, electionId));
}

/** The same as `pollHoursOf`, read now: for routes that must see an edit at once. */
export async function readPollHours(
  records: RecordStore,
  electionId: string,
): Promise<PollWindow | undefined> {
  const record = await records.get('registry', recordKeys.registryEntity('election', electionId));
  if (typeof record?.opensAt !== 'string' || typeof record.closesAt !== 'string') return undefined;
  return { opensAt: Date.parse(record.opensAt), closesAt: Date.parse(record.closesAt) };
}

/**
 * A booth's own hours: the election's, closing at the booth's `closesAt` where that is later
 * (a late-closing booth); a booth never closes earlier than the election.
 */
export function boothWindow(hours: PollWindow | undefined, boothClosesAt: unknown): PollWindow | undefined {
  if (hours === undefined || typeof boothClosesAt !== 'string') return hours;
  const closesAt = Date.parse(boothClosesAt);
  return Number.isFinite(closesAt) && closesAt > hours.closesAt ? { ...hours, closesAt } : hours;
}

/** A booth's own hours (`boothWindow`), kept a minute like the election's: booths freeze at the opening. */
export async function boothPollHoursOf(
  records: RecordStore,
  electionId: string,
  boothId: string,
): Promise<PollWindow | undefined> {
  const [hours, boothClosesAt] = await Promise.all([
    pollHoursOf(records, electionId),
    registryFact(records, `booth-closes#${boothId}`, async () => {
      const booth = await records.get('registry', recordKeys.registryEntity('booth', boothId));
      return booth?.closesAt;
    }),
  ]);
  return boothWindow(hours, boothClosesAt);
}

/** Whether a time falls within the poll hours, a queued voter's grace after the close included. */
export function withinPollHours(
  hours: PollWindow | undefined,
  time: number,
  graceMs = DEFAULT_QUEUE_GRACE_MS,
): boolean {
  return hours === undefined || (time >= hours.opensAt && time < hours.closesAt + graceMs);
}
