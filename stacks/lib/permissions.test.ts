import { plannedLinks, regionOf, STREAM_READ_ACTIONS } from '@ballotstream/functions/catalogue';
import type { Trigger } from '@ballotstream/functions/triggers';
import { triggers } from '@ballotstream/functions/triggers';
import { describe, expect, it } from 'vitest';
import { exampleArns, exampleLinks } from './example-arns';
import { needsVpc, statementsFor, UNSCOPED_ACTIONS } from './permissions';
import { QUEUE_READ_ACTIONS } from './queues';

const all = triggers as readonly Trigger[];
const byName = (name: string) => all.find((t) => t.name === name)!;

describe('per-function IAM statements', () => {
  for (const store of ['timestream', 'postgres'] as const) {
    it(`use no wildcard action and no wildcard resource a specific one could replace (${store} vote store)`, () => {
      for (const trigger of all) {
        for (const statement of statementsFor(trigger, exampleArns(store))) {
          for (const action of statement.actions) expect(action, trigger.name).not.toContain('*');
          if (statement.resources.includes('*')) {
            expect(
              statement.actions.every((a) => UNSCOPED_ACTIONS.has(a)),
              trigger.name,
            ).toBe(true);
          }
          // A trailing `/*` is allowed only where it scopes to one table's indexes, this account's
          // certificates or things (a machine's thing is named by its id alone), the machines'
          // control topics or the stage's health probe topics.
          for (const resource of statement.resources.filter((r) => r !== '*' && r.endsWith('*'))) {
            expect(resource, trigger.name).toMatch(
              /\/index\/\*$|\/stream\/\*$|:cert\/\*$|:thing\/\*$|\/machines\/\*\/control$|\/health\/\*$/,
            );
          }
        }
      }
    });
  }

  it('let only the hard-block steps change machine certificates, found through the machines’ things', () => {
    const arns = exampleArns('postgres');
    for (const trigger of all) {
      const statements = statementsFor(trigger, arns);
      const actions = statements.flatMap((s) => s.actions);
      const hardBlock = ['hardBlockIgnored', 'hardBlockSos', 'restoreCertificates'].includes(trigger.name);
      expect(actions.includes('iot:UpdateCertificate'), trigger.name).toBe(hardBlock);
      if (!hardBlock) continue;
      expect(statements).toContainEqual({
        actions: ['iot:ListThingPrincipals'],
        resources: [arns.machineThings],
      });
      expect(statements).toContainEqual({
        actions: ['iot:UpdateCertificate', 'iot:DescribeCertificate'],
        resources: [arns.machineCertificates],
      });
    }
  });

  it("let the staff sync alone touch the user pools, writing only in the secondary's", () => {
    const arns = exampleArns('postgres');
    for (const trigger of all) {
      const statements = statementsFor(trigger, arns);
      const onPool = (region: 'primary' | 'secondary') =>
        statements.filter((s) => s.resources.includes(arns.userPool(region))).flatMap((s) => s.actions);
      if (trigger.name !== 'syncStaffPools') {
        expect([...onPool('primary'), ...onPool('secondary')], trigger.name).toEqual([]);
        continue;
      }
      expect(onPool('primary').sort()).toEqual([
        'cognito-idp:ListGroups',
        'cognito-idp:ListUsers',
        'cognito-idp:ListUsersInGroup',
      ]);
      expect(onPool('secondary')).toContain('cognito-idp:AdminCreateUser');
      expect(onPool('secondary')).toContain('cognito-idp:AdminDisableUser');
    }
  });

  it('grant every table a step declares, with writes only where it writes', () => {
    for (const trigger of all) {
      const statements = statementsFor(trigger, exampleArns('timestream'));
      for (const [table, use] of Object.entries(trigger.reaches?.tables ?? {})) {
        const granted = statements.filter((s) => s.resources.some((r) => r.endsWith(`-${table}`)));
        const actions = granted.flatMap((s) => s.actions);
        expect(actions, `${trigger.name} on ${table}`).toContain('dynamodb:GetItem');
        expect(actions.includes('dynamodb:PutItem'), `${trigger.name} on ${table}`).toBe(use === 'write');
      }
      const tablesGranted = statements
        .flatMap((s) => s.resources)
        .filter((r) => r.includes(':table/') && !r.includes('/index/') && !r.includes('/stream/'))
        .map((r) => r.replace(/^.*-/, ''));
      expect(new Set(tablesGranted), trigger.name).toEqual(
        new Set(Object.keys(trigger.reaches?.tables ?? {})),
      );
    }
  });

  it("let a stream reader read its own table's streams and no other table's, nor the table itself", () => {
    for (const trigger of all.filter((t) => t.kind === 'stream')) {
      const arns = exampleArns('timestream');
      const statements = statementsFor(trigger, arns);
      const onStreams = statements.filter((s) => s.resources.some((r) => r.includes('/stream/')));
      expect(onStreams.flatMap((s) => s.resources)).toEqual([arns.tableStream(trigger.table)]);
      expect(onStreams.flatMap((s) => s.actions)).toEqual([...STREAM_READ_ACTIONS]);
      expect(statements.flatMap((s) => s.resources)).not.toContain(arns.table(trigger.table));
      // Stream records are encrypted under the data key: the table grants carry its decrypt.
      expect(Object.keys(trigger.reaches?.tables ?? {}).length, trigger.name).toBeGreaterThan(0);
    }
    expect(all.some((t) => t.kind === 'stream')).toBe(true);
  });

  it('let a step that reaches a table decrypt with the data key the tables are encrypted with, and no other step', () => {
    for (const trigger of all) {
      const decrypt = statementsFor(trigger, exampleArns('postgres')).filter((s) =>
        s.actions.includes('kms:Decrypt'),
      );
      const reachesTables = Object.keys(trigger.reaches?.tables ?? {}).length > 0;
      expect(
        decrypt.flatMap((s) => s.resources),
        trigger.name,
      ).toEqual(reachesTables ? [exampleArns('postgres').dataKey(regionOf(trigger))] : []);
    }
  });

  it('let a step put events only when it publishes, on the bus of its own region', () => {
    for (const trigger of all) {
      const put = statementsFor(trigger, exampleArns('timestream')).filter((s) =>
        s.actions.includes('events:PutEvents'),
      );
      if (trigger.publishes.length === 0) expect(put, trigger.name).toEqual([]);
      else {
        const region =
          trigger.kind === 'event' && trigger.region === 'secondary' ? 'ap-south-2' : 'ap-south-1';
        expect(
          put.flatMap((s) => s.resources),
          trigger.name,
        ).toEqual([`arn:aws:events:${region}:123456789012:event-bus/ballotstream-test`]);
      }
    }
  });

  it('give the secondary recorder the secondary vote store only', () => {
    const resources = statementsFor(byName('recordVoteSecondary'), exampleArns('postgres')).flatMap(
      (s) => s.resources,
    );
    expect(resources.some((r) => r.includes('bs-votes-secondary'))).toBe(true);
    expect(resources.some((r) => r.includes('bs-votes-primary'))).toBe(false);
  });

  it('let only verification verify tickets, with no right to sign them', () => {
    const actions = statementsFor(byName('verifyVoter'), exampleArns('timestream')).flatMap((s) => s.actions);
    expect(actions).toContain('kms:Verify');
    expect(actions).not.toContain('kms:Sign');
    const ingest = statementsFor(byName('ingestVote'), exampleArns('timestream'));
    const onSigningKeys = ingest.filter((s) => s.resources.some((r) => /mrk-(ticket|pseudonym)$/.test(r)));
    expect(onSigningKeys).toEqual([]);
  });

  it('let the bulletin route alone sign with the election key, and only on that key', () => {
    const arns = exampleArns('postgres');
    const bulletin = statementsFor(byName('getBulletin'), arns).filter((s) =>
      s.resources.includes(arns.electionKey),
    );
    expect(bulletin).toEqual([{ actions: ['kms:Sign', 'kms:GetPublicKey'], resources: [arns.electionKey] }]);
    const others = all.filter(
      (t) =>
        t.name !== 'getBulletin' &&
        statementsFor(t, arns).some((s) => s.resources.includes(arns.electionKey)),
    );
    expect(others.map((t) => t.name)).toEqual([]);
  });

  it('let recorders only write votes, and the tally job alone count them into the kept counts', () => {
    const grants = (name: string) =>
      statementsFor(byName(name), exampleArns('timestream')).filter((s) =>
        s.actions.some((a) => a.startsWith('timestream:') && a !== 'timestream:DescribeEndpoints'),
      );
    const recorder = grants('recordVotePrimary');
    expect(recorder.flatMap((s) => s.actions)).toEqual(['timestream:WriteRecords']);
    expect(recorder.flatMap((s) => s.resources).every((r) => r.endsWith('/table/votes'))).toBe(true);
    const tally = grants('materialiseTallies');
    const onCounts = tally.filter((s) => s.resources.some((r) => r.endsWith('/table/window_counts')));
    expect(onCounts).toHaveLength(2);
    for (const s of onCounts)
      expect([...s.actions].sort()).toEqual(['timestream:Select', 'timestream:WriteRecords']);
    expect(onCounts.flatMap((s) => s.resources).some((r) => r.includes('ap-south-2'))).toBe(true);
  });

  it('let a batch trigger read, change and delete messages of its own queue, and no other function any queue', () => {
    const arns = exampleArns('timestream');
    for (const trigger of all) {
      const onQueues = statementsFor(trigger, arns).filter((s) =>
        s.actions.some((a) => a.startsWith('sqs:')),
      );
      const batched =
        (trigger.kind === 'event' || trigger.kind === 'topic-rule') && trigger.batch !== undefined;
      if (!batched) {
        expect(onQueues, trigger.name).toEqual([]);
        continue;
      }
      expect(onQueues, trigger.name).toHaveLength(1);
      expect([...onQueues[0]!.actions].sort(), trigger.name).toEqual([
        'sqs:ChangeMessageVisibility',
        'sqs:DeleteMessage',
        'sqs:GetQueueAttributes',
        'sqs:ReceiveMessage',
      ]);
      expect(onQueues[0]!.resources, trigger.name).toEqual([arns.batchQueue(trigger.name)]);
    }
    expect([...QUEUE_READ_ACTIONS]).not.toContain('sqs:SendMessage');
    const readers = all.filter((t) =>
      statementsFor(t, arns).some((s) => s.actions.includes('sqs:ReceiveMessage')),
    );
    expect(readers.map((t) => t.name)).toEqual(
      expect.arrayContaining(['ingestVote', 'recordVotePrimary', 'recordVoteSecondary']),
    );
    expect(readers.map((t) => t.name)).not.toContain('verifyVoter');
  });

  it('let a step that reads a table decrypt with the data key of its own region, and write only where it writes', () => {
    const arns = exampleArns('timestream');
    for (const trigger of all) {
      const tables = Object.values(trigger.reaches?.tables ?? {});
      const onDataKey = statementsFor(trigger, arns).filter((s) =>
        s.resources.some((r) => r.endsWith(':key/mrk-data')),
      );
      if (tables.length === 0) {
        expect(onDataKey, trigger.name).toEqual([]);
        continue;
      }
      const actions = onDataKey.flatMap((s) => s.actions);
      const region = trigger.kind === 'event' && trigger.region === 'secondary' ? 'secondary' : 'primary';
      expect(
        onDataKey.flatMap((s) => s.resources),
        trigger.name,
      ).toEqual([arns.dataKey(region)]);
      expect(actions, trigger.name).toContain('kms:Decrypt');
      expect(actions.includes('kms:GenerateDataKey'), trigger.name).toBe(tables.includes('write'));
      expect(actions.includes('kms:Encrypt'), trigger.name).toBe(tables.includes('write'));
    }
    // A secondary-region recorder writes the replica of `tallies`, under the replica key.
    const secondary = statementsFor(byName('recordVoteSecondary'), arns).flatMap((s) => s.resources);
    expect(secondary).toContain(arns.dataKey('secondary'));
    expect(secondary).not.toContain(arns.dataKey('primary'));
  });

  it('let a step that reads the tracker read position history, as the Location adapter does', () => {
    for (const name of ['listMachines', 'getMachine', 'trackPosition']) {
      const actions = statementsFor(byName(name), exampleArns('timestream')).flatMap((s) => s.actions);
      expect(actions, name).toContain('geo:GetDevicePositionHistory');
    }
  });

  it('let a step on the PostgreSQL vote store open, commit and roll back Data API transactions', () => {
    for (const name of ['materialiseTallies', 'recordVotePrimary', 'concealVoteOrder']) {
      const onCluster = statementsFor(byName(name), exampleArns('postgres-data-api'))
        .filter((s) => s.resources.some((r) => r.includes(':cluster:')))
        .flatMap((s) => s.actions);
      expect(onCluster, name).toEqual(
        expect.arrayContaining([
          'rds-data:ExecuteStatement',
          'rds-data:BeginTransaction',
          'rds-data:CommitTransaction',
          'rds-data:RollbackTransaction',
        ]),
      );
    }
  });

  it('give a batch reader a KMS grant on its queue key only when the queues use a customer key', () => {
    const sqsManaged = exampleArns('timestream');
    const reader = byName('ingestVote');
    expect(
      statementsFor(reader, sqsManaged).filter((s) => s.resources.some((r) => r.includes(':kms:'))),
    ).toEqual(
      statementsFor(reader, sqsManaged).filter((s) => s.resources.includes(sqsManaged.dataKey('primary'))),
    );
    const withKey = { ...sqsManaged, batchQueueKey: sqsManaged.dataKey };
    const onKey = statementsFor(reader, withKey).filter(
      (s) => s.actions.length === 1 && s.actions[0] === 'kms:Decrypt',
    );
    expect(onKey.flatMap((s) => s.resources)).toEqual([sqsManaged.dataKey('primary')]);
  });

  it('grant what each planned link names: its tables, its bus, its keys', () => {
    for (const store of ['timestream', 'postgres'] as const) {
      const arns = exampleArns(store);
      const links = exampleLinks(store);
      for (const trigger of all) {
        const resources = statementsFor(trigger, arns).flatMap((s) => s.resources);
        for (const name of plannedLinks(trigger)) {
          const value = links.get(name) as Record<string, unknown> | undefined;
          expect(value, `${trigger.name}: ${name}`).toBeDefined();
          if (name.endsWith('TableName')) {
            expect(
              resources.some((r) => r.endsWith(`:table/${value!.name}`)),
              `${trigger.name}: ${name}`,
            ).toBe(true);
          }
          for (const arn of [value!.arn, value!.clusterArn, value!.secretArn].filter(
            (a) => a !== undefined,
          )) {
            expect(resources, `${trigger.name}: ${name}`).toContain(arn);
          }
        }
      }
    }
  });

  it('put in the VPC exactly the steps that reach the voter cache', () => {
    expect(needsVpc(byName('verifyVoter'))).toBe(true);
    expect(needsVpc(byName('ingestVote'))).toBe(false);
  });

  it('require every trigger to declare what it reaches', () => {
    const undeclared = all.filter((t) => t.reaches === undefined).map((t) => t.name);
    expect(undeclared, 'add `reaches` to these rows of triggers.ts').toEqual([]);
  });
});
