import { defineConfig } from 'vitest/config';

/**
 * `npm run test:aws`: every Lambda of the trigger table run on its AWS wiring (dynalite, Redis,
 * PostgreSQL behind a Data API stand-in, the other AWS APIs mocked), each command held to the
 * IAM statements its role is planned to have.
 */
export default defineConfig({
  test: {
    include: ['packages/functions/test-aws/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: 'forks',
    fileParallelism: false,
  },
});
