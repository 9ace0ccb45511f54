import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { SNS_SUBSCRIBERS } from './links';
import { type Trigger, triggers } from './triggers';

interface Override {
  readonly includes: readonly string[];
  readonly linter?: {
    readonly rules?: {
      readonly style?: {
        readonly noRestrictedImports?: { readonly options: { readonly patterns: { group: string[] }[] } };
      };
    };
  };
}

const biome = JSON.parse(readFileSync(new URL('../../../biome.json', import.meta.url), 'utf8')) as {
  overrides: Override[];
};
const restricted = (includes: string) => {
  const override = biome.overrides.find((o) => o.includes[0] === includes);
  return (override?.linter?.rules?.style?.noRestrictedImports?.options.patterns ?? []).flatMap(
    (p) => p.group,
  );
};
const handlerFiles = [
  ...new Set([
    ...(triggers as readonly Trigger[]).map((t) => t.handler.file),
    ...SNS_SUBSCRIBERS.map((s) => s.handler.file),
  ]),
];

describe('the layers biome holds', () => {
  it('forbid every other package from importing a handler file the trigger table names', () => {
    expect(restricted('**')).toEqual(
      expect.arrayContaining(handlerFiles.map((file) => `@ballotstream/functions/${file}`)),
    );
    expect(restricted('packages/core/**')).toEqual(
      expect.arrayContaining(handlerFiles.map((file) => `@ballotstream/functions/${file}`)),
    );
  });

  it('forbid a handler from importing another handler, or an adapter', () => {
    const inFunctions = restricted('packages/functions/src/**');
    expect(inFunctions).toEqual(expect.arrayContaining(handlerFiles.map((file) => `**/${file}`)));
    expect(inFunctions).toEqual(
      expect.arrayContaining(handlerFiles.map((file) => `./${file.slice(file.indexOf('/') + 1)}`)),
    );
    expect(inFunctions).toEqual(expect.arrayContaining(['@ballotstream/core/adapters/*', '@aws-sdk/*']));
  });

  it('forbid the domain from importing AWS, Redis, PostgreSQL, DuckDB or SST outside its adapters, or any runtime', () => {
    const core = biome.overrides.find((o) => o.includes[0] === 'packages/core/**');
    expect(core?.includes).toContain('!packages/core/src/adapters/**');
    expect(restricted('packages/core/**')).toEqual(
      expect.arrayContaining(['@aws-sdk/*', 'ioredis', 'pg', '@duckdb/*', 'sst', 'sst/*']),
    );
    expect(restricted('packages/core/**')).toEqual(
      expect.arrayContaining([
        '@ballotstream/functions/**',
        '@ballotstream/local/**',
        '@middy/*',
        'aedes',
        'mqtt',
      ]),
    );
  });
});

describe('the handlers', () => {
  it('are each at most 40 lines: parse, call the app, map the result', () => {
    const long = handlerFiles
      .map((file) => ({
        file,
        lines: readFileSync(new URL(`./${file}.ts`, import.meta.url), 'utf8').split('\n').length - 1,
      }))
      .filter(({ lines }) => lines > 40);
    expect(long).toEqual([]);
  });

  it("call the app's named use cases, never its ports or settings", () => {
    const reaching = handlerFiles.filter((file) =>
      /\.ports\b|app\.config\b/.test(readFileSync(new URL(`./${file}.ts`, import.meta.url), 'utf8')),
    );
    expect(reaching).toEqual([]);
  });
});
