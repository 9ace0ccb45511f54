import type { Clock } from '../../ports/clock';
import type { RecordStore, StoredRecord, WriteFence } from '../../ports/record-store';
import { err, ok, type Result } from '../../result';
import { recordKeys } from '../shared/keys';
import { partitionRecords } from '../shared/pages';

/**
 * Which region may write an election's voter statuses: one writer at a time (the protocol in
 * docs/as-built.md, "Verification across regions"). Global tables are last-writer-wins across
 * regions, so two regions each winning a conditional write in their own replica would both
 * grant a ballot; every status write is therefore fenced, in the writer's replica, on the absence
 * of the next epoch's record.
 */
export interface VerificationOwnership {
  readonly region: string;
  /** Grows by one at every hand-over; a writer's fence names it. */
  readonly epoch: number;
  /** `<region>@<epoch>`, as status records and conflicts name the writer. */
  readonly writer: string;
  /** When ownership passed to `region` (the owner region's clock). */
  readonly handedAt: number;
  /** The new owner writes from this time on, once the old owner's last writes have replicated. */
  readonly writableFrom: number;
  /** The region ownership came from, and whether the desk forced it without that region's word. */
  readonly from?: string;
  readonly forced?: boolean;
}

/** A label of a writer, `<region>@<epoch>`, as status records and conflicts name it. */
export function writerOf(region: string, epoch: number): string {
  return `${region}@${epoch}`;
}

/**
 * The fence of a status write by the owner of `ownership`'s epoch: no later epoch may exist in
 * the writer's replica. A hand-over writes that next epoch's record, so from the moment it
 * commits in a replica, no status write of the older epoch commits there.
 */
export function ownershipFence(electionId: string, ownership: VerificationOwnership): WriteFence {
  return {
    table: 'voters',
    key: recordKeys.verificationOwner(electionId, ownership.epoch + 1),
    condition: { kind: 'absent' },
  };
}

function ownershipOf(record: StoredRecord): VerificationOwnership | undefined {
  if (typeof record.region !== 'string' || typeof record.epoch !== 'number') return undefined;
  return {
    region: record.region,
    epoch: record.epoch,
    writer: writerOf(record.region, record.epoch),
    handedAt: Number(record.handedAt),
    writableFrom: Number(record.writableFrom),
    ...(typeof record.from === 'string' ? { from: record.from } : {}),
    ...(record.forced === true ? { forced: true } : {}),
  };
}

/**
 * The latest epoch this region's replica holds; before any hand-over, epoch 1 of the primary
 * region, which needs no record (so no region ever writes one that could replicate over another).
 */
export async function readOwnership(
  records: RecordStore,
  electionId: string,
  primaryRegion: string,
): Promise<VerificationOwnership> {
  let latest: VerificationOwnership | undefined;
  const partition = recordKeys.verificationOwnerPartition(electionId);
  for await (const record of partitionRecords(records, 'voters', partition, 'epoch#'))
    latest = ownershipOf(record) ?? latest;
  return (
    latest ?? {
      region: primaryRegion,
      epoch: 1,
      writer: writerOf(primaryRegion, 1),
      handedAt: 0,
      writableFrom: 0,
    }
  );
}

/** Whether a region may write voter statuses now, and if not, why. */
export type Standing =
  | { readonly kind: 'owner'; readonly ownership: VerificationOwnership }
  | { readonly kind: 'not-owner'; readonly owner: string }
  | { readonly kind: 'settling'; readonly retryAfterMs: number };

/** Decides a region's standing from the ownership its replica holds. */
export function standingOf(ownership: VerificationOwnership, region: string, now: number): Standing {
  if (ownership.region !== region) return { kind: 'not-owner', owner: ownership.region };
  if (now < ownership.writableFrom) return { kind: 'settling', retryAfterMs: ownership.writableFrom - now };
  return { kind: 'owner', ownership };
}

// Each verification needs the ownership; a second's staleness only costs a refused fence (and a
// fresh read), never a wrong write, because the write itself is fenced.
const OWNERSHIP_CACHE_MS = 1_000;
const cached = new WeakMap<RecordStore, Map<string, { at: number; ownership: VerificationOwnership }>>();

