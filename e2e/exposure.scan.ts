import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import { findExposures } from '../lib/exposure-scan';
import { SCAN_DIR } from './support/fixtures';
import { E2E_ADMIN } from './support/people';
import { E2E_HOME } from './support/kafka';
import { KAFKA_CREDENTIALS_FILE, readStackKafkaCredentials, scramUsers } from '../pipeline/stack/kafka-credentials';

/**
 * Runs after every journey (the sign-in project's teardown): adds up what the scanner saw in
 * socket frames and pages, scans every log line every process of the stack wrote, and expects
 * no card number and no raw rider id anywhere.
 */
const HOME = E2E_HOME;
/** One log per process of the stack: each must exist and be read. */
const STACK_LOGS = ['logs/gateway.log', 'logs/simulator.log', 'kafka/broker.log', 'kafka/state-changes.log', 'flink/flink.log'];
/** Those that always write at start (the broker's stdout carries errors only). */
const SPEAKING = new Set(['logs/gateway.log', 'logs/simulator.log', 'kafka/state-changes.log', 'flink/flink.log']);

test("no card number, raw rider id or gateway token in any socket frame, page, navigation, Referer or log line of the run, and no CSP violation", () => {
  const journeys = readdirSync(SCAN_DIR).map((f) => JSON.parse(readFileSync(join(SCAN_DIR, f), 'utf8')) as { title: string; frames: number; frameBytes: number; pages: number; navigations: number; referers: number; cspViolations: string[]; findings: { kind: string; value: string; where: string }[] });
  const logFiles = [...new Set([...STACK_LOGS, ...readdirSync(join(HOME, 'logs')).map((f) => `logs/${f}`)])];
  const logFindings: { file: string; line: number; kind: string; value: string }[] = [];
  const unread: string[] = [];
  let logLines = 0;
  for (const file of logFiles) {
    const path = join(HOME, file);
    if (!existsSync(path)) {
      unread.push(`${file} (missing)`);
      continue;
    }
    const text = readFileSync(path, 'utf8');
    if (text.length === 0 && SPEAKING.has(file)) unread.push(`${file} (empty)`);
    const lines = text.split('\n');
    logLines += lines.length;
    lines.forEach((line, i) => findExposures(line).forEach((f) => logFindings.push({ file, line: i + 1, ...f })));
  }
  const frames = journeys.reduce((n, j) => n + j.frames, 0);
  const megabytes = journeys.reduce((n, j) => n + j.frameBytes, 0) / 1e6;
  const pages = journeys.reduce((n, j) => n + j.pages, 0);
  const navigations = journeys.reduce((n, j) => n + j.navigations, 0);
  const referers = journeys.reduce((n, j) => n + j.referers, 0);
  const findings = journeys.flatMap((j) => j.findings.map((f) => ({ journey: j.title, ...f })));
  console.log(
    `[exposure-scan] ${journeys.length} journeys: ${frames.toLocaleString('en-US')} socket frames (${megabytes.toFixed(1)} MB), ${pages} pages, ${navigations} navigations, ${referers} Referers, ` +
      `${logLines.toLocaleString('en-US')} log lines in ${logFiles.length} files under ${HOME}: ${findings.length + logFindings.length} findings`,
  );
  // The scan saw the run, not an empty directory: every journey's record and every process's log.
  // (How many lines a log holds says how noisy a run was, not what had to be scanned.)
  expect(journeys.length).toBeGreaterThanOrEqual(10);
  expect(frames).toBeGreaterThan(1000);
  // Every screen journey ends on an address of ours: the navigations were seen.
  expect(navigations).toBeGreaterThan(journeys.length);
  expect(unread, 'stack logs missing or empty').toEqual([]);
  expect(findings.slice(0, 20)).toEqual([]);
  // No journey's page had a script, style, image or connection refused by its policy.
  expect(journeys.flatMap((j) => j.cspViolations).slice(0, 20)).toEqual([]);
  expect(logFindings.slice(0, 20)).toEqual([]);
});

/** Files that hold a secret by design (mode 600), and the users file's password hashes. */
const SECRET_STORES = new Set([
  'gateway/auth-secret',
  'gateway/pseudonym-key',
  'gateway/admin-password',
  'gateway/first-admin-password',
  'gateway/users.json',
  KAFKA_CREDENTIALS_FILE,
  // The nodes' own logins (the admin's and the controller listener's): mode 600, as Kafka deploys it.
  'kafka/server.properties',
]);

function filesUnder(dir: string, prefix = ''): string[] {
  return readdirSync(join(dir, prefix), { withFileTypes: true }).flatMap((e) => {
    const rel = prefix ? `${prefix}/${e.name}` : e.name;
    if (e.isDirectory()) return rel.startsWith('kafka/data') || rel.startsWith('flink/checkpoints') ? [] : filesUnder(dir, rel);
    return [rel];
  });
}

test('no secret of the stack in any log or generated file of the run', () => {
  // What the stack generated, or was given, to keep secret.
  const secrets = new Map<string, string>([
    ['the session and token signing secret', readFileSync(join(HOME, 'gateway/auth-secret'), 'utf8').trim()],
    ['the rider pseudonym key', readFileSync(join(HOME, 'gateway/pseudonym-key'), 'utf8').trim()],
    ['the first admin password', E2E_ADMIN.password],
  ]);
  // Every Kafka password the stack made: each service's, the admin's, the controller listener's.
  const kafka = readStackKafkaCredentials(join(HOME, KAFKA_CREDENTIALS_FILE));
  expect(kafka, 'the stack keeps Kafka credentials').not.toBeNull();
  for (const user of scramUsers(kafka!)) secrets.set(`the Kafka password of ${user.name}`, user.password);
  secrets.set('the Kafka controller password', kafka!.controller);
  const files = filesUnder(HOME).filter((f) => !SECRET_STORES.has(f));
  const found: string[] = [];
  for (const file of files) {
    const text = readFileSync(join(HOME, file), 'latin1');
    for (const [what, value] of secrets) if (value.length >= 12 && text.includes(value)) found.push(`${what} in ${file}`);
  }
  console.log(`[exposure-scan] ${secrets.size} secrets looked for in ${files.length} files under ${HOME}: ${found.length} found`);
  expect(files.length).toBeGreaterThan(4);
  expect(found).toEqual([]);
});
