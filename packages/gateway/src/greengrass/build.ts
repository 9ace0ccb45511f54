import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { type GreengrassRecipe, gatewayRecipe } from './recipe';

/** What a component build produced: the recipe and the artifact files beside it. */
export interface ComponentBuild {
  readonly recipe: GreengrassRecipe;
  readonly recipePath: string;
  readonly artifactsDir: string;
  readonly artifacts: readonly string[];
}

const ENTRY = join(dirname(fileURLToPath(import.meta.url)), '..', 'main.ts');

/**
 * Builds the gateway component: esbuild bundles the gateway process (`main.ts` and everything it
 * imports, MQTT included) into one ES module for Node 20, so the device needs Node and nothing
 * from npm; the recipe names exactly the files written to `artifacts/`.
 */
export async function buildGatewayComponent(
  outDir: string,
  options: { readonly version: string; readonly artifactsUri: string },
): Promise<ComponentBuild> {
  const artifactsDir = join(outDir, 'artifacts');
  mkdirSync(artifactsDir, { recursive: true });
  await build({
    entryPoints: [ENTRY],
    outfile: join(artifactsDir, 'gateway.mjs'),
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'esm',
    // Bundled CommonJS dependencies call require(); an ES module has none of its own.
    banner: {
      js: "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);",
    },
    legalComments: 'none',
    logLevel: 'silent',
  });
  const artifacts = readdirSync(artifactsDir).sort((a, b) =>
    a === 'gateway.mjs' ? -1 : b === 'gateway.mjs' ? 1 : a.localeCompare(b),
  );
  const recipe = gatewayRecipe({ version: options.version, artifactsUri: options.artifactsUri, artifacts });
  const recipePath = join(outDir, 'recipe.json');
  writeFileSync(recipePath, `${JSON.stringify(recipe, null, 2)}\n`);
  return { recipe, recipePath, artifactsDir, artifacts };
}

// `npm run build:component -w packages/gateway -- <outDir> <version> <s3://bucket/prefix>`
if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const [
    outDir = 'dist/component',
    version = '1.0.0',
    artifactsUri = 's3://ballotstream-artifacts/gateway/1.0.0',
  ] = process.argv.slice(2);
  const built = await buildGatewayComponent(outDir, { version, artifactsUri });
  process.stdout.write(`${built.recipePath}: ${built.artifacts.join(', ')}\n`);
}
