import { adminTriggers } from './admin/triggers';
import { alertsTriggers } from './alerts/triggers';
import { anomalyTriggers } from './anomaly/triggers';
import { castingTriggers } from './casting/triggers';
import { closeTriggers } from './close/triggers';
import { fleetTriggers } from './fleet/triggers';
import { systemTriggers } from './system/triggers';
import { talliesTriggers } from './tallies/triggers';
import { ticketsTriggers } from './tickets/triggers';
import type { HandlerRef, Trigger } from './trigger-types';
import { verificationTriggers } from './verification/triggers';
import { webTriggers } from './web/triggers';

export * from './trigger-types';

/**
 * What runs when: the one table both `stacks/` and the local runtime read, gathered from the
 * `triggers.ts` beside each area's handlers. A new area adds its list here.
 */
export const triggers: readonly Trigger[] = [
  ...systemTriggers,
  ...verificationTriggers,
  ...ticketsTriggers,
  ...castingTriggers,
  ...talliesTriggers,
  ...closeTriggers,
  ...webTriggers,
  ...adminTriggers,
  ...fleetTriggers,
  ...anomalyTriggers,
  ...alertsTriggers,
];

/** A Lambda entry as the deployed function exports it. */
export type LambdaEntry = (event: unknown, context: import('aws-lambda').Context) => Promise<unknown>;

/**
 * Loads a handler's Lambda entry by the module specifier its trigger recorded. The specifier is a
 * value, not a literal, so neither the SST bundle of `stacks/` nor the type checker follows it into
 * handler code; only a caller that runs handlers (the local runtime, the AWS harness) loads them.
 */
export async function loadHandler(ref: HandlerRef): Promise<LambdaEntry> {
  const module = (await import(/* @vite-ignore */ ref.module)) as Record<string, unknown>;
  const entry = module[ref.export];
  if (typeof entry !== 'function')
    throw new Error(`${ref.module} does not export a function named ${ref.export}`);
  return entry as LambdaEntry;
}
