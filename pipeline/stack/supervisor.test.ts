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

describe('Supervisor restarts', () => {
  const policy = { initialDelayMs: 50, maxDelayMs: 200, healthyAfterMs: 60_000, maxQuickDeaths: 3 };

  it('starts a child that died again, with a doubling delay, until it keeps dying; then the stack is told', async () => {
    const said: string[] = [];
    const died: string[] = [];
    const s = new Supervisor((l) => said.push(l), (name, code) => died.push(`${name}:${code}`));
    const started: number[] = [];
    const child = s.start({ name: 'crashy', command: process.execPath, args: ['-e', 'console.log("up"); process.exit(7)'], logFile: join(dir, 'crashy.log'), restart: policy });
    const watch = setInterval(() => started.includes(child.process.pid!) || started.push(child.process.pid!), 5);
    expect(await child.exited).toBe(7);
    clearInterval(watch);
    expect(child.restarts).toBe(3);
    expect(said.filter((l) => l.startsWith('[stack] crashy exited unexpectedly (code 7); starting it again'))).toHaveLength(3);
    expect(said.filter((l) => l === '[crashy] up')).toHaveLength(4);
    expect(said.at(-1)).toMatch(/crashy died 4 times in a row.*not starting it again/);
    expect(died).toEqual(['crashy:7']);
    expect(s.restartCounts()).toEqual({ crashy: 3 });
    expect(readFileSync(join(dir, 'crashy.log'), 'utf8')).toBe('up\nup\nup\nup\n');
  });

  it('restarts with the restart arguments, and the restarted child is the one stopAll stops', async () => {
    const said: string[] = [];
    const marker = join(dir, `once-${process.pid}`);
    const s = new Supervisor((l) => said.push(l), () => undefined);
    const child = s.start({
      name: 'phoenix',
      command: process.execPath,
      args: ['-e', 'console.log("first"); process.exit(1)'],
      restartArgs: ['-e', 'console.log("again"); setInterval(() => {}, 1000)'],
      logFile: marker,
      restart: policy,
    });
    while (!said.includes('[phoenix] again')) await new Promise((r) => setTimeout(r, 20));
    const restarted = child.process;
    await s.stopAll(2000);
    expect(restarted.signalCode).toBe('SIGTERM');
    expect(child.restarts).toBe(1);
    await expect(child.exited).resolves.toBeNull();
  });

  it('signals a running child by name, which is then restarted as after any death', async () => {
    const said: string[] = [];
    const s = new Supervisor((l) => said.push(l), () => undefined);
    const child = s.start({ name: 'victim', command: process.execPath, args: ['-e', 'console.log("up"); setInterval(() => {}, 1000)'], logFile: join(dir, 'victim.log'), restart: policy });
    while (!said.includes('[victim] up')) await new Promise((r) => setTimeout(r, 20));
    const first = child.process;
    expect(s.signal('victim', 'SIGKILL')).toBe(first.pid);
    expect(s.signal('nobody', 'SIGKILL')).toBeNull();
    while (child.restarts === 0 || child.process === first) await new Promise((r) => setTimeout(r, 20));
    expect(first.signalCode).toBe('SIGKILL');
    expect(s.restartCounts()).toEqual({ victim: 1 });
    await s.stopAll(2000);
    expect(s.signal('victim', 'SIGKILL')).toBeNull();
  });

  it('stopAll while a restart is pending cancels it', async () => {
    const s = new Supervisor(() => undefined, () => undefined);
    const child = s.start({ name: 'late', command: process.execPath, args: ['-e', 'process.exit(2)'], logFile: join(dir, 'late.log'), restart: { ...policy, initialDelayMs: 60_000 } });
    while (child.restarts === 0) await new Promise((r) => setTimeout(r, 20));
    const t = Date.now();
    await s.stopAll(2000);
    await child.exited;
    expect(Date.now() - t).toBeLessThan(5000);
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
