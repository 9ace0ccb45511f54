import { join } from 'node:path';
import { SNS_SUBSCRIBERS } from '@ballotstream/functions/links';
import { type Trigger, triggers } from '@ballotstream/functions/triggers';
import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';
import { handlerModule } from './functions';

const root = join(import.meta.dirname, '../..');
const all = triggers as readonly Trigger[];

/**
 * Packages a Lambda never needs; one in a bundle means a local adapter leaked in. (`pg` belongs:
 * Lambdas in the VPC reach the default vote store over a direct connection.)
 */
const LOCAL_ONLY = [
  'lmdb',
  '@duckdb',
  'duckdb',
  'aedes',
  'dynalite',
  'mqtt',
  'better-sqlite3',
  'msgpackr-extract',
];

describe('Lambda bundles', () => {
  it('build every handler of the trigger table and every SNS subscriber for Node ESM with no missing import and no local-only module', async () => {
    const subscribers = SNS_SUBSCRIBERS.map((s) => `packages/functions/src/${s.handler.file}.ts`);
    const entries = [...new Set([...all.map(handlerModule), ...subscribers])];
    const result = await build({
      absWorkingDir: root,
      entryPoints: entries,
      bundle: true,
      platform: 'node',
      format: 'esm',
      target: 'node20',
      // The Lambda Node runtime ships the AWS SDK v3.
      external: ['@aws-sdk/*'],
      outdir: 'out',
      write: false,
      metafile: true,
      logLevel: 'silent',
      // ESM bundles need `require` for CommonJS dependencies, as SST's own banner provides.
      banner: {
        js: "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);",
      },
    });
    expect(result.errors).toEqual([]);
    const leaks: string[] = [];
    for (const [output, meta] of Object.entries(result.metafile.outputs)) {
      if (meta.entryPoint === undefined) continue;
      for (const input of Object.keys(meta.inputs)) {
        const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(input)?.[1];
        if (pkg !== undefined && LOCAL_ONLY.some((name) => pkg === name || pkg.startsWith(`${name}/`))) {
          leaks.push(`${meta.entryPoint} pulls ${pkg} (${output})`);
        }
      }
    }
    expect(leaks).toEqual([]);
    // A function learns its step from its environment, so no bundle carries the trigger table
    // (whose area lists name every handler).
    const tables = Object.values(result.metafile.outputs).flatMap((meta) =>
      meta.entryPoint === undefined
        ? []
        : Object.keys(meta.inputs)
            .filter((input) => /packages\/functions\/src\/(?:[a-z-]+\/)?triggers\.ts$/.test(input))
            .map((input) => `${meta.entryPoint} pulls ${input}`),
    );
    expect(tables).toEqual([]);
    // Every entry produced its own output.
    const built = Object.values(result.metafile.outputs).flatMap((m) => (m.entryPoint ? [m.entryPoint] : []));
    expect(new Set(built)).toEqual(new Set(entries));
  });
});
