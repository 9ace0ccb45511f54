import { describe, expect, it } from 'vitest';
import {
  badCredentialsRule,
  boothTrendRule,
  burstAfterSilenceRule,
  livenessRule,
  outsidePollHoursRule,
  regionsDivergedRule,
  repeatVoterRule,
  turnoutRule,
  verificationRefusalsRule,
  voteRateRule,
  withinPollHours,
} from './rules';
import { defaultMonitoring } from './thresholds';

const m = defaultMonitoring({
  pollHours: { opens: '07:00', closes: '18:00', utcOffsetMinutes: 330 },
});
const subject = { regionId: 'r1', boothId: 'b1', machineId: 'm1' };
const T0 = Date.parse('2026-11-27T04:00:00Z'); // 09:30 in India
const every = (start: number, gapMs: number, n: number) =>
  Array.from({ length: n }, (_, i) => start + i * gapMs);

describe('poll hours', () => {
  it('reads the clock in the election time zone', () => {
    expect(withinPollHours(Date.parse('2026-11-27T01:29:00Z'), m.pollHours)).toBe(false); // 06:59 IST
    expect(withinPollHours(Date.parse('2026-11-27T01:30:00Z'), m.pollHours)).toBe(true); // 07:00 IST
    expect(withinPollHours(Date.parse('2026-11-27T12:29:00Z'), m.pollHours)).toBe(true); // 17:59 IST
    expect(withinPollHours(Date.parse('2026-11-27T12:30:00Z'), m.pollHours)).toBe(false); // 18:00 IST
  });

  it('fires on a vote at night and stays silent on one in the morning', () => {
    expect(outsidePollHoursRule(subject, Date.parse('2026-11-27T20:00:00Z'), m.pollHours)?.rule).toBe(
      'outside-poll-hours',
    );
    expect(outsidePollHoursRule(subject, T0, m.pollHours)).toBeUndefined();
  });

  it('lets the queue at closing vote within the grace, and fires after it', () => {
    const closes = Date.parse('2026-11-27T12:30:00Z'); // 18:00 in India
    expect(outsidePollHoursRule(subject, closes + 10 * 60_000, m.pollHours)).toBeUndefined();
    expect(outsidePollHoursRule(subject, closes + 29 * 60_000, m.pollHours)).toBeUndefined();
    expect(outsidePollHoursRule(subject, closes + 31 * 60_000, m.pollHours)?.rule).toBe('outside-poll-hours');
    const noGrace = { ...m.pollHours, queueGraceMinutes: 0 };
    expect(outsidePollHoursRule(subject, closes + 60_000, noGrace)?.rule).toBe('outside-poll-hours');
  });

  it("judges a late-closing booth by its own close, and every other booth by the election's", () => {
    const late = { ...m.pollHours, boothCloses: { b1: '20:00' } };
    const at = Date.parse('2026-11-27T14:00:00Z'); // 19:30 in India
    expect(outsidePollHoursRule(subject, at, late)).toBeUndefined();
    expect(outsidePollHoursRule({ ...subject, boothId: 'b2' }, at, late)?.rule).toBe('outside-poll-hours');
    const afterItsClose = Date.parse('2026-11-27T15:01:00Z'); // 20:31 in India
    expect(outsidePollHoursRule(subject, afterItsClose, late)?.rule).toBe('outside-poll-hours');
  });

  it('keeps the default polls open all day, so a demo at any hour is quiet', () => {
    expect(
      outsidePollHoursRule(subject, Date.parse('2026-11-27T23:59:00Z'), defaultMonitoring().pollHours),
    ).toBeUndefined();
  });
});

describe('vote rate per machine', () => {
  it('fires when a machine casts more in a minute than people can', () => {
    const times = every(T0, 5_000, 10); // 10 votes in 45 s
    const finding = voteRateRule(subject, times, times.at(-1)!, m.votes);
    expect(finding).toMatchObject({
      rule: 'vote-rate',
      severity: 'critical',
      subject,
      evidence: { votes: 10 },
    });
  });

  it('stays silent at a brisk human pace of five a minute all day', () => {
    const times = every(T0, 12_000, 300);
    for (const at of times)
      expect(
        voteRateRule(
          subject,
          times.filter((t) => t <= at),
          at,
          m.votes,
        ),
      ).toBeUndefined();
  });
});

