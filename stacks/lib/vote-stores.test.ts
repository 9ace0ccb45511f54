import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RDSDataClient } from '@aws-sdk/client-rds-data';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { LINKS } from '@ballotstream/functions/links';
import { buildAwsDeps } from '@ballotstream/functions/shared/aws-deps';
import { type Trigger, triggers } from '@ballotstream/functions/triggers';
import { mockClient } from 'aws-sdk-client-mock';
import { describe, expect, it } from 'vitest';
import { loadInfraBlueprint } from './blueprint';
import { exampleArns } from './example-arns';
import { statementsFor } from './permissions';
import {
  auroraLinkProperties,
  DATA_API_UNAVAILABLE_REGIONS,
  LAMBDA_CA_BUNDLE,
  needsVoteStoreVpc,
  needsVpcPeering,
  storesReachedAcrossRegions,
  VPC_CIDRS,
  voteStorePlans,
} from './vote-stores';

const all = triggers as readonly Trigger[];
const byName = (name: string) => all.find((t) => t.name === name)!;
const root = join(import.meta.dirname, '..', '..');
const elections = readdirSync(join(root, 'elections')).filter((f) => f.endsWith('.json'));
const blueprintOf = (file: string) =>
  loadInfraBlueprint('x', root, { BALLOTSTREAM_BLUEPRINT: join(root, 'elections', file) });
const national = { primary: 'ap-south-1', secondary: 'ap-south-2' };
const city = { primary: 'ap-south-1', secondary: 'ap-southeast-1' };

describe('the vote store of each region', () => {
  it('is, by default, Aurora PostgreSQL over a direct connection in both regions every blueprint names', () => {
    expect(elections.length).toBeGreaterThanOrEqual(2);
    for (const file of elections) {
      const { aws } = blueprintOf(file);
      expect(aws.voteStore, file).toBe('postgres');
      const plans = voteStorePlans(aws.voteStore, {
        primary: aws.primaryRegion,
        secondary: aws.secondaryRegion,
      });
      expect(plans.primary.kind, file).toBe('postgres');
      expect(plans.secondary.kind, file).toBe('postgres');
      expect(plans.secondary.regionName, file).toBe(aws.secondaryRegion);
    }
  });

  it('refuses the Data API in a region AWS does not offer it in (ap-south-2), naming the region', () => {
    expect(DATA_API_UNAVAILABLE_REGIONS).toContain('ap-south-2');
    expect(() => voteStorePlans('postgres-data-api', national)).toThrow(
      /RDS Data API is not offered in ap-south-2 \(secondary\).*voteStore "postgres"/,
    );
    const plans = voteStorePlans('postgres-data-api', city);
    expect([plans.primary.kind, plans.secondary.kind]).toEqual(['postgres-data-api', 'postgres-data-api']);
  });

  it('keeps Timestream LiveAnalytics behind an explicit opt-in (closed to new accounts)', () => {
    expect(voteStorePlans('timestream', national).secondary.kind).toBe('timestream');
  });
});

describe('reaching a direct-connection vote store', () => {
  it('grants a step the cluster secret of the stores it reaches and no Data API or Timestream action', () => {
    const statements = statementsFor(byName('recordVoteSecondary'), exampleArns('postgres'));
    const onStore = statements.filter((s) =>
      s.actions.some(
        (a) => a.startsWith('secretsmanager:') || a.startsWith('rds') || a.startsWith('timestream'),
      ),
    );
    expect(onStore).toEqual([
      {
        actions: ['secretsmanager:GetSecretValue'],
        resources: ['arn:aws:secretsmanager:ap-south-2:123456789012:secret:bs-votes-secondary-AbCdEf'],
      },
    ]);
  });

  it('keeps the Data API grants for the Data API store: SQL on its cluster, its secret', () => {
    const actions = statementsFor(byName('recordVotePrimary'), exampleArns('postgres-data-api')).flatMap(
      (s) => s.actions,
    );
    expect(actions).toEqual(
      expect.arrayContaining([
        'rds-data:ExecuteStatement',
        'rds-data:BatchExecuteStatement',
        'secretsmanager:GetSecretValue',
      ]),
    );
  });

  it('puts in a VPC exactly the steps that reach a direct-connection store', () => {
    const direct = voteStorePlans('postgres', national);
    expect(needsVoteStoreVpc(byName('recordVotePrimary'), direct)).toBe(true);
    expect(needsVoteStoreVpc(byName('recordVoteSecondary'), direct)).toBe(true);
    expect(needsVoteStoreVpc(byName('materialiseTallies'), direct)).toBe(true);
    expect(needsVoteStoreVpc(byName('ingestVote'), direct)).toBe(false);
    for (const choice of ['postgres-data-api', 'timestream'] as const) {
      const plans = voteStorePlans(choice, city);
      for (const trigger of all) expect(needsVoteStoreVpc(trigger, plans), trigger.name).toBe(false);
    }
  });

  it('peers the two regions’ VPCs when a step in one region reaches the other’s store, over CIDRs that do not overlap', () => {
    // The tally job and the result check run in the primary region and read both stores.
    expect(needsVpcPeering(all, voteStorePlans('postgres', national))).toBe(true);
    // Only the secondary's store is reached from the other region: only its VPC admits the primary's range.
    expect(storesReachedAcrossRegions(all, voteStorePlans('postgres', national))).toEqual(['secondary']);
    expect(needsVpcPeering(all, voteStorePlans('postgres-data-api', city))).toBe(false);
    expect(needsVpcPeering(all, voteStorePlans('timestream', national))).toBe(false);
    expect(VPC_CIDRS.primary).toBe('10.0.0.0/16'); // SST's Vpc, where the cache already is
    expect(VPC_CIDRS.secondary).not.toBe(VPC_CIDRS.primary);
    expect(VPC_CIDRS.secondary).toMatch(/^10\.\d+\.0\.0\/16$/);
  });

  it('verifies the server certificate against the Lambda runtime’s Amazon CA bundle', () => {
    expect(LAMBDA_CA_BUNDLE).toBe('/var/runtime/ca-cert.pem');
  });
});

