import { describe, expect, it } from 'vitest';
import { statusOfRegistryRefusal, statusOfStepRefusal } from './refusals';

describe('the one mapping of refusals to HTTP statuses', () => {
  it('answers registry refusals as the admin API documents them', () => {
    expect(statusOfRegistryRefusal('invalid')).toBe(400);
    expect(statusOfRegistryRefusal('out-of-scope')).toBe(403);
    expect(statusOfRegistryRefusal('not-found')).toBe(404);
    expect(statusOfRegistryRefusal('frozen')).toBe(409);
    expect(statusOfRegistryRefusal('unknown-reference')).toBe(422);
  });

  it('reads what is not the caller’s to see as absent, and a forbidding state as a conflict', () => {
    expect(statusOfStepRefusal('unknown-machine')).toBe(404);
    expect(statusOfStepRefusal('unknown-alert')).toBe(404);
    expect(statusOfStepRefusal('unknown-region')).toBe(422);
    expect(statusOfStepRefusal('not-owner')).toBe(409);
    expect(statusOfStepRefusal('reconciled')).toBe(409);
  });
});
