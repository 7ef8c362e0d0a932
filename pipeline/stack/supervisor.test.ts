import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatPinoLine, Supervisor } from './supervisor';

const dir = mkdtempSync(join(tmpdir(), 'sw-supervisor-'));

describe('Supervisor', () => {
  it('prefixes and logs output, and reports a child that dies on its own', async () => {
    const said: string[] = [];
    const died: string[] = [];
    const s = new Supervisor((l) => said.push(l), (name, code) => died.push(`${name}:${code}`));
    const child = s.start({ name: 'echo', command: process.execPath, args: ['-e', 'console.log("hello"); process.exit(3)'], logFile: join(dir, 'echo.log') });
    await child.exited;
    expect(said).toContain('[echo] hello');
    expect(died).toEqual(['echo:3']);
    expect(readFileSync(join(dir, 'echo.log'), 'utf8')).toBe('hello\n');
  });

  it('stops every child, killing one that ignores SIGTERM after the grace period', async () => {
    const died: string[] = [];
    const said: string[] = [];
    const s = new Supervisor((l) => said.push(l), (name) => died.push(name));
    const polite = s.start({ name: 'polite', command: process.execPath, args: ['-e', 'setInterval(() => {}, 1000)'], logFile: join(dir, 'p.log') });
    const stubborn = s.start({
      name: 'stubborn',
      command: process.execPath,
      args: ['-e', 'process.on("SIGTERM", () => {}); console.log("up"); setInterval(() => {}, 1000)'],
      logFile: join(dir, 's.log'),
    });
    // Only once it says "up" has it installed its handler (a busy machine can take a while).
    while (!said.includes('[stubborn] up')) await new Promise((r) => setTimeout(r, 20));
    await s.stopAll(500);
    expect(polite.process.signalCode).toBe('SIGTERM');
    expect(stubborn.process.signalCode).toBe('SIGKILL');
    expect(died).toEqual([]);
  });
});

describe('formatPinoLine', () => {
  it.each([
    ['{"level":30,"time":1,"pid":2,"hostname":"h","name":"gw","msg":"ready","drivers":5}', 'ready drivers=5'],
    ['{"level":40,"msg":"slow","ms":900}', 'WARN slow ms=900'],
    ['{"level":50,"msg":"failed","err":{"message":"x"}}', 'ERROR failed err={"message":"x"}'],
    ['plain text', 'plain text'],
    ['{not json', '{not json'],
  ])('%s -> %s', (line, shown) => {
    expect(formatPinoLine(line)).toBe(shown);
  });
});
