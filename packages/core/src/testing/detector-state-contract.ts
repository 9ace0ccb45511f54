import { afterEach, describe, expect, it } from 'vitest';
import { AnomalyDetector, type Placement } from '../domain/anomaly/detector';
import type { Finding } from '../domain/anomaly/rules';
import { SharedAnomalyDetector } from '../domain/anomaly/shared-detector';
import { defaultMonitoring } from '../domain/anomaly/thresholds';
import type { DetectorState } from '../ports/detector-state';

/** A fresh, empty store: `open` gives a handle (Redis: a connection) onto it; `dispose` removes it. */
export interface DetectorStateSpace {
  open(): Promise<DetectorState>;
  dispose(): Promise<void>;
}

/** The behaviour every `DetectorState` adapter must show; run against each adapter that runs here. */
export function detectorStateContract(name: string, makeSpace: () => Promise<DetectorStateSpace>): void {
  describe(`detector state contract: ${name}`, () => {
    const spaces: DetectorStateSpace[] = [];
    const opened: DetectorState[] = [];
    const open = async (space?: DetectorStateSpace) => {
      let s = space;
      if (s === undefined) {
        s = await makeSpace();
        spaces.push(s);
      }
      const state = await s.open();
      opened.push(state);
      return state;
    };
    const space = async () => {
      const s = await makeSpace();
      spaces.push(s);
      return s;
    };
    afterEach(async () => {
      await Promise.all(opened.splice(0).map((s) => s.close()));
      await Promise.all(spaces.splice(0).map((s) => s.dispose()));
    });

    it('adds counters once per event id, however often the event is applied', async () => {
      const state = await open();
      await state.apply('b:1', 'e1', { counters: { votes: 1, 'cand:a': 1 } });
      const again = await state.apply('b:1', 'e1', { counters: { votes: 1, 'cand:a': 1 } });
      const next = await state.apply('b:1', 'e2', { counters: { votes: 1 } });
      expect(again.fresh).toBe(false);
      expect(next.fresh).toBe(true);
      expect(next.state.values).toMatchObject({ votes: '2', 'cand:a': '1' });
      expect((await state.read('b:2', [])).values).toEqual({});
    });

    it('remembers no event for a change that counts nothing', async () => {
      const state = await open();
      await state.apply('m:1', 'e1', { counters: { votes: 1 } });
      const seen = await state.apply('m:1', 'e1', { maxima: { lastSeenAt: 5 } });
      expect(seen.fresh).toBe(true);
      expect((await state.apply('m:1', 'e1', { counters: { votes: 1 } })).fresh).toBe(false);
    });

    it('counts an event once when many instances apply it at the same moment', async () => {
      const s = await space();
      const [a, b] = [await open(s), await open(s)];
      const results = await Promise.all(
        Array.from({ length: 20 }, (_, i) =>
          (i % 2 === 0 ? a : b).apply('b:1', 'e1', { counters: { votes: 1 } }),
        ),
      );
      expect(results.filter((r) => r.fresh)).toHaveLength(1);
      expect((await b.read('b:1', [])).values.votes).toBe('1');
    });

    it('keeps an event at its first instant in a series and drops what left the window', async () => {
      const state = await open();
      await state.apply('m:1', 'v1', { series: { votes: { at: 1_000, keepMs: 10_000 } } });
      await state.apply('m:1', 'v2', { series: { votes: { at: 5_000, keepMs: 10_000 } } });
      const again = await state.apply('m:1', 'v1', { series: { votes: { at: 9_000, keepMs: 10_000 } } });
      expect(again.state.series.votes).toEqual([1_000, 5_000]);
      const later = await state.apply('m:1', 'v3', { series: { votes: { at: 12_000, keepMs: 10_000 } } });
      expect(later.state.series.votes).toEqual([5_000, 12_000]);
      expect((await state.read('m:1', ['votes'])).series.votes).toEqual([5_000, 12_000]);
    });

    it('slots a late instant into its place and keeps one before the window when asked', async () => {
      const state = await open();
      const add = (id: string, at: number) =>
        state.apply('m:1', id, { series: { votes: { at, keepMs: 10_000, keepOneBefore: true } } });
      await add('v1', 1_000);
      await add('v2', 2_000);
      await add('v4', 30_000);
      const late = await add('v3', 25_000);
      expect(late.state.series.votes).toEqual([2_000, 25_000, 30_000]);
    });

    it('raises maxima only upwards and keeps fields as last set', async () => {
      const state = await open();
      await state.apply('m:1', 'e1', { maxima: { lastSeenAt: 500 }, fields: { regionId: 'r1' } });
      const after = await state.apply('m:1', 'e2', {
        maxima: { lastSeenAt: 200 },
        fields: { boothId: 'b1' },
      });
      expect(after.state.values).toMatchObject({ lastSeenAt: '500', regionId: 'r1', boothId: 'b1' });
    });

    it('lets the newest of connects and disconnects win, whatever order they arrive in', async () => {
      const state = await open();
      const connect = (id: string, at: number) =>
        state.apply('m:1', id, { latest: { at, fields: { connected: '1' } } });
      const disconnect = (id: string, at: number) =>
        state.apply('m:1', id, { latest: { at, fields: { connected: '0' } } });
      await connect('c2', 3_000);
      await disconnect('d1', 2_000);
      await connect('c1', 1_000);
      expect((await state.read('m:1', [])).values.connected).toBe('1');
      await disconnect('d2', 4_000);
      expect((await state.read('m:1', [])).values.connected).toBe('0');
    });

    it('keeps the members of an index once each', async () => {
      const state = await open();
      await state.index('machines', ['m1', 'm2']);
      await state.index('machines', ['m2', 'm3']);
      expect((await state.members('machines')).sort()).toEqual(['m1', 'm2', 'm3']);
      expect(await state.members('booths')).toEqual([]);
    });

    it('claims a report once per cool-down, again for the same event, never for an older one', async () => {
      const state = await open();
      expect(await state.claimReport('k', 'e1', 10_000, 60_000)).toBe(true);
      expect(await state.claimReport('k', 'e2', 30_000, 60_000)).toBe(false);
      expect(await state.claimReport('k', 'e1', 10_000, 60_000)).toBe(true);
      expect(await state.claimReport('k', 'e0', 5_000, 60_000)).toBe(false);
      expect(await state.claimReport('k', 'e3', 70_000, 60_000)).toBe(true);
      expect(await state.claimReport('other', 'e2', 30_000, 60_000)).toBe(true);
    });

    it('gives two detectors over one store, fed a stream split between them with redeliveries, the findings of one over the clean stream', async () => {
      const stream = electionStream();
      const monitoring = defaultMonitoring();

      const single = new SharedAnomalyDetector({ monitoring, state: await open() });
      const clean: Finding[] = [];
      for (const o of stream) clean.push(...(await observe(single, o, o.at)));
      clean.push(...(await single.sweep(SWEEP_AT)));

      const shared = await space();
      const a = new SharedAnomalyDetector({ monitoring, state: await open(shared) });
      const b = new SharedAnomalyDetector({ monitoring, state: await open(shared) });
      const [forA, forB] = splitWithRedeliveries(stream);
      const split = (
        await Promise.all([
          (async () => {
            const out: Finding[] = [];
            for (const d of forA) out.push(...(await observe(a, d.o, d.at)));
            return out;
          })(),
          (async () => {
            const out: Finding[] = [];
            for (const d of forB) out.push(...(await observe(b, d.o, d.at)));
            return out;
          })(),
        ])
      ).flat();
      split.push(...(await b.sweep(SWEEP_AT)));

      expect(keysOf(clean)).toEqual([
        'bad-credentials|m5',
        'burst-after-silence|m2',
        'machine-offline|m9',
        'repeat-voter|b1,b3,b4',
        'turnout-above-electorate|b6',
        'verification-refusals|b7',
        'vote-rate|m2',
      ]);
      expect(keysOf(split)).toEqual(keysOf(clean));
      // The shared detector keeps the rules of the in-process one.
      expect(keysOf(inProcess(stream))).toEqual(keysOf(clean));
    });

    it('reports again what a redelivered event found, since its first report may not have been published', async () => {
      const detector = new SharedAnomalyDetector({ monitoring: defaultMonitoring(), state: await open() });
      const m = { machineId: 'm1', regionId: 'r1' };
      await detector.voteRejected(m, 'bad-signature', 'r1', T0);
      await detector.voteRejected(m, 'bad-signature', 'r2', T0 + 1_000);
      const third = await detector.voteRejected(m, 'bad-signature', 'r3', T0 + 2_000);
      expect(third.map((f) => f.rule)).toEqual(['bad-credentials']);
      expect((await detector.voteRejected(m, 'bad-signature', 'r3', T0 + 9_000)).map((f) => f.rule)).toEqual([
        'bad-credentials',
      ]);
      expect(await detector.voteRejected(m, 'bad-signature', 'r4', T0 + 10_000)).toEqual([]);
    });
  });
}

