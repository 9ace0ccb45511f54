import { describe, expect, it } from 'vitest';
import { benchResult, benchResultSchema, floorsAllowPerSecond, overFloor } from './result';
import {
  ballotTokenCpu,
  bareHttpJson,
  lmdbConditionalWriteCpu,
  verificationFloor,
} from './verification-floor';

const summary = {
  verification: overFloor(900, 600, 3_000),
  votes: overFloor(500, 250, 2_500),
  election: { voters: 30, votersPerSecond: 1_200, floorsAllowPerSecond: 2_350, lost: 0 },
};
const build = (changes: Partial<typeof summary> = {}) =>
  benchResult({
    quick: true,
    cores: 2,
    loadAverage: [0.5, 0.4, 0.3],
    sizes: { verifications: 30 },
    summary: { ...summary, ...changes },
    results: { redisSetNx: { perSecond: 1 } },
    lines: [{ name: 'a line', figure: '1/s' }],
    at: new Date('2026-12-03T16:00:00Z'),
  });

describe('the bench result file', () => {
  it('carries each path over its floor and the whole-election rate where a script reads them', () => {
    const result = build();
    expect(result.verification.overFloor).toBe(1.5);
    expect(result.votes.overFloor).toBe(2);
    expect(result.election.votersPerSecond).toBe(1_200);
    expect(result.results.redisSetNx).toEqual({ perSecond: 1 });
    // What is written is what a reader parses back.
    expect(benchResultSchema.parse(JSON.parse(JSON.stringify(result)))).toEqual(result);
  });

  it('refuses to write a result with a path missing or a floor of nothing, naming the field', () => {
    expect(() => build({ votes: overFloor(500, 0, 2_500) })).toThrow(/votes/);
    const { election: _, ...withoutElection } = summary;
    expect(() =>
      benchResult({
        quick: true,
        cores: 2,
        loadAverage: [0, 0, 0],
        sizes: {},
        summary: withoutElection as typeof summary,
        results: {},
        lines: [],
      }),
    ).toThrow(/election/);
  });

  it('counts what the two floors allow voters on every core', () => {
    expect(floorsAllowPerSecond(2, 600, 400)).toBe(2_000);
  });
});

describe('the verification floor', () => {
  it('is the sum of its parts', () => {
    const floor = verificationFloor({
      httpMicros: 100,
      ticketSignatureMicros: 110,
      redisClaimMicros: 20,
      conditionalWriteMicros: 10,
      ballotTokenMicros: 15,
    });
    expect(floor.totalMicros).toBe(255);
  });

  it('measures its bare parts at tiny sizes: some CPU for each, every request answered', async () => {
    const http = await bareHttpJson(40, 4);
    expect(http.ops).toBe(40);
    expect(http.cpuMicrosPerOp).toBeGreaterThan(0);
    expect(await lmdbConditionalWriteCpu(50, 5)).toBeGreaterThan(0);
    expect(ballotTokenCpu(50)).toBeGreaterThan(0);
  });
});
