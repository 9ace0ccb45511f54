import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { blueprintEnvironment, matchesFilterPolicy, tables } from '@ballotstream/core';
import { FLEET_SIGNAL_STEPS, SNS_SUBSCRIBERS } from '@ballotstream/functions/links';
import { stepOfEnvironment } from '@ballotstream/functions/step-environment';
import { type Trigger, triggers } from '@ballotstream/functions/triggers';
import { describe, expect, it } from 'vitest';
import { loadInfraBlueprint } from './blueprint';
import { eventRulePlans } from './event-rules';
import {
  environmentBytes,
  FUNCTION_SETTINGS,
  functionEnvironment,
  functionName,
  handlerPath,
  LAMBDA_ENVIRONMENT_BYTES,
  TRIGGER_RESOURCE,
} from './functions';
import { officerSubscriptions } from './notifications';
import { readOfficers } from './officers';
import { routePlans } from './routes';
import { streamMappingPlans } from './streams';
import { tablePlans, warmThroughputNeeds } from './tables';
import { topicRulePlans } from './topic-rules';

const all = triggers as readonly Trigger[];
const stacksDir = join(import.meta.dirname, '..');
const root = join(stacksDir, '..');
const stackSources = readdirSync(stacksDir)
  .filter((f) => f.endsWith('.ts'))
  .map((f) => ({ file: f, text: readFileSync(join(stacksDir, f), 'utf8') }));

describe('stacks/ from the trigger table', () => {
  it('maps every trigger to exactly one starting resource and one Lambda', () => {
    const started = [
      ...routePlans(all).map((p) => p.trigger.name),
      ...eventRulePlans(all).map((p) => p.trigger.name),
      ...topicRulePlans('s', all).map((p) => p.trigger.name),
      ...all.filter((t) => t.kind === 'schedule').map((t) => t.name),
      ...streamMappingPlans(all)
        .filter((p) => p.region === 'primary')
        .map((p) => p.trigger.name),
    ].sort();
    expect(started).toEqual(all.map((t) => t.name).sort());
    const names = all.map(functionName);
    expect(new Set(names).size).toBe(names.length);
    for (const trigger of all) {
      expect(TRIGGER_RESOURCE[trigger.kind]).toBeDefined();
      expect(FUNCTION_SETTINGS[trigger.kind]).toBeDefined();
      expect(handlerPath(trigger)).toBe(
        `packages/functions/src/${trigger.handler.file}.${trigger.handler.export}`,
      );
    }
  });

  it('builds every kind of trigger in stacks/ from these plans over the whole table', () => {
    const source = (file: string) => stackSources.find((s) => s.file === file)?.text ?? '';
    expect(source('functions.ts')).toContain('allTriggers.map(');
    expect(source('api.ts')).toContain('routePlans(allTriggers)');
    expect(source('events.ts')).toContain('eventRulePlans(allTriggers)');
    expect(source('iot.ts')).toContain('topicRulePlans($app.stage, allTriggers)');
    expect(source('schedules.ts')).toContain("trigger.kind === 'schedule'");
    expect(source('bus.ts')).toContain('forwardRules(allTriggers)');
    expect(source('queues.ts')).toContain('batchQueuePlans($app.stage, allTriggers)');
    expect(source('events.ts')).toContain("plan.target === 'queue'");
    expect(source('iot.ts')).toContain("plan.action === 'sqs'");
    expect(source('functions.ts')).toContain('readInBatches(batch, fn)');
    expect(source('tables.ts')).toContain('tablePlans(definitions');
    expect(source('vote-stores.ts')).toContain('voteStorePlans(blueprint.aws.voteStore, regions)');
    expect(source('functions.ts')).toContain('voteStoreVpc(trigger)');
    expect(source('functions.ts')).toContain('asyncInvokePlan(trigger)');
    expect(source('streams.ts')).toContain('streamMappingPlans(allTriggers)');
  });

  it('gives every Lambda invoked asynchronously outside the trigger table (SNS subscribers) the dead letters as on-failure destination', () => {
    const defender = stackSources.find((s) => s.file === 'defender.ts')?.text ?? '';
    expect(defender).toContain('onFailure: { destination: deadLetters.primary.arn }');
    expect(defender).toMatch(/actions: \['sqs:SendMessage'\], resources: \[deadLetters\.primary\.arn\]/);
  });

  it('names no trigger, handler, route or topic by hand', () => {
    for (const { file, text } of stackSources) {
      for (const trigger of all) {
        expect(text.includes(`'${trigger.name}'`), `${file} names ${trigger.name}`).toBe(false);
        expect(text.includes(trigger.handler.file), `${file} names ${trigger.handler.file}`).toBe(false);
        if (trigger.kind === 'http')
          expect(text.includes(`'${trigger.path}'`), `${file} names ${trigger.path}`).toBe(false);
      }
      for (const table of tables)
        expect(text.includes(`'${table.name}'`), `${file} names table ${table.name}`).toBe(false);
      expect(text.includes('machines/+'), `${file} spells a topic`).toBe(false);
    }
  });

  it('makes every table of tables.ts a global table, strongly consistent where the definition asks', () => {
    const plans = tablePlans(tables, { primary: 'us-east-1', secondary: 'us-east-2', witness: 'us-west-2' });
    expect(plans.map((p) => p.definition.name)).toEqual(tables.map((t) => t.name));
    const voters = plans.find((p) => p.definition.name === 'voters')!;
    expect(voters.replica.consistencyMode).toBe('STRONG');
    expect(voters.witnessRegion).toBe('us-west-2');
    for (const plan of plans) {
      expect(plan.replica.consistencyMode).toBe(plan.definition.multiRegionStrong ? 'STRONG' : 'EVENTUAL');
    }
  });

  it("warms the tables the capacity plan says must be warm, to the plan's figure", () => {
    const national = loadInfraBlueprint('national-general', root, {});
    const warm = warmThroughputNeeds(national);
    const plans = tablePlans(tables, { primary: 'ap-south-1', secondary: 'ap-south-2' }, warm);
    const voters = plans.find((p) => p.definition.name === 'voters')!;
    expect(voters.warmThroughput?.write).toBeGreaterThan(40_000);
    for (const [table] of warm)
      expect(
        tables.map((t) => t.name),
        table,
      ).toContain(table);
  });

  it('falls back to eventual consistency when the blueprint names no witness region', () => {
    for (const plan of tablePlans(tables, { primary: 'ap-south-1', secondary: 'ap-south-2' })) {
      expect(plan.replica.consistencyMode).toBe('EVENTUAL');
      expect(plan.witnessRegion).toBeUndefined();
      expect(plan.ttlAttribute).toBe(plan.definition.ttlAttribute);
    }
  });

  it('opens public routes and puts the role scopes on every other route', () => {
    for (const plan of routePlans(all)) {
      if (plan.trigger.roles.includes('public')) expect(plan.scopes).toBeUndefined();
      else expect(plan.scopes).toEqual(plan.trigger.roles.map((r) => `ballotstream/${r}`));
      expect(plan.route).toMatch(/^(GET|POST|PUT|PATCH|DELETE) \/\S*$/);
    }
  });
});

