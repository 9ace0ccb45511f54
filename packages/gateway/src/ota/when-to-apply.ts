import type { UpdateConditions } from './manifest';

/** What the gateway knows when it decides whether to swap now. */
export interface BoothMoment {
  readonly now: number;
  /** The booth's poll hours, when the gateway was given them. */
  readonly pollHours?: { readonly opensAt: number; readonly closesAt: number };
  /** A press being signed and written right now. */
  readonly casting: boolean;
  /** When the last press was taken, if any. */
  readonly lastCastAt?: number;
}

export type ApplyDecision = { readonly apply: true } | { readonly apply: false; readonly waitingFor: string };

/**
 * Whether an update may be swapped in now: never while a press is being handled; outside the
 * poll hours always; during them only for a `between-voters` update, once no press came for
 * `quietMs`. A gateway without poll hours counts as voting.
 */
export function whenToApply(conditions: UpdateConditions, moment: BoothMoment): ApplyDecision {
  if (moment.casting) return { apply: false, waitingFor: 'the press being recorded' };
  const hours = moment.pollHours;
  const voting = hours === undefined || (moment.now >= hours.opensAt && moment.now < hours.closesAt);
  if (!voting) return { apply: true };
  if (conditions.applyWhen === 'outside-voting') return { apply: false, waitingFor: 'the close of poll' };
  const quietFor =
    moment.lastCastAt === undefined ? Number.POSITIVE_INFINITY : moment.now - moment.lastCastAt;
  if (quietFor < conditions.quietMs) return { apply: false, waitingFor: 'a pause between voters' };
  return { apply: true };
}