describe('the blueprint the SST app loads', () => {
  const withAws = (aws: Record<string, unknown>) => {
    const dir = mkdtempSync(join(tmpdir(), 'blueprint-'));
    const file = join(dir, 'stage.json');
    const national = JSON.parse(readFileSync(join(root, 'elections', 'national-general.json'), 'utf8'));
    // Data paths are relative to the blueprint's own directory: point them back at elections/.
    const data = Object.fromEntries(
      Object.entries(national.data as Record<string, string>).map(([k, v]) => [
        k,
        join(root, 'elections', v),
      ]),
    );
    writeFileSync(file, JSON.stringify({ ...national, data, aws: { ...national.aws, ...aws } }));
    return () => loadInfraBlueprint('x', root, { BALLOTSTREAM_BLUEPRINT: file });
  };

  it('is refused before anything is created when its witness is outside the replicas’ MRSC region set', () => {
    expect(withAws({ witnessRegion: 'ap-southeast-1' })).toThrow(
      /ap-south-1, ap-south-2 and witness ap-southeast-1 are not in one MRSC region set/,
    );
  });

  it('is refused before anything is created when it asks for the Data API where AWS does not offer it', () => {
    expect(withAws({ voteStore: 'postgres-data-api' })).toThrow(/RDS Data API is not offered in ap-south-2/);
    expect(withAws({})().aws.voteStore).toBe('postgres');
  });
});

describe('the link of an Aurora vote store', () => {
  process.env.AWS_REGION ??= 'ap-south-1';
  const reader = (links: Record<string, unknown>) => (name: string) => links[name];
  const cluster = {
    clusterArn: 'arn:aws:rds:ap-south-2:123456789012:cluster:bs-votes-secondary',
    secretArn: 'arn:aws:secretsmanager:ap-south-2:123456789012:secret:bs-votes-secondary-AbCdEf',
    host: 'bs-votes-secondary.cluster-abc.ap-south-2.rds.amazonaws.com',
    port: 5432,
    database: 'ballotstream',
  };

  it('is what the Lambda side reads: a direct connection for postgres, the Data API for postgres-data-api', async () => {
    const secrets = mockClient(SecretsManagerClient);
    secrets.on(GetSecretValueCommand).rejects(new Error('no secrets in this test'));
    const rds = mockClient(RDSDataClient);
    rds.onAnyCommand().rejects(new Error('no Data API in this test'));
    for (const kind of ['postgres', 'postgres-data-api'] as const) {
      const plan = { region: 'secondary', regionName: 'ap-south-2', kind } as const;
      const properties = auroraLinkProperties(plan, cluster);
      expect(properties.kind).toBe(kind);
      const deps = await buildAwsDeps(reader({ [LINKS.voteStore.secondary]: properties }));
      // A malformed link throws a ConfigError here, naming the link.
      const store = deps.voteStores.secondary;
      expect(store.region).toBe('secondary');
      // The direct path reads the CA bundle the link names first (absent outside Lambda).
      await expect(store.tally('e', 0, 1)).rejects.toThrow(
        kind === 'postgres'
          ? /cannot read the CA bundle \/var\/runtime\/ca-cert\.pem/
          : /no Data API in this test/,
      );
    }
    expect(
      auroraLinkProperties({ region: 'secondary', regionName: 'ap-south-2', kind: 'postgres' }, cluster),
    ).toEqual({
      kind: 'postgres',
      region: 'ap-south-2',
      host: cluster.host,
      port: 5432,
      database: 'ballotstream',
      secretArn: cluster.secretArn,
      tls: { caFile: '/var/runtime/ca-cert.pem' },
    });
    secrets.restore();
    rds.restore();
  });
});
