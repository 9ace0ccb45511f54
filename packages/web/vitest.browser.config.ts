import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

// The web package's own tests: the pages' pure helpers, the static server, and the apps driven
// in Debian's Chromium.
export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  test: {
    include: ['test/**/*.test.ts', 'app/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: 'forks',
    // One browser at a time: the machine has two cores shared with everything else.
    fileParallelism: false,
  },
});
