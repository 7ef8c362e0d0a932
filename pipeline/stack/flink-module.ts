import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildModule, resolveClasspath, type MavenModule } from './maven';
import type { Say } from './supervisor';

/** The Maven module holding the Flink runner and UDFs; its results cached under `buildDir`. */
export function flinkModule(root: string, buildDir = join(root, '.streamwatch/build')): MavenModule {
  return { label: 'Flink jobs', dir: join(root, 'pipeline/flink'), cacheDir: join(buildDir, 'flink') };
}

/** The module built if its sources changed, and the classpath to run it with. */
export async function builtFlinkModule(module: MavenModule, say: Say): Promise<string[]> {
  const classpath = await resolveClasspath(module, say);
  await buildModule(module, say);
  return [join(module.dir, 'target', 'classes'), ...classpath];
}

/**
 * A JVM running a Flink main class (Flink 2 on Java 17 reflects into these JDK packages, as
 * bin/flink does). `memory` is a heap size, or the memory flags Flink computed for a cluster process.
 */
export function flinkJvmArgs(memory: string | readonly string[], classpath: readonly string[], mainClass: string, properties: Record<string, string> = {}): string[] {
  const opens = ['java.util', 'java.lang', 'java.lang.reflect', 'java.io', 'java.net', 'java.nio', 'java.time', 'sun.nio.ch'];
  return [
    ...(typeof memory === 'string' ? [`-Xmx${memory}`] : memory),
    '-XX:+UseG1GC',
    ...opens.map((p) => `--add-opens=java.base/${p}=ALL-UNNAMED`),
    ...Object.entries(properties).map(([k, v]) => `-D${k}=${v}`),
    '-cp',
    classpath.join(':'),
    mainClass,
  ];
}

/** The shaded job jar the module's build leaves (what `flink run` or a session cluster's /jars/upload takes). */
export function flinkJobJar(module: MavenModule): string {
  return join(module.dir, 'target', 'streamwatch-flink-1.0.0.jar');
}

/** Runs one of the module's command-line tools to its end (tests): exit code, stdout, and stderr's tail. */
export async function runFlinkTool(mainClass: string, args: readonly string[], heap = '768m'): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const root = fileURLToPath(new URL('../..', import.meta.url));
  const classpath = await builtFlinkModule(flinkModule(root), () => undefined);
  const child = spawn('java', [...flinkJvmArgs(heap, classpath, mainClass), ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
  child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr = (stderr + d).slice(-8000)));
  const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
  return { code, stdout, stderr };
}
