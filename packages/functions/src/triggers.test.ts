import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as events from '@ballotstream/events';
import { catalogue } from '@ballotstream/events';
import { describe, expect, it } from 'vitest';
import { SNS_SUBSCRIBERS } from './links';
import { loadHandler, type Trigger, topicRuleSql, triggers } from './triggers';

const here = dirname(fileURLToPath(import.meta.url));
const table = triggers as readonly Trigger[];
const catalogueTypes = new Set<string>(catalogue.map((e) => e.type));

// Maps each exported event definition's identifier to its detail-type, to read handler sources;
// an exported map of definitions (`registryChangeEvents[entity].created`) stands for all it holds.
const typesOfIdentifier = new Map<string, string[]>();
function definitionTypes(value: unknown, depth = 0): string[] {
  const v = value as { type?: unknown; schema?: unknown; source?: unknown };
  if (typeof v !== 'object' || v === null || depth > 2) return [];
  if (typeof v.type === 'string' && v.schema && typeof v.source === 'string') return [v.type];
  return Object.values(v).flatMap((inner) => definitionTypes(inner, depth + 1));
}
for (const [name, value] of Object.entries(events)) {
  const types = definitionTypes(value);
  if (types.length > 0) typesOfIdentifier.set(name, types);
}

/** The events a handler module publishes, read from its `eventOf(<definition>, …)` calls. */
function publishedBy(file: string): Set<string> {
  const own = readFileSync(join(here, `${file}.ts`), 'utf8');
  // What a handler publishes through a shared helper of its own (`shared/fleet-activity.ts`) counts too.
  const helpers = [...own.matchAll(/from '\.\.\/shared\/([a-z-]+)'/g)].map((m) =>
    readFileSync(join(here, 'shared', `${m[1]}.ts`), 'utf8'),
  );
  // What it publishes through an app use case (`app.sos(…)`) is in that use case's file in
  // core/src/app, or in a file of the same folder that one imports.
  const useCases = [...own.matchAll(/\bapp\.([a-zA-Z]+)\(|\bapp\.([a-zA-Z]+)\./g)]
    .map((m) => (m[1] ?? m[2])!.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`))
    .map((name) => join(here, '../../core/src/app', `${name}.ts`))
    .filter((path) => existsSync(path))
    .map((path) => readFileSync(path, 'utf8'));
  const imported = useCases.flatMap((text) =>
    [...text.matchAll(/from '\.\/([a-z-]+)'/g)].map((m) =>
      readFileSync(join(here, '../../core/src/app', `${m[1]}.ts`), 'utf8'),
    ),
  );
  const source = [own, ...helpers, ...useCases, ...imported].join('\n');
  const published = new Set<string>();
  for (const match of source.matchAll(/eventOf\(\s*([A-Za-z0-9_]+)/g)) {
    const types = typesOfIdentifier.get(match[1]!) ?? [`unknown identifier ${match[1]}`];
    for (const type of types) published.add(type);
  }
  return published;
}

function handlerFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === 'shared' ? [] : handlerFiles(path);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts') ? [path] : [];
  });
}

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

  it('declares exactly the events each handler publishes, and nothing publishes undeclared', () => {
    const declaredByFile = new Map<string, Set<string>>();
    for (const trigger of [...table, ...SNS_SUBSCRIBERS]) {
      const declared = declaredByFile.get(trigger.handler.file) ?? new Set<string>();
      for (const type of trigger.publishes) declared.add(type);
      declaredByFile.set(trigger.handler.file, declared);
    }
    for (const [file, declared] of declaredByFile) {
      expect([...publishedBy(file)].sort(), file).toEqual([...declared].sort());
    }
    for (const path of handlerFiles(here)) {
      const file = relative(here, path).replace(/\.ts$/, '');
      if (file === 'triggers' || declaredByFile.has(file)) continue;
      expect([...publishedBy(file)], `${file} publishes but is in no trigger`).toEqual([]);
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