describe('burst after silence', () => {
  it('fires on six votes within a minute after forty minutes of silence', () => {
    const times = [T0, ...every(T0 + 40 * 60_000, 8_000, 6)];
    const finding = burstAfterSilenceRule(subject, times, times.at(-1)!, m.votes);
    expect(finding).toMatchObject({ rule: 'burst-after-silence', evidence: { burstVotes: 6 } });
    expect(finding?.evidence.silenceMs).toBe(40 * 60_000);
  });

  it('stays silent when the same burst follows only a short pause', () => {
    const times = [T0, ...every(T0 + 10 * 60_000, 8_000, 6)];
    expect(burstAfterSilenceRule(subject, times, times.at(-1)!, m.votes)).toBeUndefined();
  });

  it('stays silent when a human pace resumes after a long lunch', () => {
    const times = [T0, ...every(T0 + 60 * 60_000, 15_000, 4)];
    expect(burstAfterSilenceRule(subject, times, times.at(-1)!, m.votes)).toBeUndefined();
  });

  it('does not call the first votes of a machine a burst', () => {
    const times = every(T0, 8_000, 6);
    expect(burstAfterSilenceRule(subject, times, times.at(-1)!, m.votes)).toBeUndefined();
  });
});

describe('turnout above the electorate', () => {
  it('fires on one vote more than the booth has voters', () => {
    expect(turnoutRule(subject, 1201, 1200)).toMatchObject({
      rule: 'turnout-above-electorate',
      evidence: { votes: 1201 },
    });
  });

  it('allows for the visitors verified there, and no more', () => {
    expect(turnoutRule(subject, 1230, 1200, 30)).toBeUndefined();
    expect(turnoutRule(subject, 1231, 1200, 30)).toMatchObject({
      rule: 'turnout-above-electorate',
      evidence: { votes: 1231, electorate: 1200, visitors: 30 },
    });
  });

  it('stays silent at full turnout, and when the electorate is unknown', () => {
    expect(turnoutRule(subject, 1200, 1200)).toBeUndefined();
    expect(turnoutRule(subject, 5000, undefined)).toBeUndefined();
  });
});

describe('repeated verification refusals', () => {
  it('fires on eight refusals at a booth within ten minutes', () => {
    const times = every(T0, 60_000, 8);
    expect(verificationRefusalsRule(subject, times, times.at(-1)!, m.verification)?.rule).toBe(
      'verification-refusals',
    );
  });

  it('stays silent on eight refusals spread over the morning', () => {
    const times = every(T0, 15 * 60_000, 8);
    expect(verificationRefusalsRule(subject, times, times.at(-1)!, m.verification)).toBeUndefined();
  });
});

describe('bad signatures or tokens', () => {
  it('fires on three from one machine within ten minutes', () => {
    const times = every(T0, 1_000, 3);
    expect(
      badCredentialsRule(subject, times, times.at(-1)!, m.credentials, { 'bad-signature': 3 }),
    ).toMatchObject({
      rule: 'bad-credentials',
      evidence: { bad: 3, reasons: { 'bad-signature': 3 } },
    });
  });

  it('stays silent on two', () => {
    const times = every(T0, 1_000, 2);
    expect(badCredentialsRule(subject, times, times.at(-1)!, m.credentials)).toBeUndefined();
  });
});

