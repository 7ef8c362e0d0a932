import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import { findExposures } from '../lib/exposure-scan';
import { SCAN_DIR } from './support/fixtures';

/**
 * Runs after every journey (the sign-in project's teardown): adds up what the scanner saw in
 * socket frames and pages, scans every log line the stack wrote, and expects no card number
 * and no raw rider id anywhere.
 */
const LOG_DIR = join('.streamwatch', 'e2e', 'logs');

test('no card number or raw rider id in any socket frame, page or log line of the run', () => {
  const journeys = readdirSync(SCAN_DIR).map((f) => JSON.parse(readFileSync(join(SCAN_DIR, f), 'utf8')) as { title: string; frames: number; frameBytes: number; pages: number; findings: { kind: string; value: string; where: string }[] });
  const logFindings: { file: string; line: number; kind: string; value: string }[] = [];
  let logLines = 0;
  for (const file of readdirSync(LOG_DIR)) {
    const lines = readFileSync(join(LOG_DIR, file), 'utf8').split('\n');
    logLines += lines.length;
    lines.forEach((line, i) => findExposures(line).forEach((f) => logFindings.push({ file, line: i + 1, ...f })));
  }
  const frames = journeys.reduce((n, j) => n + j.frames, 0);
  const megabytes = journeys.reduce((n, j) => n + j.frameBytes, 0) / 1e6;
  const pages = journeys.reduce((n, j) => n + j.pages, 0);
  const findings = journeys.flatMap((j) => j.findings.map((f) => ({ journey: j.title, ...f })));
  console.log(
    `[exposure-scan] ${journeys.length} journeys: ${frames.toLocaleString('en-US')} socket frames (${megabytes.toFixed(1)} MB), ${pages} pages, ` +
      `${logLines.toLocaleString('en-US')} log lines in ${LOG_DIR}: ${findings.length + logFindings.length} findings`,
  );
  // The scan saw the run, not an empty directory.
  expect(journeys.length).toBeGreaterThanOrEqual(10);
  expect(frames).toBeGreaterThan(1000);
  expect(logLines).toBeGreaterThan(100);
  expect(findings.slice(0, 20)).toEqual([]);
  expect(logFindings.slice(0, 20)).toEqual([]);
});
