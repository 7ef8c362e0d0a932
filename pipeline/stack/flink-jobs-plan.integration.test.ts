import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { flinkSqlVariables } from '../../lib/flink-sql-variables';
import { flinkJobs, type FlinkJobKey } from '../../lib/pipeline-jobs';
import { topics } from '../../lib/topics';
import { javaProperties, jobFileArgs } from './flink-jobs';
import { runFlinkTool } from './flink-module';

/**
 * Every job file plans in Flink with the variables the stack generates (topic names, settings,
 * the checks built from lib/schemas): tables, views, UDF signatures and types all agree, with
 * no cluster and no broker. A job that would fail at start fails here in seconds.
 */
const dir = mkdtempSync(join(tmpdir(), 'streamwatch-plan-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('the Flink jobs', () => {
  it('all plan with the generated variables', async () => {
    const flinkDir = fileURLToPath(new URL('../flink', import.meta.url));
    const varsFile = join(dir, 'vars.properties');
    writeFileSync(varsFile, javaProperties(flinkSqlVariables('127.0.0.1:9', Object.fromEntries(Object.entries(topics).map(([k, t]) => [k, t.name])))));
    const { code, stdout, stderr } = await runFlinkTool('io.streamwatch.flink.SqlJobRunner', [
      ...jobFileArgs(flinkDir, Object.keys(flinkJobs) as FlinkJobKey[]),
      '--vars', varsFile, '--explain', 'true', '--set', 'table.local-time-zone=UTC',
    ], '512m');
    const out = `${stdout}${stderr}`;
    const planned = out.split('\n').filter((l) => l.startsWith('streamwatch-flink:') && l.includes(' plans '));
    expect({ code, planned: planned.length, tail: code === 0 ? '' : out.split('\n').filter((l) => /streamwatch-flink|Exception|Caused by/.test(l)).slice(-8).join('\n') })
      .toEqual({ code: 0, planned: Object.keys(flinkJobs).length, tail: '' });
  }, 180_000);
});