describe('machine silent or offline during polls', () => {
  it('fires when a machine has been offline for five minutes during polls', () => {
    const finding = livenessRule(
      subject,
      { lastSeenAt: T0, connected: false, disconnectedAt: T0 },
      T0 + 5 * 60_000,
      m.liveness,
      m.pollHours,
    );
    expect(finding?.rule).toBe('machine-offline');
  });

  it('fires when a connected machine has said nothing for twenty minutes', () => {
    expect(
      livenessRule(subject, { lastSeenAt: T0, connected: true }, T0 + 20 * 60_000, m.liveness, m.pollHours)
        ?.rule,
    ).toBe('machine-silent');
  });

  it('stays silent about a machine that sent its signed result record, offline or quiet', () => {
    const closed = { lastSeenAt: T0, connected: false, disconnectedAt: T0, pollClosedAt: T0 };
    expect(livenessRule(subject, closed, T0 + 30 * 60_000, m.liveness, m.pollHours)).toBeUndefined();
    expect(
      livenessRule(subject, { ...closed, connected: true }, T0 + 30 * 60_000, m.liveness, m.pollHours),
    ).toBeUndefined();
  });

  it('stays silent for a short reconnect, a quiet quarter hour, and after the polls close', () => {
    expect(
      livenessRule(
        subject,
        { lastSeenAt: T0, connected: false, disconnectedAt: T0 },
        T0 + 60_000,
        m.liveness,
        m.pollHours,
      ),
    ).toBeUndefined();
    expect(
      livenessRule(subject, { lastSeenAt: T0, connected: true }, T0 + 15 * 60_000, m.liveness, m.pollHours),
    ).toBeUndefined();
    const night = Date.parse('2026-11-27T20:00:00Z');
    expect(
      livenessRule(subject, { lastSeenAt: T0, connected: true }, night, m.liveness, m.pollHours),
    ).toBeUndefined();
  });
});

describe('regions diverging', () => {
  it('raises a national finding with both counts', () => {
    const f = regionsDivergedRule({
      windowStart: 0,
      windowEnd: 900_000,
      primaryVotes: 10,
      secondaryVotes: 7,
    });
    expect(f).toMatchObject({
      rule: 'regions-diverged',
      subject: { regionId: 'national' },
      evidence: { primaryVotes: 10, secondaryVotes: 7 },
    });
  });
});

describe("a booth's candidate shares against its constituency's", () => {
  const constituencyOf = (booth: Map<string, number>, rest: Record<string, number>) =>
    new Map(Object.entries(rest).map(([c, n]) => [c, n + (booth.get(c) ?? 0)]));

  it('fires when one candidate takes 90% at a booth and 30% around it', () => {
    const booth = new Map([
      ['a', 270],
      ['b', 15],
      ['c', 15],
    ]);
    const finding = boothTrendRule(
      subject,
      booth,
      constituencyOf(booth, { a: 900, b: 1050, c: 1050 }),
      m.trend,
    );
    expect(finding).toMatchObject({ rule: 'booth-trend', evidence: { candidateId: 'a', boothShare: 0.9 } });
  });

  it('stays silent on an ordinary local swing of ten points', () => {
    const booth = new Map([
      ['a', 120],
      ['b', 90],
      ['c', 90],
    ]);
    expect(
      boothTrendRule(subject, booth, constituencyOf(booth, { a: 900, b: 1050, c: 1050 }), m.trend),
    ).toBeUndefined();
  });

  it('stays silent on a small booth whatever its shares', () => {
    const booth = new Map([['a', 60]]);
    expect(
      boothTrendRule(subject, booth, constituencyOf(booth, { a: 900, b: 1050, c: 1050 }), m.trend),
    ).toBeUndefined();
  });
});

describe('repeat voter across booths', () => {
  const t = m.verification;
  it('fires when one voter is turned away at three booths within the hour', () => {
    const refused = new Map([
      ['b1', T0],
      ['b2', T0 + 60_000],
      ['b3', T0 + 120_000],
    ]);
    expect(repeatVoterRule(subject, refused, T0 + 120_000, t)).toMatchObject({
      rule: 'repeat-voter',
      severity: 'critical',
      evidence: { booths: ['b1', 'b2', 'b3'] },
    });
  });

  it('stays silent at two booths, or when the earlier refusals are over an hour old', () => {
    expect(
      repeatVoterRule(
        subject,
        new Map([
          ['b1', T0],
          ['b2', T0 + 1],
        ]),
        T0 + 1,
        t,
      ),
    ).toBeUndefined();
    const stale = new Map([
      ['b1', T0],
      ['b2', T0 + 1],
      ['b3', T0 + t.repeatWindowMs + 10],
    ]);
    expect(repeatVoterRule(subject, stale, T0 + t.repeatWindowMs + 10, t)).toBeUndefined();
  });
});
