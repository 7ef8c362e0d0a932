import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { stackVersions, type BenchRow } from './results';

/**
 * One table from every benchmark's latest result (bench/results/*.json): each figure, its
 * same-run baseline, the ratio, the target and whether it is met. `--write` also puts the
 * table into docs/benchmarks.md between the bench:summary markers.
 */
interface Result {
  readonly bench: string;
  readonly title: string;
  readonly machine: { cores: number; cpu: string; memoryGiB: number; node: string };
  /** Recorded by runs since versions were; older results are read against this checkout's. */
  readonly versions?: Record<string, string>;
  readonly at: string;
  readonly rows: readonly BenchRow[];
}

const order = ['soak', 'soak-20000', 'soak-browser', 'ingest', 'fanout', 'latency', 'browser-frames', 'memory', 'flink-throughput', 'delta-encoding'];
const dir = fileURLToPath(new URL('./results/', import.meta.url));
const docsFile = fileURLToPath(new URL('../docs/benchmarks.md', import.meta.url));

/** Whether a row meets its target: ratio targets ("<= 1.3"), or absolute ones on the value ("client p99 <= 500 ms"). */
export function verdict(row: Pick<BenchRow, 'value' | 'ratio' | 'target'>): 'met' | 'not met' | null {
  const cmp = (x: number, op: string, limit: number): boolean => (op === '<=' ? x <= limit : op === '<' ? x < limit : op === '>=' ? x >= limit : x > limit);
  const onRatio = /^(>=|<=|<|>)\s*([\d.]+)/.exec(row.target);
  if (onRatio) return cmp(row.ratio, onRatio[1]!, Number(onRatio[2])) ? 'met' : 'not met';
  const onValue = /(>=|<=|<|>)\s*([\d,.]+)\s*ms\b/.exec(row.target);
  if (onValue) return cmp(row.value, onValue[1]!, Number(onValue[2]!.replace(/,/g, ''))) ? 'met' : 'not met';
  return null;
}

const fmt = (x: number): string => (Math.abs(x) >= 100 ? Math.round(x).toLocaleString('en-US') : x.toPrecision(3));

export function summaryTable(results: readonly Result[]): string {
  const lines = ['| benchmark | measure | value | baseline (same run) | ratio | target | |', '| --- | --- | ---: | ---: | ---: | --- | --- |'];
  for (const r of results) {
    for (const row of r.rows) {
      const v = verdict(row);
      lines.push(`| ${r.bench} | ${row.name} | ${fmt(row.value)} ${row.unit} | ${fmt(row.baseline)} ${row.unit} | ${row.ratio.toFixed(3)} | ${row.target} | ${v === 'met' ? 'met' : v === 'not met' ? '**not met**' : ''} |`);
    }
  }
  const machines = [...new Set(results.map((r) => `${r.machine.cores} cores (${r.machine.cpu}), ${r.machine.memoryGiB} GiB, Node ${r.machine.node}`))];
  const dates = results.map((r) => r.at.slice(0, 10)).sort();
  const versions = [...new Set(results.map((r) => Object.entries(r.versions ?? stackVersions()).map(([k, v]) => `${k} ${v}`).join(', ')))];
  lines.push(
    '',
    `Machine: ${machines.join('; ')}. Versions: ${versions.join('; ')}. Runs from ${dates[0]} to ${dates.at(-1)}; each benchmark's own table (with its setup) is in \`bench/results/<name>.md\`.`,
  );
  return lines.join('\n');
}

function main(): void {
  const files = existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith('.json') && f !== 'summary.json') : [];
  if (files.length === 0) {
    console.error('No results in bench/results/: run `npm run bench` (or one of its benchmarks) first.');
    process.exit(1);
  }
  const results = files
    .map((f) => JSON.parse(readFileSync(`${dir}${f}`, 'utf8')) as Result)
    .sort((a, b) => (order.indexOf(a.bench) + 1 || 99) - (order.indexOf(b.bench) + 1 || 99));
  const table = summaryTable(results);
  console.log(`\n## Streamwatch benchmarks\n\n${table}\n`);
  writeFileSync(`${dir}summary.md`, `## Streamwatch benchmarks\n\n${table}\n`);
  writeFileSync(`${dir}summary.json`, JSON.stringify(results.flatMap((r) => r.rows.map((row) => ({ bench: r.bench, ...row, verdict: verdict(row), machine: r.machine, at: r.at }))), null, 2) + '\n');
  if (process.argv.includes('--write')) {
    const text = readFileSync(docsFile, 'utf8');
    const [start, end] = ['<!-- bench:summary:start -->', '<!-- bench:summary:end -->'];
    if (!text.includes(start) || !text.includes(end)) throw new Error(`docs/benchmarks.md has no ${start} … ${end} markers`);
    writeFileSync(docsFile, text.slice(0, text.indexOf(start) + start.length) + `\n${table}\n` + text.slice(text.indexOf(end)));
    console.log('docs/benchmarks.md: benchmark table updated');
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) main();