describe("the environment of a step's Lambda", () => {
  // Every Lambda stacks/ deploys to run a step: the table's, the SNS subscribers, the fleet signals.
  const deployed = [...all, ...SNS_SUBSCRIBERS, ...Object.values(FLEET_SIGNAL_STEPS)];
  const blueprints = readdirSync(join(root, 'elections'))
    .filter((f) => f.endsWith('.json'))
    .map((f) => join(root, 'elections', f))
    .concat(join(stacksDir, 'fixtures/ci-blueprint.json'))
    .map((file) => ({
      file,
      settings: blueprintEnvironment(loadInfraBlueprint('x', root, { BALLOTSTREAM_BLUEPRINT: file })),
    }));

  it('names the step and the events it declares, as the function reads them back, beside the settings and the stage', () => {
    const { settings } = blueprints[0]!;
    for (const step of deployed) {
      const env = functionEnvironment(step, settings, 'test');
      expect(stepOfEnvironment(env), step.name).toEqual({ name: step.name, publishes: [...step.publishes] });
      expect(env).toMatchObject({ ...settings, BALLOTSTREAM_STAGE: 'test' });
      expect(env.POWERTOOLS_METRICS_NAMESPACE).toBe('ballotstream-test');
    }
  });

  it("stays within Lambda's 4 KB of variables for every step and every blueprint", () => {
    for (const { file, settings } of blueprints) {
      for (const step of deployed) {
        const bytes = environmentBytes(functionEnvironment(step, settings, 'a-long-stage-name'));
        expect(bytes, `${step.name} on ${file}`).toBeLessThanOrEqual(LAMBDA_ENVIRONMENT_BYTES);
      }
    }
  });

  it('is the environment every file of stacks/ gives a Lambda that runs a step', () => {
    const runsSteps = stackSources.filter((s) => s.text.includes('handler: handlerPath('));
    expect(runsSteps.map((s) => s.file).sort()).toEqual([
      'defender.ts',
      'fleet-signals.ts',
      'functions.ts',
      'secondary.ts',
    ]);
    for (const { file, text } of runsSteps) {
      const environments = text.match(/environment:/g) ?? [];
      const planned = text.match(/environment: functionEnvironment\(/g) ?? [];
      expect(planned.length, file).toBe(environments.length);
      expect(planned.length, file).toBeGreaterThan(0);
    }
  });
});

describe('officer subscriptions', () => {
  const blueprint = loadInfraBlueprint('ci', root, {
    BALLOTSTREAM_BLUEPRINT: join(stacksDir, 'fixtures/ci-blueprint.json'),
  });
  const officers = () => readOfficers(blueprint.data.officers!);

  it("filter on the officer's region, every severity from their minimum up, and their own id", async () => {
    const policies = officerSubscriptions(await officers()).map((p) => JSON.parse(p.filterPolicy));
    expect(policies).toEqual([
      { region: ['north'], severity: ['warning', 'critical'], officers: ['officer-north-1'] },
      { region: ['south'], severity: ['critical'], officers: ['officer-south-1'] },
    ]);
  });

  it('pass exactly what the notifier addresses to the officer', async () => {
    const [north] = officerSubscriptions(await officers());
    const policy = JSON.parse(north!.filterPolicy);
    const to = (attributes: Record<string, string | string[]>) => matchesFilterPolicy(policy, attributes);
    expect(to({ region: 'north', severity: 'critical', officers: ['officer-north-1', 'other'] })).toBe(true);
    expect(to({ region: 'north', severity: 'info', officers: ['officer-north-1'] })).toBe(false);
    expect(to({ region: 'south', severity: 'critical', officers: ['officer-north-1'] })).toBe(false);
    expect(to({ region: 'north', severity: 'critical', officers: ['someone-else'] })).toBe(false);
  });

  it('subscribe only the channels an officer wants, each within SNS filter-policy limits', async () => {
    const plans = officerSubscriptions(await officers());
    expect(plans.map((p) => [p.protocol, p.endpoint])).toEqual([
      ['email', 'north.officer@example.org'],
      ['sms', '+919800000001'],
    ]);
    for (const plan of plans) {
      const policy = JSON.parse(plan.filterPolicy) as Record<string, string[]>;
      expect(Object.keys(policy).length).toBeLessThanOrEqual(5);
      expect(Object.values(policy).reduce((n, values) => n * values.length, 1)).toBeLessThanOrEqual(150);
    }
  });

  it('name the file, line and field of a bad officer row', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'officers-'));
    const file = join(dir, 'officers.csv');
    writeFileSync(
      file,
      'officerId,name,regionId,phone,email,notifyBy,minSeverity\no-1,A,north,0800,a@example.org,sms,warning\n',
    );
    await expect(readOfficers(file)).rejects.toThrow(/officers\.csv:2: phone: must be an E\.164 number/);
    rmSync(dir, { recursive: true });
  });
});

