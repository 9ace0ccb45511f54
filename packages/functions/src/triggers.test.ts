import { existsSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { catalogue } from '@ballotstream/events';
import { describe, expect, it } from 'vitest';
import { loadHandler, type Trigger, topicRuleSql, triggers } from './triggers';

const here = dirname(fileURLToPath(import.meta.url));
const table = triggers as readonly Trigger[];
const catalogueTypes = new Set<string>(catalogue.map((e) => e.type));

describe('the trigger table', () => {
  it('gives every trigger a unique name', () => {
    const names = table.map((t) => t.name);
    expect(new Set(names).size).toBe(names.length);
  });

  it('names, for every trigger, a handler file that exists and exports that function', async () => {
    for (const trigger of table) {
      const path = join(here, `${trigger.handler.file}.ts`);
      expect(existsSync(path), `${trigger.name}: ${path}`).toBe(true);
      await expect(loadHandler(trigger.handler), trigger.name).resolves.toBeTypeOf('function');
    }
  });

  it("gathers every area's triggers, each declared beside its own handlers", async () => {
    const areas = readdirSync(here, { withFileTypes: true })
      .filter((entry) => entry.isDirectory() && existsSync(join(here, entry.name, 'triggers.ts')))
      .map((entry) => entry.name);
    expect(areas.length).toBeGreaterThan(0);
    for (const area of areas) {
      const module = (await import(join(here, area, 'triggers.ts'))) as Record<string, readonly Trigger[]>;
      for (const trigger of Object.values(module).flat()) {
        expect(table, `${area}/triggers.ts: ${trigger.name}`).toContain(trigger);
        expect(trigger.handler.file.startsWith(`${area}/`), `${trigger.name} in ${area}`).toBe(true);
      }
    }
  });

  it('subscribes only to catalogue events that some step publishes', () => {
    const published = new Set(table.flatMap((t) => t.publishes as readonly string[]));
    for (const trigger of table) {
      if (trigger.kind !== 'event') continue;
      for (const type of trigger.pattern['detail-type']) {
        expect(
          catalogueTypes.has(type) || trigger.pattern.source.some((s) => s.startsWith('aws.')),
          `${trigger.name}: ${type}`,
        ).toBe(true);
        if (trigger.pattern.source.some((s) => s.startsWith('aws.'))) continue;
        expect(published.has(type), `${trigger.name} waits for ${type}, which nothing publishes`).toBe(true);
      }
    }
  });

  it('declares only catalogue events as published', () => {
    for (const trigger of table) {
      for (const type of trigger.publishes)
        expect(catalogueTypes.has(type), `${trigger.name}: ${type}`).toBe(true);
    }
  });

  it('uses the same source for an event in every pattern as the catalogue gives it', () => {
    for (const trigger of table) {
      if (trigger.kind !== 'event') continue;
      for (const type of trigger.pattern['detail-type']) {
        const definition = catalogue.find((e) => e.type === type);
        if (definition) expect(trigger.pattern.source).toContain(definition.source);
      }
    }
  });

  it('routes each method and path once', () => {
    const routes = table.flatMap((t) => (t.kind === 'http' ? [`${t.method} ${t.path}`] : []));
    expect(new Set(routes).size).toBe(routes.length);
  });

  it('renders topic rules as IoT SQL over the stage topic', () => {
    const rule = table.find((t) => t.name === 'ingestVote');
    expect(rule?.kind).toBe('topic-rule');
    if (rule?.kind !== 'topic-rule') return;
    expect(topicRuleSql(rule.select, 'ballotstream/prod/machines/+/votes')).toBe(
      "SELECT encode(*, 'base64') AS payload, topic(4) AS topicMachineId, clientid() AS clientId, timestamp() AS receivedAt FROM 'ballotstream/prod/machines/+/votes'",
    );
  });
});
