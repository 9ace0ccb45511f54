import { readdir, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { webDistDir } from './serve';

const packageDir = resolve(fileURLToPath(new URL('..', import.meta.url)));
const sourceDir = join(packageDir, 'app');

/** Whether the web build is missing or older than any of its sources. */
export async function webBuildIsStale(distDir: string = webDistDir): Promise<boolean> {
  const built = await Promise.all(
    ['monitor', 'citizen'].map((app) => stat(join(distDir, app, 'index.html')).catch(() => undefined)),
  );
  if (built.some((b) => b === undefined)) return true;
  const builtAt = Math.min(...built.map((b) => b!.mtimeMs));
  return (await newestMtime(sourceDir)) > builtAt;
}

/**
 * Builds the two web apps with Vite when the build is missing or stale, so the local runtime
 * can serve them; returns whether it built.
 */
export async function ensureWebBuild(options: { readonly quiet?: boolean } = {}): Promise<boolean> {
  if (!(await webBuildIsStale())) return false;
  const { build } = await import('vite');
  await build({
    configFile: join(packageDir, 'vite.config.ts'),
    logLevel: options.quiet === false ? 'info' : 'warn',
  });
  return true;
}

async function newestMtime(dir: string): Promise<number> {
  let newest = 0;
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    const time = entry.isDirectory() ? await newestMtime(path) : (await stat(path)).mtimeMs;
    newest = Math.max(newest, time);
  }
  return newest;
}