const T0 = Date.parse('2026-11-27T04:00:00Z');
const MIN = 60_000;
const SWEEP_AT = T0 + 41 * MIN;

type Observation =
  | {
      readonly kind: 'vote';
      readonly id: string;
      readonly at: number;
      readonly machineId: string;
      readonly boothId: string;
      readonly electorate: number;
    }
  | { readonly kind: 'visitor'; readonly id: string; readonly at: number; readonly boothId: string }
  | { readonly kind: 'bad'; readonly id: string; readonly at: number; readonly machineId: string }
  | {
      readonly kind: 'refusal';
      readonly id: string;
      readonly at: number;
      readonly boothId: string;
      readonly voterTag?: string;
    }
  | {
      readonly kind: 'connected' | 'disconnected';
      readonly id: string;
      readonly at: number;
      readonly machineId: string;
    };

const place = (p: { machineId?: string; boothId?: string }): Placement => ({
  ...p,
  constituencyId: 'c1',
  regionId: 'r1',
});

/**
 * Forty minutes of one constituency: anomalies to find (m2's burst, b6 over its electorate and
 * visitors, m5's bad signatures, b7's refusals, a voter turned away at three booths, m9 offline)
 * and, next to each, traffic at exactly its threshold (m3, b4, m6, b8, m10), which counting a
 * redelivered event twice, or missing the other instance's share, would push over or keep under.
 */
