import { describe, expect, it } from 'vitest';
import { AnomalyDetector } from './detector';
import { defaultMonitoring } from './thresholds';

const T0 = Date.parse('2026-11-27T04:00:00Z');
const vote = (machine: string, candidateId = 'a') => ({
  machineId: machine,
  boothId: `booth-${machine}`,
  constituencyId: 'c1',
  regionId: 'r1',
  candidateId,
});

describe('the anomaly detector over a stream of observations', () => {
  it('stays silent over a clean hour of 20 machines voting at a human pace', () => {
    const detector = new AnomalyDetector({ monitoring: defaultMonitoring() });
    const found = [];
    for (let t = 0; t < 3600_000; t += 15_000) {
      for (let i = 0; i < 20; i++) {
        found.push(
          ...detector.voteAccepted(
            vote(`m${i}`, ['a', 'b', 'c'][(t / 15_000 + i) % 3]!),
            T0 + t + i * 100,
            2000,
          ),
        );
      }
      if (t % 60_000 === 0) found.push(...detector.sweep(T0 + t));
    }
    expect(found).toEqual([]);
  });

  it('reports a burst after silence once, then stays quiet through the cool-down', () => {
    const detector = new AnomalyDetector({ monitoring: defaultMonitoring() });
    detector.voteAccepted(vote('m1'), T0);
    const rules: string[] = [];
    for (let i = 0; i < 12; i++)
      rules.push(...detector.voteAccepted(vote('m1'), T0 + 45 * 60_000 + i * 4_000).map((f) => f.rule));
    expect(rules.filter((r) => r === 'burst-after-silence')).toHaveLength(1);
    expect(rules.filter((r) => r === 'vote-rate')).toHaveLength(1);
  });

  it('counts only refusals that suggest fraud, not a malformed request', () => {
    const detector = new AnomalyDetector({ monitoring: defaultMonitoring() });
    const found = [];
    for (let i = 0; i < 20; i++)
      found.push(...detector.voterRejected({ boothId: 'b1', regionId: 'r1' }, 'malformed', T0 + i));
    expect(found).toEqual([]);
    for (let i = 0; i < 8; i++)
      found.push(...detector.voterRejected({ boothId: 'b1', regionId: 'r1' }, 'already-voted', T0 + i));
    expect(found.map((f) => f.rule)).toEqual(['verification-refusals']);
  });

  it('reports a voter turned away at many booths once, and voters refused once each not at all', () => {
    const detector = new AnomalyDetector({ monitoring: defaultMonitoring() });
    const found = [];
    for (let b = 1; b <= 6; b++) {
      found.push(
        ...detector.voterRejected({ boothId: `b${b}`, regionId: 'r1' }, 'already-voted', T0 + b, 'tag-a'),
      );
      found.push(
        ...detector.voterRejected({ boothId: `b${b}`, regionId: 'r1' }, 'already-voted', T0 + b, `tag-${b}`),
      );
    }
    expect(found.filter((f) => f.rule === 'repeat-voter')).toEqual([
      expect.objectContaining({ subject: expect.objectContaining({ boothId: 'b3' }) }),
    ]);
  });

  it('flags bad signatures from one machine but not expired tokens', () => {
    const detector = new AnomalyDetector({ monitoring: defaultMonitoring() });
    const placement = { machineId: 'm1', boothId: 'b1', regionId: 'r1' };
    const found = [];
    for (let i = 0; i < 5; i++) found.push(...detector.voteRejected(placement, 'token-expired', T0 + i));
    expect(found).toEqual([]);
    for (let i = 0; i < 3; i++) found.push(...detector.voteRejected(placement, 'bad-signature', T0 + i));
    expect(found.map((f) => f.rule)).toEqual(['bad-credentials']);
  });

  it('finds a machine that went quiet and one that went offline on the sweep', () => {
    const m = defaultMonitoring();
    const detector = new AnomalyDetector({ monitoring: m });
    detector.connected({ machineId: 'quiet', regionId: 'r1' }, T0);
    detector.connected({ machineId: 'gone', regionId: 'r1' }, T0);
    detector.disconnected({ machineId: 'gone', regionId: 'r1' }, T0 + 1000);
    detector.connected({ machineId: 'busy', regionId: 'r1' }, T0);
    expect(detector.sweep(T0 + 60_000)).toEqual([]);
    for (let t = 0; t <= 21 * 60_000; t += 60_000) detector.seen({ machineId: 'busy' }, T0 + t);
    const found = detector.sweep(T0 + 21 * 60_000);
    expect(found.map((f) => [f.rule, f.subject.machineId]).sort()).toEqual([
      ['machine-offline', 'gone'],
      ['machine-silent', 'quiet'],
    ]);
  });

  it('finds turnout above the electorate the registry gives', () => {
    const detector = new AnomalyDetector({ monitoring: defaultMonitoring(), cooldownMs: 0 });
    const found = [];
    for (let i = 0; i < 4; i++) found.push(...detector.voteAccepted(vote('m1'), T0 + i * 60_000, 3));
    expect(found.map((f) => f.rule)).toEqual(['turnout-above-electorate']);
  });

  it('counts voters verified from other booths before calling turnout too high', () => {
    const detector = new AnomalyDetector({ monitoring: defaultMonitoring(), cooldownMs: 0 });
    const booth = vote('m1').boothId!;
    detector.voterVerified({ boothId: booth }, true);
    detector.voterVerified({ boothId: booth }, false);
    const found = [];
    for (let i = 0; i < 4; i++) found.push(...detector.voteAccepted(vote('m1'), T0 + i * 60_000, 3));
    expect(found).toEqual([]);
    found.push(...detector.voteAccepted(vote('m1'), T0 + 4 * 60_000, 3));
    expect(found.map((f) => [f.rule, f.evidence.visitors])).toEqual([['turnout-above-electorate', 1]]);
  });
});
