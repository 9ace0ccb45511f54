import { readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { sourceFiles } from '@ballotstream/core/testing';
import { describe, expect, it } from 'vitest';
import {
  statusOfHealth,
  statusOfRegistryRefusal,
  statusOfRouteRefusal,
  statusOfStepRefusal,
} from './refusals';

const src = fileURLToPath(new URL('..', import.meta.url));

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

  it('answers the refusals every area shares by one map, and health by it too', () => {
    expect(statusOfRouteRefusal('invalid-input')).toBe(400);
    expect(statusOfRouteRefusal('unauthenticated')).toBe(401);
    expect(statusOfRouteRefusal('forbidden')).toBe(403);
    expect(statusOfRouteRefusal('not-found')).toBe(404);
    expect(statusOfRouteRefusal('unavailable')).toBe(503);
    expect([statusOfHealth(true), statusOfHealth(false)]).toEqual([200, 503]);
  });

  it('leaves no handler or wrapper to choose a refusal status itself', () => {
    // A 4xx or 5xx written as a number where a response is made; 500 (a bug, not a refusal) aside.
    const chosen = /json\(\s*(?!500\b)[45]\d\d\b|status:\s*[45]\d\d\b|\?\s*200\s*:\s*[45]\d\d/;
    const offenders = sourceFiles(src, { tests: false })
      .filter((file) => !file.endsWith(join('shared', 'refusals.ts')))
      .filter((file) => chosen.test(readFileSync(file, 'utf8')))
      .map((file) => relative(src, file));
    expect(offenders).toEqual([]);
  });
});
