import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: ['{lib,server,components,pipeline,bench,docs,deploy}/**/*.test.{ts,tsx}'],
          exclude: ['**/*.integration.test.ts', '**/*.faults.test.ts', '**/*.cluster.test.ts', 'node_modules/**'],
          environment: 'node',
        },
      },
      {
        test: {
          name: 'integration',
          include: ['{lib,server,components,pipeline}/**/*.integration.test.ts'],
          // One real broker and one Flink mini-cluster for the whole run (see the setup file).
          globalSetup: ['pipeline/stack/integration-stack.setup.ts'],
          pool: 'forks',
          poolOptions: { forks: { singleFork: true } },
          testTimeout: 120_000,
          hookTimeout: 300_000,
        },
      },
      {
        test: {
          name: 'faults',
          // Files that break the broker start their own; the others share this one.
          include: ['{server,pipeline}/**/*.faults.test.ts'],
          globalSetup: ['pipeline/stack/faults-broker.setup.ts'],
          pool: 'forks',
          poolOptions: { forks: { singleFork: true } },
          testTimeout: 300_000,
          hookTimeout: 300_000,
        },
      },
      {
        test: {
          name: 'cluster',
          // The cluster topology (three brokers, a Flink session cluster, two gateways behind HAProxy), started by each file.
          include: ['pipeline/**/*.cluster.test.ts'],
          pool: 'forks',
          poolOptions: { forks: { singleFork: true } },
          testTimeout: 1_500_000,
          hookTimeout: 600_000,
        },
      },
    ],
  },
});
