import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { sourceFiles } from '@ballotstream/core/testing';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../../../', import.meta.url));

const packageDirs = readdirSync(join(root, 'packages')).map((name) => join(root, 'packages', name));
const manifests = packageDirs
  .filter((dir) => existsSync(join(dir, 'package.json')))
  .map((dir) => ({
    dir,
    manifest: JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as {
      name: string;
      exports?: Record<string, string>;
      dependencies?: Record<string, string>;
    },
  }));
const files = [
  ...sourceFiles(join(root, 'packages')),
  ...sourceFiles(join(root, 'stacks')),
  ...sourceFiles(join(root, 'bench')),
  join(root, 'sst.config.ts'),
];
const texts = new Map(files.map((file) => [file, readFileSync(file, 'utf8')]));

describe('the workspace packages', () => {
  it('export only files that exist', () => {
    const missing = manifests.flatMap(({ dir, manifest }) =>
      Object.entries(manifest.exports ?? {})
        .filter(([, target]) => !target.includes('*') && !existsSync(join(dir, target)))
        .map(([entry, target]) => `${manifest.name} exports ${entry} from missing ${target}`),
    );
    expect(manifests.length).toBeGreaterThan(5);
    expect(missing).toEqual([]);
  });

  it('depend on no package their code does not import', () => {
    const unused = manifests.flatMap(({ dir, manifest }) => {
      const own = files.filter((file) => file.startsWith(`${dir}/`)).map((file) => texts.get(file)!);
      return Object.keys(manifest.dependencies ?? {})
        .filter((dep) => !own.some((text) => text.includes(`'${dep}'`) || text.includes(`'${dep}/`)))
        .map((dep) => `${manifest.name} depends on ${dep}`);
    });
    expect(unused).toEqual([]);
  });
});

/**
 * The exported functions, classes and values of these files that no file (tests included) names
 * again; `stacks/` exports its resources as SST's apps do, and a type is the schema's reading.
 */
function unusedExports(sources: ReadonlyMap<string, string>, checked: (file: string) => boolean): string[] {
  const declared = /^export (?:async )?(?:function\*?|const|let|class|abstract class) ([A-Za-z_$][\w$]*)/gm;
  const all = [...sources.values()].join('\n');
  const uses = (name: string) =>
    (all.match(new RegExp(`\\b${name.replace(/\$/g, '\\$')}\\b`, 'g')) ?? []).length;
  return [...sources]
    .filter(([file]) => checked(file))
    .flatMap(([file, text]) =>
      [...text.matchAll(declared)]
        .map((match) => match[1]!)
        .filter((name) => uses(name) === 1)
        .map((name) => `${relative(root, file)}#${name}`),
    );
}

describe('the handler files', () => {
  it('are each the entry of a step stacks/ deploys, or imported by one', async () => {
    const { triggers } = await import('./triggers');
    const { FLEET_SIGNAL_STEPS, SNS_SUBSCRIBERS } = await import('./links');
    const { PRE_TOKEN_HANDLER } = await import('../../../stacks/lib/auth');
    const src = join(root, 'packages/functions/src');
    const entries = new Set([
      ...[...triggers, ...SNS_SUBSCRIBERS, ...Object.values(FLEET_SIGNAL_STEPS)].map(
        (step) => step.handler.file,
      ),
      // The Cognito trigger, `packages/functions/src/<file>.<export>` as SST takes it.
      PRE_TOKEN_HANDLER.replace('packages/functions/src/', '').replace(/\.\w+$/, ''),
    ]);
    const areaFiles = files.filter(
      (file) =>
        file.startsWith(`${src}/`) &&
        relative(src, file).includes('/') &&
        !relative(src, file).startsWith('shared/') &&
        !/\.test\.ts$|\/triggers\.ts$/.test(file),
    );
    const orphans = areaFiles
      .map((file) => relative(src, file).replace(/\.ts$/, ''))
      .filter((name) => !entries.has(name))
      .filter((name) => {
        const base = name.slice(name.lastIndexOf('/') + 1);
        return ![...texts].some(([file, text]) => !file.endsWith(`${name}.ts`) && text.includes(`/${base}'`));
      });
    expect(areaFiles.length).toBeGreaterThan(50);
    expect(orphans).toEqual([]);
  });
});

describe('exported code', () => {
  it('is used somewhere: no exported function, class or value that nothing names', () => {
    const checked = (file: string) => !file.startsWith(join(root, 'stacks/')) && !/\.test\.tsx?$/.test(file);
    expect(files.filter(checked).length).toBeGreaterThan(100);
    expect(unusedExports(texts, checked)).toEqual([]);
  });

  it('finds a name declared and never named again, in any file', () => {
    const sources = new Map([
      [
        join(root, 'a.ts'),
        'export function lonely() {}\nexport const used = 1;\nexport async function* rows() {}',
      ],
      [join(root, 'b.ts'), "import { used, rows } from './a';"],
    ]);
    expect(unusedExports(sources, () => true)).toEqual(['a.ts#lonely']);
  });
});
