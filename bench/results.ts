import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { fileURLToPath } from 'node:url';

export interface BenchRow {
  readonly name: string;
  readonly value: number;
  readonly unit: string;
  /** The same quantity for the baseline measured in the same run. */
  readonly baseline: number;
  readonly ratio: number;
  readonly target: string;
}

const fmt = (x: number): string => (Math.abs(x) >= 100 ? Math.round(x).toLocaleString('en-US') : x.toPrecision(3));

/** Prints the table and writes it as JSON and Markdown under bench/results/. */
export function writeResults(bench: string, title: string, rows: readonly BenchRow[]): void {
  const machine = { cores: cpus().length, cpu: cpus()[0]?.model ?? 'unknown', memoryGiB: Math.round(totalmem() / 2 ** 30), node: process.version };
  const lines = [
    `## ${title}`,
    '',
    '| measure | value | baseline (same run) | ratio | target |',
    '| --- | ---: | ---: | ---: | --- |',
    ...rows.map((r) => `| ${r.name} | ${fmt(r.value)} ${r.unit} | ${fmt(r.baseline)} ${r.unit} | ${r.ratio.toFixed(3)} | ${r.target} |`),
    '',
    `Machine: ${machine.cores} cores (${machine.cpu}), ${machine.memoryGiB} GiB, Node ${machine.node}; ${new Date().toISOString()}`,
  ];
  console.log(lines.join('\n'));
  const dir = fileURLToPath(new URL('./results/', import.meta.url));
  mkdirSync(dir, { recursive: true });
  writeFileSync(`${dir}${bench}.json`, JSON.stringify({ bench, title, machine, at: new Date().toISOString(), rows }, null, 2) + '\n');
  writeFileSync(`${dir}${bench}.md`, lines.join('\n') + '\n');
}
