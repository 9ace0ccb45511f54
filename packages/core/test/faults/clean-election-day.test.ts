import { describe, expect, it } from 'vitest';
import { AnomalyDetector } from '../../src/domain/anomaly/detector';
import { defaultMonitoring } from '../../src/domain/anomaly/thresholds';

const HOURS = 11;
const START = Date.parse('2026-11-27T07:00:00Z');

/**
 * A seeded election-day: every booth's voters arrive at random (about one per 75 s, with a lunch
 * lull, never faster than a machine takes a voter), constituencies lean differently, 2% of
 * verifications are honest fingerprint misreads, and every machine is heard from each minute.
 */
type Ev = { at: number; kind: 'vote' | 'refusal' | 'seen'; booth: number };

function electionDay(booths: number, incident?: (events: Ev[]) => Ev[]) {
  let seed = 42;
  const rnd = () => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return seed / 2147483648;
  };
  let events: Ev[] = [];
  const end = START + HOURS * 3600_000;
  for (let b = 0; b < booths; b++) {
    for (let t = START; ; ) {
      const hour = (t - START) / 3600_000;
      const rate = hour > 5 && hour < 6.5 ? 1 / 300_000 : 1 / 75_000;
      t += Math.max(12_000, -Math.log(1 - rnd()) / rate);
      if (t >= end) break;
      events.push({ at: t, kind: rnd() < 0.02 ? 'refusal' : 'vote', booth: b });
    }
    for (let s = START; s < end; s += 60_000) events.push({ at: s, kind: 'seen', booth: b });
  }
  if (incident !== undefined) events = incident(events);
  events.sort((a, b) => a.at - b.at);
  return { events, rnd };
}

function run(booths: number, incident?: (events: Ev[]) => Ev[]) {
  const detector = new AnomalyDetector({
    monitoring: defaultMonitoring({ pollHours: { opens: '07:00', closes: '18:00', utcOffsetMinutes: 0 } }),
  });
  const { events, rnd } = electionDay(booths, incident);
  const shares = [
    [0.4, 0.35],
    [0.3, 0.3],
    [0.5, 0.3],
  ];
  const rules: string[] = [];
  let sweep = START;
  let votes = 0;
  for (const e of events) {
    for (; sweep <= e.at; sweep += 60_000) rules.push(...detector.sweep(sweep).map((f) => f.rule));
    const c = e.booth % 50;
    const placement = {
      machineId: `m${e.booth}`,
      boothId: `b${e.booth}`,
      constituencyId: `c${c}`,
      regionId: `r${c % 5}`,
    };
    if (e.kind === 'seen') detector.seen(placement, e.at);
    else if (e.kind === 'refusal')
      rules.push(...detector.voterRejected(placement, 'biometric-mismatch', e.at).map((f) => f.rule));
    else {
      votes++;
      const [a, b] = shares[c % 3]!;
      const x = rnd();
      const candidateId = x < a! ? 'a' : x < a! + b! ? 'b' : 'c';
      rules.push(...detector.voteAccepted({ ...placement, candidateId }, e.at, 1500).map((f) => f.rule));
    }
  }
  return { rules, votes };
}

describe('a clean election-day of 1,000 booths', () => {
  it('raises fewer than one anomaly per 1,000 booth-hours', () => {
    const { rules, votes } = run(1000);
    const perThousandBoothHours = (rules.length / (1000 * HOURS)) * 1000;
    process.stdout.write(
      `clean day: ${votes} votes, ${rules.length} findings, ${perThousandBoothHours} per 1,000 booth-hours\n`,
    );
    expect(votes).toBeGreaterThan(400_000);
    expect(perThousandBoothHours).toBeLessThan(1);
  });

  it('still finds the one booth stuffed after a captured lunch hour', () => {
    const noon = START + 5 * 3600_000;
    const { rules } = run(200, (events) => {
      // Booth 7 casts nothing from 12:00 (the booth is captured), then 12 votes in two minutes at 13:00.
      const kept = events.filter(
        (e) => !(e.booth === 7 && e.kind !== 'seen' && e.at >= noon && e.at < noon + 3600_000),
      );
      for (let i = 0; i < 12; i++) kept.push({ at: noon + 3600_000 + i * 10_000, kind: 'vote', booth: 7 });
      return kept;
    });
    expect(rules).toContain('burst-after-silence');
  });
});
