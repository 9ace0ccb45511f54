import { join } from 'node:path';
import { tables } from '@ballotstream/core';
import { describe, expect, it } from 'vitest';
import { loadInfraBlueprint } from './blueprint';
import {
  mrscRegionSet,
  replicationNotice,
  tablePlans,
  WARM_THROUGHPUT_MINIMUM,
  warmThroughputNeeds,
  warmThroughputPlan,
} from './tables';

const root = join(import.meta.dirname, '..', '..');
const blueprintOf = (stage: string) => loadInfraBlueprint(stage, root, {});
const plan = (name: string, plans: ReturnType<typeof tablePlans>) =>
  plans.find((p) => p.definition.name === name)!;

describe('warm throughput', () => {
  it('is never planned below the documented minimum of 4,000 write and 12,000 read units', () => {
    expect(WARM_THROUGHPUT_MINIMUM).toEqual({ read: 12_000, write: 4_000 });
    for (const stage of ['national-general', 'city-municipal']) {
      const needs = warmThroughputNeeds(blueprintOf(stage));
      for (const p of tablePlans(tables, { primary: 'ap-south-1', secondary: 'ap-south-2' }, needs)) {
        if (p.warmThroughput === undefined) continue;
        expect(p.warmThroughput.write, `${stage} ${p.definition.name}`).toBeGreaterThanOrEqual(4_000);
        expect(p.warmThroughput.read, `${stage} ${p.definition.name}`).toBeGreaterThanOrEqual(12_000);
      }
    }
  });

  it('is set only on tables whose election-day need is above what a new table serves at once', () => {
    const national = tablePlans(
      tables,
      { primary: 'ap-south-1', secondary: 'ap-south-2' },
      warmThroughputNeeds(blueprintOf('national-general')),
    );
    expect(plan('voters', national).warmThroughput?.write).toBeGreaterThan(40_000);
    expect(plan('registry', national).warmThroughput?.read).toBeGreaterThan(100_000);
    // tallies needs ~3,700 write units at the national peak: below the minimum, so left alone.
    expect(plan('tallies', national).warmThroughput).toBeUndefined();
    const city = tablePlans(
      tables,
      { primary: 'ap-south-1', secondary: 'ap-southeast-1' },
      warmThroughputNeeds(blueprintOf('city-municipal')),
    );
    for (const p of city) expect(p.warmThroughput, p.definition.name).toBeUndefined();
  });

  it('raises the other direction to its minimum when only one is needed', () => {
    expect(warmThroughputPlan({ write: 50_000 }, undefined)).toEqual({ read: 12_000, write: 50_000 });
    expect(warmThroughputPlan({ read: 20_000, write: 3_000 }, undefined)).toEqual({
      read: 20_000,
      write: 4_000,
    });
    expect(warmThroughputPlan({ read: 11_000, write: 3_999 }, undefined)).toBeUndefined();
  });

  it("leaves a live table at DynamoDB's default alone when the election needs no more", () => {
    const atDefault = { read: 12_000, write: 4_000 };
    expect(warmThroughputPlan(undefined, atDefault)).toBeUndefined();
    expect(warmThroughputPlan({ write: 3_000 }, atDefault)).toBeUndefined();
    expect(warmThroughputPlan({ write: 9_000 }, atDefault)).toEqual({ read: 12_000, write: 9_000 });
  });

  it('never shrinks what the deployed table already has (lowering it would replace the table)', () => {
    const deployed = { read: 80_000, write: 75_000 };
    expect(warmThroughputPlan({ write: 10_000 }, deployed)).toEqual(deployed);
    expect(warmThroughputPlan(undefined, deployed)).toEqual(deployed);
    expect(warmThroughputPlan({ read: 90_000, write: 60_000 }, deployed)).toEqual({
      read: 90_000,
      write: 75_000,
    });
    const plans = tablePlans(
      tables,
      { primary: 'ap-south-1', secondary: 'ap-southeast-1' },
      warmThroughputNeeds(blueprintOf('city-municipal')),
      new Map([['voters', deployed]]),
    );
    expect(plan('voters', plans).warmThroughput).toEqual(deployed);
  });
});

describe('multi-region strong consistency', () => {
  it("knows AWS's MRSC region sets (US, EU, and Tokyo/Seoul/Osaka) and nothing else", () => {
    expect(mrscRegionSet(['us-east-1', 'us-east-2', 'us-west-2'])).toBe('US');
    expect(mrscRegionSet(['eu-west-1', 'eu-central-1', 'eu-west-3'])).toBe('EU');
    expect(mrscRegionSet(['ap-northeast-1', 'ap-northeast-2', 'ap-northeast-3'])).toBe('AP');
    expect(mrscRegionSet(['ap-south-1', 'ap-south-2', 'ap-southeast-1'])).toBeUndefined();
    expect(mrscRegionSet(['us-east-1', 'us-east-2', 'eu-west-1'])).toBeUndefined();
    expect(mrscRegionSet(['us-west-1', 'us-east-1', 'us-east-2'])).toBeUndefined();
  });

  it('refuses a witness outside the replicas’ region set, naming every region', () => {
    expect(() =>
      tablePlans(tables, { primary: 'ap-south-1', secondary: 'ap-south-2', witness: 'ap-southeast-1' }),
    ).toThrow(/ap-south-1, ap-south-2 and witness ap-southeast-1 are not in one MRSC region set/);
    expect(() =>
      tablePlans(tables, { primary: 'ap-south-1', secondary: 'ap-southeast-1', witness: 'ap-northeast-1' }),
    ).toThrow(/remove aws\.witnessRegion/);
  });

  it('refuses a witness that is one of the replica regions', () => {
    expect(() =>
      tablePlans(tables, { primary: 'us-east-1', secondary: 'us-east-2', witness: 'us-east-2' }),
    ).toThrow(/witness us-east-2 is also a replica region/);
  });

  it('makes the tables that ask for it strongly consistent where the regions form an MRSC set', () => {
    const plans = tablePlans(tables, { primary: 'us-east-1', secondary: 'us-east-2', witness: 'us-west-2' });
    for (const p of plans) {
      expect(p.replica.consistencyMode).toBe(p.definition.multiRegionStrong ? 'STRONG' : 'EVENTUAL');
      expect(p.witnessRegion).toBe(p.definition.multiRegionStrong ? 'us-west-2' : undefined);
    }
    expect(replicationNotice({ primary: 'us-east-1', secondary: 'us-east-2', witness: 'us-west-2' })).toMatch(
      /strongly consistent \(MRSC\) across us-east-1 and us-east-2, witness us-west-2/,
    );
  });

  it('says the Indian regions get eventually consistent global tables, as MRSC is not offered there', () => {
    for (const stage of ['national-general', 'city-municipal']) {
      const { aws } = blueprintOf(stage);
      const regions = { primary: aws.primaryRegion, secondary: aws.secondaryRegion };
      for (const p of tablePlans(tables, regions)) expect(p.replica.consistencyMode).toBe('EVENTUAL');
      const notice = replicationNotice(regions);
      expect(notice).toContain('eventually consistent (MREC)');
      expect(notice).toContain(`${aws.primaryRegion} and ${aws.secondaryRegion}`);
      expect(notice).toMatch(/not in one MRSC region set/);
    }
  });
});