function electionStream(): Observation[] {
  const out: Observation[] = [];
  let n = 0;
  const id = (p: string) => `${p}-${++n}`;
  const votes = (
    machineId: string,
    boothId: string,
    electorate: number,
    from: number,
    every: number,
    count: number,
  ) => {
    for (let i = 0; i < count; i++)
      out.push({ kind: 'vote', id: id('vote'), at: from + i * every, machineId, boothId, electorate });
  };
  votes('m2', 'b2', 500, T0, 0, 1);
  votes('m2', 'b2', 500, T0 + 36 * MIN, 4_000, 12);
  votes('m1', 'b1', 500, T0 + 20 * MIN, 30_000, 40);
  votes('m3', 'b3', 500, T0 + 30 * MIN, 5_000, 8);
  votes('m4', 'b4', 10, T0 + 30 * MIN, 40_000, 10);
  out.push({ kind: 'visitor', id: id('verified'), at: T0 + 29 * MIN, boothId: 'b6' });
  out.push({ kind: 'visitor', id: id('verified'), at: T0 + 29 * MIN + 1, boothId: 'b6' });
  votes('m6v', 'b6', 10, T0 + 30 * MIN, 40_000, 13);
  for (let i = 0; i < 3; i++)
    out.push({ kind: 'bad', id: id('bad'), at: T0 + 31 * MIN + i * 10_000, machineId: 'm5' });
  for (let i = 0; i < 2; i++)
    out.push({ kind: 'bad', id: id('bad'), at: T0 + 32 * MIN + i * 10_000, machineId: 'm6' });
  for (let i = 0; i < 8; i++)
    out.push({ kind: 'refusal', id: id('ref'), at: T0 + 33 * MIN + i * 10_000, boothId: 'b7' });
  for (let i = 0; i < 7; i++)
    out.push({ kind: 'refusal', id: id('ref'), at: T0 + 33 * MIN + i * 10_000, boothId: 'b8' });
  const tagged = [
    ['tag-a', ['b1', 'b3', 'b4'], 0],
    ['tag-b', ['b1', 'b3'], 5_000],
  ] as const;
  for (const [voterTag, booths, offset] of tagged)
    for (const [i, boothId] of booths.entries())
      out.push({ kind: 'refusal', id: id('ref'), at: T0 + 34 * MIN + offset + i * 1_000, boothId, voterTag });
  for (const machineId of ['m9', 'm10'])
    out.push({ kind: 'connected', id: id('conn'), at: T0 + 30 * MIN, machineId });
  for (const machineId of ['m9', 'm10'])
    out.push({ kind: 'disconnected', id: id('disc'), at: T0 + 35 * MIN, machineId });
  out.push({ kind: 'connected', id: id('conn'), at: T0 + 35 * MIN + 1_000, machineId: 'm10' });
  return out.sort((x, y) => x.at - y.at);
}

