import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
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

const root = fileURLToPath(new URL('../', import.meta.url));

/** The versions a figure was measured with: Node, the installed libraries that carry the load, Kafka and Flink. */
export function stackVersions(): Record<string, string> {
  const installed = (pkg: string): string => {
    const file = `${root}node_modules/${pkg}/package.json`;
    return existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as { version: string }).version : 'not installed';
  };
  const pom = (file: string, property: string): string => new RegExp(`<${property.replace(/\./g, '\\.')}>([^<]+)<`).exec(readFileSync(`${root}${file}`, 'utf8'))?.[1] ?? 'unknown';
  return {
    node: process.version.slice(1),
    kafkajs: installed('kafkajs'),
    'socket.io': installed('socket.io'),
    next: installed('next'),
    'deck.gl': installed('@deck.gl/core'),
    kafka: pom('pipeline/stack/kafka/pom.xml', 'kafka.version'),
    flink: pom('pipeline/flink/pom.xml', 'flink.version'),
  };
}

/** Prints the table and writes it as JSON and Markdown under bench/results/. */
export function writeResults(bench: string, title: string, rows: readonly BenchRow[]): void {
  const machine = { cores: cpus().length, cpu: cpus()[0]?.model ?? 'unknown', memoryGiB: Math.round(totalmem() / 2 ** 30), node: process.version };
  const versions = stackVersions();
  const lines = [
    `## ${title}`,
    '',
    '| measure | value | baseline (same run) | ratio | target |',
    '| --- | ---: | ---: | ---: | --- |',
    ...rows.map((r) => `| ${r.name} | ${fmt(r.value)} ${r.unit} | ${fmt(r.baseline)} ${r.unit} | ${r.ratio.toFixed(3)} | ${r.target} |`),
    '',
    `Machine: ${machine.cores} cores (${machine.cpu}), ${machine.memoryGiB} GiB, Node ${machine.node}; ${new Date().toISOString()}`,
    `Versions: ${Object.entries(versions).map(([k, v]) => `${k} ${v}`).join(', ')}`,
  ];
  console.log(lines.join('\n'));
  const dir = fileURLToPath(new URL('./results/', import.meta.url));
  mkdirSync(dir, { recursive: true });
  writeFileSync(`${dir}${bench}.json`, JSON.stringify({ bench, title, machine, versions, at: new Date().toISOString(), rows }, null, 2) + '\n');
  writeFileSync(`${dir}${bench}.md`, lines.join('\n') + '\n');
}
