import { defineConfig } from 'vitest/config'

// Test tiers by file suffix (see README): *.test.ts are unit tests (no I/O);
// *.int.test.ts run against real Postgres, a running CMS and site, and a real SMTP peer.
// `npm test` (scripts/test.mjs) starts what the int tier needs and passes its URLs in env.
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: ['packages/**/src/**/*.test.ts', 'apps/*/src/**/*.test.ts', 'tests/**/*.test.ts'],
          exclude: ['**/node_modules/**', '**/*.int.test.ts'],
          environment: 'node',
        },
      },
      {
        test: {
          name: 'int',
          include: ['apps/*/src/**/*.int.test.ts', 'tests/int/**/*.int.test.ts'],
          exclude: ['**/node_modules/**'],
          environment: 'node',
          testTimeout: 120_000,
          hookTimeout: 180_000,
          // The files share one running CMS and database; run them one after another.
          fileParallelism: false,
        },
      },
      {
        test: {
          name: 'faults',
          include: ['tests/faults/**/*.fault.ts'],
          exclude: ['**/node_modules/**'],
          environment: 'node',
          testTimeout: 300_000,
          hookTimeout: 300_000,
          // Each file starts, breaks and stops its own stack on the same ports: one at a time.
          fileParallelism: false,
        },
      },
      {
        test: {
          // Several of everything (npm run test:topology): real Redis, Postgres replicas, nginx.
          name: 'topology',
          include: ['tests/topology/**/*.topology.ts'],
          exclude: ['**/node_modules/**'],
          environment: 'node',
          testTimeout: 240_000,
          hookTimeout: 300_000,
          fileParallelism: false,
        },
      },
    ],
  },
})
