import { createRequire } from 'node:module';
import { defineConfig } from 'vitest/config';

const require = createRequire(import.meta.url);

export default defineConfig({
  resolve: {
    // Node loads graphql's CommonJS build (it has no "exports" map); Vite would pick its ES build instead,
    // giving our code and Apollo's two graphql instances ("from another module or realm"). Use Node's.
    alias: [{ find: /^graphql$/, replacement: require.resolve('graphql') }],
  },
  test: {
    include: ['test/**/*.test.ts'],
    // Playwright's own test runner is not used: vitest drives playwright-core and Debian's chromium directly.
    // Integration tests start real supplier processes, Redis and Chromium; give them time, not retries.
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
    maxWorkers: 2,
    env: { LOG_LEVEL: 'silent' },
    reporters: ['default', ['json', { outputFile: 'test-results/vitest.json' }]],
  },
});
