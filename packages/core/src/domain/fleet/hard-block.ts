import { z } from 'zod';
import type { AuditLog } from '../../ports/audit-log';
import type { Clock } from '../../ports/clock';
import type { MachineCertificates } from '../../ports/machine-certificates';
import type { RecordStore } from '../../ports/record-store';
import { recordKeys } from '../shared/keys';
import { type Actor, auditAction } from './audit';

/** What may turn a soft block into a hard one. */
export type HardBlockSignal =
  /** Ingest refused a vote from the machine because it is blocked, at `at` (the refusal's time). */
  | { readonly kind: 'vote-while-blocked'; readonly at: number }
  /** The booth raised an SOS that named this machine; `eventId` makes a redelivery count once. */
  | { readonly kind: 'sos'; readonly eventId: string; readonly at: number };

/** Why a machine's certificate was set INACTIVE. */
export type HardBlockCause = 'soft-block-ignored' | 'second-sos';

/** The part of a machine's registry record the escalation reads. */
export const hardBlockStateSchema = z.object({
  blocked: z.boolean().default(false),
  blockedAt: z.number().optional(),
  hardBlocked: z.boolean().default(false),
  /** The SOS events that named the machine since it was last cleared, oldest first. */
  sosEvents: z.array(z.string()).default([]),
});
export type HardBlockState = z.infer<typeof hardBlockStateSchema>;

/** How the escalation judges a signal. */
export interface HardBlockPolicy {
  /** How long after a block a refused vote may still be one cast before the block arrived. */
  readonly softBlockGraceMs: number;
}

// SOS events remembered per machine: two decide; a few more keep redeliveries recognisable.
const SOS_KEPT = 5;

/** The SOS events a machine has raised since it was cleared, with this one counted once. */
export function sosEventsAfter(state: HardBlockState, signal: HardBlockSignal): readonly string[] {
  if (signal.kind !== 'sos' || state.sosEvents.includes(signal.eventId)) return state.sosEvents;
  return [...state.sosEvents, signal.eventId].slice(-SOS_KEPT);
}

/**
 * Whether a signal turns a machine's soft block into a hard one, and why: only a blocked machine
 * not already hard-blocked escalates, when it keeps sending votes after the grace its retained
 * block had to reach it, or when its booth raises a second SOS before it is cleared.
 */
export function hardBlockCause(
  state: HardBlockState,
  signal: HardBlockSignal,
  policy: HardBlockPolicy,
): HardBlockCause | undefined {
  if (!state.blocked || state.hardBlocked) return undefined;
  switch (signal.kind) {
    case 'vote-while-blocked':
      // A block without a time (an old record) is treated as long past.
      return signal.at >= (state.blockedAt ?? 0) + policy.softBlockGraceMs ? 'soft-block-ignored' : undefined;
    case 'sos':
      return sosEventsAfter(state, signal).length >= 2 ? 'second-sos' : undefined;
    default: {
      const never: never = signal;
      return never;
    }
  }
}

export interface HardBlockDeps {
  readonly records: RecordStore;
  readonly clock: Clock;
  readonly machineCertificates: MachineCertificates;
  readonly auditLog?: AuditLog;
}

/** What an escalation did. */
export interface HardBlockOutcome {
  readonly hardBlocked: boolean;
  readonly cause?: HardBlockCause;
}

const platform: Actor = { subject: 'hard-block', role: 'system' };

/**
 * Applies a signal to a machine: remembers an SOS, and when the policy says so sets the
 * machine's certificates INACTIVE, marks the machine hard-blocked and audits it. The certificates
 * change first and idempotently, so a step retried after a failure completes the record.
 */
export async function escalateBlock(
  deps: HardBlockDeps,
  machineId: string,
  signal: HardBlockSignal,
  policy: HardBlockPolicy,
): Promise<HardBlockOutcome> {
  const key = recordKeys.machine(machineId);
  const record = await deps.records.get('registry', key);
  if (record === undefined) return { hardBlocked: false };
  const state = hardBlockStateSchema.parse(record);
  const cause = hardBlockCause(state, signal, policy);
  const sosEvents = sosEventsAfter(state, signal);
  if (cause === undefined) {
    if (sosEvents !== state.sosEvents)
      await deps.records.update('registry', key, { sosEvents: [...sosEvents] });
    return { hardBlocked: false };
  }
  const changed = await deps.machineCertificates.setActive(machineId, false);
  const at = deps.clock.now();
  await deps.records.update('registry', key, {
    hardBlocked: true,
    hardBlockedAt: at,
    hardBlockCause: cause,
    sosEvents: [...sosEvents],
  });
  await auditAction(deps, platform, 'machine.hard-blocked', `machine/${machineId}`, {
    cause,
    certificatesDeactivated: changed,
    boothId: String(record.boothId ?? ''),
    regionId: String(record.regionId ?? ''),
  });
  return { hardBlocked: true, cause };
}

/**
 * After a machine is cleared: sets its certificates ACTIVE again if it was hard-blocked (audited)
 * and forgets its SOS count. A machine blocked again since (an unblock delivered late) is left as
 * it is, as the registry, not the event, holds the truth.
 */
export async function restoreCertificates(
  deps: HardBlockDeps,
  machineId: string,
): Promise<{ readonly restored: boolean }> {
  const key = recordKeys.machine(machineId);
  const record = await deps.records.get('registry', key);
  if (record === undefined) return { restored: false };
  const state = hardBlockStateSchema.parse(record);
  if (state.blocked) return { restored: false };
  if (!state.hardBlocked) {
    if (state.sosEvents.length > 0) await deps.records.update('registry', key, { sosEvents: [] });
    return { restored: false };
  }
  const changed = await deps.machineCertificates.setActive(machineId, true);
  await deps.records.update('registry', key, {
    hardBlocked: false,
    certificatesRestoredAt: deps.clock.now(),
    sosEvents: [],
  });
  await auditAction(deps, platform, 'machine.certificates-restored', `machine/${machineId}`, {
    certificatesActivated: changed,
    boothId: String(record.boothId ?? ''),
    regionId: String(record.regionId ?? ''),
  });
  return { restored: true };
}