/** The ownership, read at most once a second per store and election. */
export async function cachedOwnership(
  records: RecordStore,
  electionId: string,
  primaryRegion: string,
  now: number,
): Promise<VerificationOwnership> {
  let byElection = cached.get(records);
  if (byElection === undefined) {
    byElection = new Map();
    cached.set(records, byElection);
  }
  const hit = byElection.get(electionId);
  if (hit !== undefined && now - hit.at < OWNERSHIP_CACHE_MS && now >= hit.at) return hit.ownership;
  const ownership = await readOwnership(records, electionId, primaryRegion);
  byElection.set(electionId, { at: now, ownership });
  return ownership;
}

/** Forgets the cached ownership of a store (after a fence refused a write, or a hand-over). */
export function forgetOwnership(records: RecordStore, electionId: string): void {
  cached.get(records)?.delete(electionId);
}

export type HandOverRefusal =
  /** The target region already owns verification. */
  | 'already-owner'
  /** This region is not the owner, and the desk did not force the hand-over. */
  | 'not-owner'
  /** The ownership record changed between reading and writing it (another hand-over). */
  | 'changed';

export interface HandOverDeps {
  readonly records: RecordStore;
  readonly clock: Clock;
}

export interface HandOverInput {
  readonly electionId: string;
  readonly primaryRegion: string;
  /** The region this runs in: its replica is the one written. */
  readonly region: string;
  readonly to: string;
  /**
   * Hand over from a region that cannot be asked (it is down): the old owner is fenced only once
   * the record reaches its replica, so its last writes are the window the ARCHITECTURE names.
   */
  readonly force: boolean;
  readonly settleMs: number;
}

/**
 * Hands the election's voters to another region. Run in the owner's region, the one conditional
 * write both fences the old owner (its later status writes fail their fence in the same replica)
 * and names the new one, who waits `settleMs` for the old owner's last writes to replicate.
 */
export async function handOverVerification(
  deps: HandOverDeps,
  input: HandOverInput,
): Promise<Result<VerificationOwnership, HandOverRefusal>> {
  const now = deps.clock.now();
  const current = await readOwnership(deps.records, input.electionId, input.primaryRegion);
  if (current.region === input.to) return err('already-owner');
  if (current.region !== input.region && !input.force) return err('not-owner');
  const epoch = current.epoch + 1;
  const next: VerificationOwnership = {
    region: input.to,
    epoch,
    writer: writerOf(input.to, epoch),
    handedAt: now,
    writableFrom: now + input.settleMs,
    from: current.region,
    ...(current.region === input.region ? {} : { forced: true }),
  };
  const key = recordKeys.verificationOwner(input.electionId, epoch);
  const written = await deps.records.put('voters', { ...key, ...next }, { kind: 'absent' });
  forgetOwnership(deps.records, input.electionId);
  return written ? ok(next) : err('changed');
}

/** Two verifications of one voter that met in a replica: both booths were granted a ballot. */
export interface VerificationConflict {
  readonly voterRecord: string;
  readonly writers: readonly [string, string];
}

/**
 * Reads a replica's change of one record (a DynamoDB stream's old and new image): a voter status
 * replaced by another attempt's status means two regions each won the voter, which the fence
 * exists to prevent; it is raised to the national desk, since secrecy forbids undoing a vote.
 */
export function verificationConflict(
  before: StoredRecord | undefined,
  after: StoredRecord | undefined,
): VerificationConflict | undefined {
  if (before === undefined || after === undefined) return undefined;
  if (!before.pk.startsWith('voter#') || !before.sk.startsWith('election#')) return undefined;
  if (before.status !== 'voted' || after.status !== 'voted') return undefined;
  if (before.attempt === after.attempt) return undefined;
  return {
    voterRecord: before.pk,
    writers: [writerLabel(before), writerLabel(after)],
  };
}

function writerLabel(record: StoredRecord): string {
  return typeof record.region === 'string' ? writerOf(record.region, Number(record.epoch)) : 'unfenced';
}
