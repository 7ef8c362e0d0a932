import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { flinkSqlVariables, runnerKafkaVariables } from './flink-sql-variables';
import { flinkJobs } from './pipeline-jobs';
import { topicConfigEntries, topics } from './topics';

describe('topic catalog', () => {
  it('names every topic once', () => {
    const names = Object.values(topics).map((t) => t.name);
    expect(new Set(names).size).toBe(names.length);
  });

  it('gives every raw topic a dead-letter topic', () => {
    const names = Object.values(topics).map((t) => t.name);
    for (const raw of names.filter((n) => n.startsWith('raw.'))) {
      expect(names).toContain(raw.replace(/^raw\./, 'dlq.'));
    }
  });

  it('compacts latest-state topics and keeps them forever', () => {
    expect(topicConfigEntries(topics.driversPositions)).toMatchObject({ 'cleanup.policy': 'compact', 'retention.ms': '-1' });
    expect(topicConfigEntries(topics.driverLocationsRaw)).toEqual({ 'cleanup.policy': 'delete', 'retention.ms': String(6 * 3_600_000) });
  });
});

describe('Flink jobs', () => {
  const vars = flinkSqlVariables('b:9092', Object.fromEntries(Object.entries(topics).map(([k, t]) => [k, t.name])));

  it.each(Object.entries(flinkJobs))('%s gets every ${variable} its SQL uses', (_key, job) => {
    const sql = readFileSync(fileURLToPath(new URL(`../pipeline/flink/jobs/${job.sqlFile}`, import.meta.url)), 'utf8');
    const code = sql.replace(/--.*$/gm, '');
    const used = [...code.matchAll(/\$\{([A-Za-z0-9_.-]+)\}/g)].map((m) => m[1]!);
    expect(used.length).toBeGreaterThan(0);
    for (const name of used) if (!(runnerKafkaVariables as readonly string[]).includes(name)) expect(vars, `variable ${name}`).toHaveProperty([name]);
  });

  it.each(Object.entries(flinkJobs))("%s signs every Kafka table in with the job's own credentials", (_key, job) => {
    const sql = readFileSync(fileURLToPath(new URL(`../pipeline/flink/jobs/${job.sqlFile}`, import.meta.url)), 'utf8').replace(/--.*$/gm, '');
    const tables = [...sql.matchAll(/CREATE TABLE (\w+)[\s\S]*?\)\s*WITH\s*\(([\s\S]*?)\);/g)].filter((m) => /'connector' = '(upsert-)?kafka'/.test(m[2]!));
    expect(tables.length).toBeGreaterThan(0);
    for (const [, name, options] of tables) {
      for (const variable of runnerKafkaVariables) {
        expect(options, `${name}: ${variable}`).toContain(`'properties.${variable.slice('kafka.'.length)}' = '\${${variable}}'`);
      }
    }
  });

  it.each(Object.entries(flinkJobs))('%s uses exactly the topics it declares (the lineage is true)', (_key, job) => {
    const sql = readFileSync(fileURLToPath(new URL(`../pipeline/flink/jobs/${job.sqlFile}`, import.meta.url)), 'utf8').replace(/--.*$/gm, '');
    const used = new Set([...sql.matchAll(/\$\{topic\.([A-Za-z0-9]+)\}/g)].map((m) => m[1]!));
    expect([...used].sort()).toEqual([...new Set([...job.inputs, ...job.outputs])].sort());
  });
});
