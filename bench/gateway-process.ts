import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { Partitioners, type Kafka } from 'kafkajs';
import { bengaluru } from '../lib/city';
import { topics } from '../lib/topics';
import { Fleet } from '../pipeline/simulator/fleet';
import { freePorts } from '../pipeline/stack/free-ports';
import { testAccessEnv } from '../server/testing/credentials';

export const root = fileURLToPath(new URL('..', import.meta.url));

/**
 * A gateway as deployed (its own process, socket and ops endpoints only), signed with the test
 * secret so that bench clients can sign in; resolves once it is ready and holds `drivers`.
 */
export async function startGatewayProcess(brokers: string[], drivers: number, env: Record<string, string> = {}) {
  const [port] = await freePorts(1);
  const url = `http://127.0.0.1:${port}`;
  // BENCH_CPU_PROFILE_DIR: the gateway writes a V8 CPU profile there when it stops (open it in Chrome's DevTools).
  const profile = process.env.BENCH_CPU_PROFILE_DIR ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_CPU_PROFILE_DIR}`] : [];
  const child = spawn(process.execPath, [...profile, '--import', 'tsx', 'server/index.ts'], {
    cwd: root,
    env: { ...process.env, ...testAccessEnv(), NODE_ENV: 'production', SERVE_UI: 'false', LOG_LEVEL: 'warn', PORT: String(port), KAFKA_BROKERS: brokers.join(','), GATEWAY_ID: `bench-${Date.now()}`, ...env },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  const exited = new Promise((r) => child.once('exit', r));
  // A bench that fails half-way must not leave its gateway running.
  process.once('exit', () => child.kill('SIGKILL'));
  for (;;) {
    const ready = await fetch(`${url}/readyz`).then((r) => r.json() as Promise<{ ready: boolean; drivers: number }>, () => null);
    if (ready?.ready && ready.drivers >= drivers) break;
    if (child.exitCode !== null) throw new Error(`the gateway exited with code ${child.exitCode}`);
    await new Promise((r) => setTimeout(r, 300));
  }
  return {
    url,
    pid: child.pid!,
    /** A gauge or counter from the gateway's /metrics. */
    async metric(name: string): Promise<number> {
      const text = await (await fetch(`${url}/metrics`)).text();
      return Number(new RegExp(`^${name} (\\S+)$`, 'm').exec(text)?.[1] ?? NaN);
    },
    /** SIGTERM, then SIGKILL if it has not exited 20 s later (a hung close must not outlive the bench). */
    async stop(): Promise<void> {
      child.kill('SIGTERM');
      const killer = setTimeout(() => child.kill('SIGKILL'), 20_000);
      await exited;
      clearTimeout(killer);
    },
  };
}

/** `drivers` drivers moving through drivers.positions, each once a second, until stopped. */
export async function moveFleet(kafka: Kafka, drivers: number, onError: (err: Error) => void) {
  const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
  await producer.connect();
  const fleet = new Fleet({ city: bengaluru, drivers, seed: 5 });
  const move = async () => {
    fleet.step(1_000);
    const now = Date.now();
    const messages = fleet.drivers.map((d) => {
      const l = fleet.location(d, now);
      return { key: l.driverId, value: JSON.stringify({ ...l, ts: now }) };
    });
    for (let i = 0; i < messages.length; i += 2_500) await producer.send({ topic: topics.driversPositions.name, messages: messages.slice(i, i + 2_500) });
  };
  await move();
  let inFlight: Promise<void> = Promise.resolve();
  const timer = setInterval(() => (inFlight = move().catch(onError)), 1_000);
  return {
    async stop(): Promise<void> {
      clearInterval(timer);
      // A move under way finishes before the producer goes.
      await inFlight;
      await producer.disconnect();
    },
  };
}

export interface ClientFigures {
  readonly messagesPerSecond: number;
  readonly bytesPerSecond: number;
  readonly p50: number;
  readonly p99: number;
  readonly samples: number;
  readonly clientLoopP99Ms: number;
}

/** `count` subscribers in a child process (bench/fanout/clients.ts) for `seconds`; their figures. */
export function runBenchClients(mode: 'socketio' | 'raw', url: string, credential: string, count: number, seconds: number): Promise<ClientFigures> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'bench/fanout/clients.ts', mode, url, credential, String(count), String(seconds)], { cwd: root, stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.on('exit', (code) => (code === 0 ? resolve(JSON.parse(out.trim().split('\n').at(-1)!) as ClientFigures) : reject(new Error(`bench clients exited with ${code}`))));
  });
}
