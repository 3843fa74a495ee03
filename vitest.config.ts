import { defineConfig } from 'vitest/config';

// Workspace packages resolve to their TypeScript sources ("source" export
// condition), so tests never run stale builds. Generated event types come from
// `npm run build` (the test script runs it first).
const conditions = ['source', 'node', 'import', 'default'];
// Node gets ssr.resolve.conditions as --conditions; "import" there would make CommonJS
// packages with an ESM build (pg → pg-pool) load the wrong one.
const nodeConditions = ['source', 'node', 'default'];

export default defineConfig({
  resolve: { conditions },
  ssr: { resolve: { conditions: nodeConditions, externalConditions: nodeConditions } },
  test: {
    reporters: ['default'],
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          include: ['packages/*/src/**/*.test.ts', 'services/*/src/**/*.test.ts'],
          // The first detect() in a worker loads the PHI lexicons (~1 s idle; several on a
          // loaded 2-core CI host, where workers load them at once).
          testTimeout: 30_000,
          exclude: ['**/*.int.test.ts', '**/node_modules/**', '**/dist/**'],
        },
      },
      {
        extends: true,
        test: {
          name: 'int',
          include: [
            'packages/*/src/**/*.int.test.ts',
            'services/*/src/**/*.int.test.ts',
            'test/**/*.int.test.ts',
          ],
          exclude: ['**/node_modules/**', '**/dist/**'],
          globalSetup: ['test/setup/global-infra.ts'],
          testTimeout: 60_000,
          hookTimeout: 180_000,
          // One file at a time: files share the real topics (ai.request.v1...) and each
          // asserts exactly what its own workers sent upstream.
          fileParallelism: false,
          maxWorkers: 1,
          sequence: { groupOrder: 1 },
        },
      },
    ],
  },
});