/**
 * Alternate events go to each instance; every third is delivered again to the other one five
 * seconds later, and a run of thirty is delivered again as a whole batch a minute later. The
 * other instance's connect and disconnect of m10 arrive in the wrong order.
 */
function splitWithRedeliveries(stream: readonly Observation[]): [Delivery[], Delivery[]] {
  const lists: [Delivery[], Delivery[]] = [[], []];
  stream.forEach((o, i) => {
    lists[i % 2]!.push({ o, at: o.at });
    if (i % 3 === 0) lists[(i + 1) % 2]!.push({ o, at: o.at + 5_000 });
  });
  for (const o of stream.slice(40, 70)) lists[0].push({ o, at: o.at + MIN });
  for (const list of lists) list.sort((x, y) => x.at - y.at);
  const [first, second] = lists;
  const m10 = second.filter((d) => d.o.kind !== 'vote' && 'machineId' in d.o && d.o.machineId === 'm10');
  const rest = second.filter((d) => !m10.includes(d));
  return [first, [...m10.reverse(), ...rest]];
}

interface Delivery {
  readonly o: Observation;
  readonly at: number;
}

async function observe(d: SharedAnomalyDetector, o: Observation, at: number): Promise<Finding[]> {
  switch (o.kind) {
    case 'vote':
      return d.voteAccepted({ ...voteOf(o) }, o.id, at, o.electorate);
    case 'visitor':
      await d.voterVerified({ ...place({ boothId: o.boothId }), boothId: o.boothId }, o.id, true);
      return [];
    case 'bad':
      return d.voteRejected({ ...place(o), machineId: o.machineId }, 'bad-signature', o.id, at);
    case 'refusal':
      return d.voterRejected(
        { ...place(o), boothId: o.boothId },
        o.voterTag === undefined ? 'forged' : 'already-voted',
        o.id,
        at,
        o.voterTag,
      );
    case 'connected':
      await d.connected({ ...place(o), machineId: o.machineId }, o.id, at);
      return [];
    case 'disconnected':
      await d.disconnected({ ...place(o), machineId: o.machineId }, o.id, at);
      return [];
  }
}

function voteOf(o: Extract<Observation, { kind: 'vote' }>) {
  return {
    machineId: o.machineId,
    boothId: o.boothId,
    constituencyId: 'c1',
    regionId: 'r1',
    candidateId: 'a',
  };
}

function inProcess(stream: readonly Observation[]): Finding[] {
  const d = new AnomalyDetector({ monitoring: defaultMonitoring() });
  const out: Finding[] = [];
  for (const o of stream) {
    switch (o.kind) {
      case 'vote':
        out.push(...d.voteAccepted(voteOf(o), o.at, o.electorate));
        break;
      case 'visitor':
        d.voterVerified({ boothId: o.boothId }, true);
        break;
      case 'bad':
        out.push(...d.voteRejected({ ...place(o), machineId: o.machineId }, 'bad-signature', o.at));
        break;
      case 'refusal':
        out.push(
          ...d.voterRejected(
            { ...place(o), boothId: o.boothId },
            o.voterTag === undefined ? 'forged' : 'already-voted',
            o.at,
            o.voterTag,
          ),
        );
        break;
      case 'connected':
        d.connected({ ...place(o), machineId: o.machineId }, o.at);
        break;
      case 'disconnected':
        d.disconnected({ ...place(o), machineId: o.machineId }, o.at);
        break;
    }
  }
  out.push(...d.sweep(SWEEP_AT));
  return out;
}

/**
 * Each rule and subject found, once, sorted: instances may report a repeat the other has not. A
 * repeat voter is named by the booths that turned them away: its subject is whichever booth's
 * refusal completed the count, and a redelivered refusal may complete it first.
 */
function keysOf(findings: readonly Finding[]): string[] {
  const key = (f: Finding) =>
    f.rule === 'repeat-voter'
      ? `${f.rule}|${String(f.evidence.booths)}`
      : `${f.rule}|${f.subject.machineId ?? f.subject.boothId}`;
  return [...new Set(findings.map(key))].sort();
}
