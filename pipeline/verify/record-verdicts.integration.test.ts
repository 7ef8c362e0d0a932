import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { flinkSqlVariables } from '../../lib/flink-sql-variables';
import { defaultPipelineSettings } from '../../lib/pipeline-jobs';
import { reasonClassOf } from '../../lib/schemas/record-checks';
import { topics } from '../../lib/topics';
import { javaProperties } from '../stack/flink-jobs';
import { runFlinkTool } from '../stack/flink-module';
import { schemaNames, schemaVerdict, verdictSample } from './fuzzed-records';

/**
 * One definition of a valid record: zod's verdict (lib/schemas) and the verdict of the SQL the
 * Flink jobs dead-letter by (built from the same schemas) must agree on every record, with the
 * same reason class, over hostile input: line terminators where a regex checks, astral and
 * lone-surrogate strings at length limits, deep nesting, numbers JSON.stringify never writes,
 * future event times, broken bytes.
 */
const COUNT = 100_000;
const dir = mkdtempSync(join(tmpdir(), 'streamwatch-verdicts-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Runs the jobs' checks over the records in Flink (RecordChecker) and returns each one's reason ('' when valid). */
async function flinkReasons(varsFile: string, recordsFile: string): Promise<string[]> {
  const { code, stdout, stderr } = await runFlinkTool('io.streamwatch.flink.RecordChecker', ['--vars', varsFile, '--records', recordsFile]);
  if (code !== 0) throw new Error(`RecordChecker exited ${code}: ${stderr.slice(-4000)}`);
  const reasons: string[] = [];
  for (const line of stdout.split('\n')) {
    if (!line) continue;
    const tab = line.indexOf('\t');
    reasons[Number(line.slice(0, tab))] = line.slice(tab + 1);
  }
  return reasons;
}

describe('the jobs and zod judge records alike', () => {
  it(`${COUNT.toLocaleString('en')} hostile records: same verdict, same reason class, record for record`, async () => {
    const now = Date.now();
    const records = verdictSample(COUNT, 20261201, now);
    const vars = flinkSqlVariables('unused:9092', Object.fromEntries(Object.entries(topics).map(([k, t]) => [k, t.name])));
    const varsFile = join(dir, 'vars.properties');
    const recordsFile = join(dir, 'records.csv');
    writeFileSync(varsFile, javaProperties(vars));
    writeFileSync(recordsFile, records.map((r, i) => `${i},${schemaNames[r.kind]},${r.value === null ? '-' : r.value.toString('base64')}\n`).join(''));

    const started = Date.now();
    const reasons = await flinkReasons(varsFile, recordsFile);
    const judgedIn = Date.now() - started;
    // Judged at a later clock than zod's: only records near the future bound could differ, and the sample has none.
    const zod = records.map((r) => schemaVerdict(r.kind, r.value, now, defaultPipelineSettings.maxFutureMs));

    const differ: string[] = [];
    const byClass = new Map<string, number>();
    const byHow = new Map<string, { good: number; bad: number }>();
    records.forEach((r, i) => {
      const flink = reasons[i];
      const verdict = zod[i]!;
      const how = byHow.get(r.how) ?? { good: 0, bad: 0 };
      how[verdict.ok ? 'good' : 'bad']++;
      byHow.set(r.how, how);
      if (flink === undefined) return void differ.push(`#${i} (${r.how}): no Flink verdict`);
      const flinkClass = flink === '' ? null : reasonClassOf(flink);
      const zodClass = verdict.ok ? null : verdict.reasonClass;
      if (flinkClass !== zodClass) differ.push(`#${i} ${r.kind} (${r.how}): zod ${zodClass ?? 'valid'}, Flink ${flink || 'valid'}; ${r.value === null ? 'null' : JSON.stringify(r.value.toString('utf8').slice(0, 200))}`);
      if (flinkClass) byClass.set(flinkClass, (byClass.get(flinkClass) ?? 0) + 1);
    });
    const good = zod.filter((v) => v.ok).length;
    console.log(
      `[verdicts] ${COUNT} records judged by Flink in ${(judgedIn / 1000).toFixed(1)} s: ${good} valid, ${COUNT - good} refused, ${differ.length} differ from zod; ` +
        `by how made: ${[...byHow].map(([h, c]) => `${h} ${c.good}/${c.bad}`).join(', ')}; reason classes: ${[...byClass].map(([c, n]) => `${c} ${n}`).join(', ')}`,
    );
    expect(differ.slice(0, 20)).toEqual([]);
    // Every raw schema a job checks is judged in bulk, both verdicts reached in bulk, every hostile kind in it.
    for (const kind of Object.keys(schemaNames)) expect(records.filter((r) => r.kind === kind).length, kind).toBeGreaterThan(COUNT / 5);
    expect(good).toBeGreaterThan(COUNT * 0.25);
    expect(COUNT - good).toBeGreaterThan(COUNT * 0.4);
    for (const how of ['a line terminator in a string', 'astral characters (two UTF-16 units each)', 'a lone surrogate', 'an extra field nested deep', 'a number JSON.stringify would not write', 'a ts JSON.stringify would not write', 'an event time in the future', 'a null value']) {
      const seen = byHow.get(how);
      expect((seen?.good ?? 0) + (seen?.bad ?? 0), how).toBeGreaterThan(1000);
    }
  }, 300_000);
});