describe('the blueprint the SST app reads', () => {
  it('is the election blueprint, with the infrastructure settings of its aws section', () => {
    const blueprint = loadInfraBlueprint('ci', root, {
      BALLOTSTREAM_BLUEPRINT: join(stacksDir, 'fixtures/ci-blueprint.json'),
    });
    expect(blueprint.aws).toEqual({
      primaryRegion: 'ap-south-1',
      secondaryRegion: 'ap-south-2',
      voteStore: 'postgres',
    });
    expect(blueprint.data.officers).toBe(join(stacksDir, 'fixtures/ci-officers.csv'));
  });

  it('reads every election of elections/ with Aurora PostgreSQL as the default vote store', () => {
    for (const file of readdirSync(join(root, 'elections')).filter((f) => f.endsWith('.json'))) {
      const blueprint = loadInfraBlueprint('x', root, {
        BALLOTSTREAM_BLUEPRINT: join(root, 'elections', file),
      });
      expect(blueprint.aws.voteStore, file).toBe('postgres');
    }
  });

  it('names the file and the field when an infrastructure setting is wrong', () => {
    const dir = mkdtempSync(join(tmpdir(), 'blueprint-'));
    const bad = join(dir, 'bad.json');
    const fixture = JSON.parse(readFileSync(join(stacksDir, 'fixtures/ci-blueprint.json'), 'utf8'));
    writeFileSync(bad, JSON.stringify({ ...fixture, aws: { ...fixture.aws, voteStore: 'influx' } }));
    expect(() => loadInfraBlueprint('x', root, { BALLOTSTREAM_BLUEPRINT: bad })).toThrow(
      /bad\.json is invalid: aws\.voteStore/,
    );
    rmSync(dir, { recursive: true });
  });

  it('reads elections/<stage>.json when no file is named, and says which it could not read', () => {
    expect(() => loadInfraBlueprint('no-such-stage', root, {})).toThrow(/elections\/no-such-stage\.json/);
  });
});
