import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  blueprintElection,
  blueprintEnvironment,
  blueprintSettings,
  lateBoothCloses,
  loadBlueprint,
  mockPoll,
  parseBlueprint,
} from './blueprint';
import { loadConfig } from './config';

const elections = join(dirname(fileURLToPath(import.meta.url)), '../../../elections');

describe('the election blueprint', () => {
  it.each(['national-general', 'city-municipal'])(
    'loads the shipped %s blueprint and finds its data files',
    (name) => {
      const blueprint = loadBlueprint(join(elections, `${name}.json`));
      expect(blueprint.stage).toBe(name);
      for (const path of Object.values(blueprint.data)) expect(existsSync(path!), path).toBe(true);
    },
  );

  it('states poll hours in the election time zone', () => {
    const blueprint = loadBlueprint(join(elections, 'national-general.json'));
    expect(blueprintElection(blueprint)).toMatchObject({
      opensAt: '2029-04-19T07:00:00+05:30',
      closesAt: '2029-04-19T18:00:00+05:30',
    });
    expect(blueprintSettings(blueprint).monitoring.pollHours).toEqual({
      opens: '07:00',
      closes: '18:00',
      utcOffsetMinutes: 330,
    });
  });

  it('gives a late-closing booth its own close, to its booth record and to the anomaly rules', () => {
    const national = loadBlueprint(join(elections, 'national-general.json'));
    const blueprint = { ...national, poll: { ...national.poll, lateBooths: { 'b-hill': '20:00' } } };
    expect(lateBoothCloses(blueprint)).toEqual({ 'b-hill': '2029-04-19T20:00:00+05:30' });
    expect(blueprintSettings(blueprint).monitoring.pollHours.boothCloses).toEqual({ 'b-hill': '20:00' });
    const { data: _data, ...raw } = national;
    expect(() =>
      parseBlueprint({ ...raw, poll: { ...national.poll, lateBooths: { 'b-hill': '17:00' } } }),
    ).toThrow(/late-closing booth must close after the election closes/);
  });

  it('moves a mock poll to now for as long as the real one, under a stage and election of its own', () => {
    const real = loadBlueprint(join(elections, 'national-general.json'));
    const now = Date.parse('2026-12-03T04:30:00Z'); // 10:00 in India
    const mock = mockPoll(real, now);
    expect(mock.poll).toMatchObject({ day: '2026-12-03', opens: '10:00', closes: '21:00' });
    expect(blueprintElection(mock)).toMatchObject({
      electionId: `${real.electionId}-mock`,
      opensAt: '2026-12-03T10:00:00+05:30',
      closesAt: '2026-12-03T21:00:00+05:30',
    });
    expect(mock.name).toMatch(/^MOCK POLL: /);
    expect(mock.stage).toBe(`${real.stage}-mock`);
    expect(blueprintSettings(mock)).toMatchObject({
      stage: `${real.stage}-mock`,
      electionId: `${real.electionId}-mock`,
    });
    // Late in the evening the rehearsal ends at midnight rather than on another day.
    expect(mockPoll(real, Date.parse('2026-12-03T16:30:00Z')).poll).toMatchObject({
      opens: '22:00',
      closes: '24:00',
    });
    expect(() => parseBlueprint({ ...mock, data: {} })).not.toThrow();
  });

  it('gives Lambda the same settings through the environment loadConfig reads', () => {
    const blueprint = loadBlueprint(join(elections, 'city-municipal.json'));
    const config = loadConfig(blueprintEnvironment(blueprint));
    expect(config).toMatchObject({ stage: 'city-municipal', electionId: 'pune-mc-2027', bucketMs: 300_000 });
    expect(config.monitoring.votes.maxPerWindow).toBe(6);
    expect(config.monitoring.pollHours.utcOffsetMinutes).toBe(330);
  });

  it('tells each region which region owns verification first, and fences status writes unless told not to', () => {
    const blueprint = loadBlueprint(join(elections, 'city-municipal.json'));
    const inSecondary = loadConfig({
      ...blueprintEnvironment(blueprint),
      AWS_REGION: blueprint.aws.secondaryRegion,
    });
    expect(inSecondary).toMatchObject({
      region: blueprint.aws.secondaryRegion,
      primaryRegion: blueprint.aws.primaryRegion,
      secondaryRegion: blueprint.aws.secondaryRegion,
      fencedVerification: true,
    });
    // With no primary named, a region owns its own voters (one region, nothing to hand over).
    expect(loadConfig({ AWS_REGION: 'ap-south-2' })).toMatchObject({
      region: 'ap-south-2',
      primaryRegion: 'ap-south-2',
    });
    // Strongly consistent tables (a witness region) take no transactions: verification is not fenced.
    expect(loadConfig({ BALLOTSTREAM_FENCED_VERIFICATION: 'false' }).fencedVerification).toBe(false);
  });

  it('refuses booths by region that do not add up to the booths', () => {
    const blueprint = JSON.parse(readFileSync(join(elections, 'national-general.json'), 'utf8'));
    expect(() => parseBlueprint(blueprint)).not.toThrow();
    blueprint.scale.boothsByRegion = { 'state-01': 10, 'state-02': 20 };
    expect(() => parseBlueprint(blueprint)).toThrow(
      /scale.boothsByRegion: boothsByRegion must add up to booths/,
    );
  });

  it('names every bad field of a wrong blueprint', () => {
    expect(() =>
      parseBlueprint({
        stage: 'Bad Stage',
        electionId: 'x',
        name: 'x',
        aws: { primaryRegion: 'ap-south-1', secondaryRegion: 'ap-south-1' },
        poll: { day: '2029-02-30', opens: '18:00', closes: '07:00', timeZone: 'Mars/Olympus' },
        secrecy: { bucketSeconds: 1 },
        scale: { voters: 10, turnout: 2, booths: 1, peakFactor: 2 },
        surprise: true,
      }),
    ).toThrow(
      /stage[\s\S]*aws[\s\S]*poll.day[\s\S]*poll.timeZone[\s\S]*secrecy.bucketSeconds[\s\S]*scale.turnout/,
    );
  });
});
