import { createRequire } from 'node:module';
import { defineConfig } from 'vitest/config';

const require = createRequire(import.meta.url);

export default defineConfig({
  resolve: {
    // type-graphql (CommonJS) requires graphql's CJS build; make every import
    // resolve to that same copy, or graphql refuses "another module or realm".
    alias: { graphql: require.resolve('graphql') },
  },
  test: {
    include: ['server/src/**/*.test.ts', 'client-sdk/test/**/*.test.ts', 'test/**/*.test.ts'],
    globalSetup: ['test/support/globalSetup.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: 'forks',
  },
});
