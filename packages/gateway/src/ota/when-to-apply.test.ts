import { describe, expect, it } from 'vitest';
import { whenToApply } from './when-to-apply';

const betweenVoters = {
  minimumVersion: '1.0.0',
  applyWhen: 'between-voters',
  quietMs: 5000,
  healthCheckMs: 1000,
} as const;
const outsideVoting = { ...betweenVoters, applyWhen: 'outside-voting' } as const;
const pollHours = { opensAt: 1_000_000, closesAt: 2_000_000 };

describe('when a gateway takes an update', () => {
  it('never while a press is being recorded', () => {
    expect(whenToApply(betweenVoters, { now: 3_000_000, pollHours, casting: true })).toMatchObject({
      apply: false,
    });
  });

  it('during voting only between voters: after a quiet spell since the last press', () => {
    const moment = { now: 1_500_000, pollHours, casting: false };
    expect(whenToApply(betweenVoters, { ...moment, lastCastAt: 1_497_000 })).toEqual({
      apply: false,
      waitingFor: 'a pause between voters',
    });
    expect(whenToApply(betweenVoters, { ...moment, lastCastAt: 1_495_000 })).toEqual({ apply: true });
    expect(whenToApply(outsideVoting, { ...moment, lastCastAt: 1_000_000 })).toMatchObject({ apply: false });
  });

  it('outside the poll hours at once, and counts unknown hours as voting', () => {
    expect(
      whenToApply(outsideVoting, { now: 2_000_000, pollHours, casting: false, lastCastAt: 1_999_999 }),
    ).toEqual({
      apply: true,
    });
    expect(whenToApply(outsideVoting, { now: 2_000_000, casting: false })).toMatchObject({ apply: false });
  });
});
