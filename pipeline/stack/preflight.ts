import { execFile } from 'node:child_process';
import { createServer } from 'node:net';
import { promisify, stripVTControlCharacters } from 'node:util';

const run = promisify(execFile);

/** An error whose message tells the person what to do. */
export class StackError extends Error {}

export async function requireJava(minMajor = 17): Promise<string> {
  let output: string;
  try {
    const { stderr, stdout } = await run('java', ['-version']);
    output = `${stderr}${stdout}`;
  } catch {
    throw new StackError(
      `Java ${minMajor}+ is needed to run Kafka and Flink, but "java" was not found.\n` +
        `  Fix: install a JDK (Debian: apt-get install openjdk-17-jdk-headless) and make sure java is on PATH.`,
    );
  }
  const match = /version "(\d+)(?:\.(\d+))?/.exec(output);
  const major = match ? Number(match[1] === '1' ? match[2] : match[1]) : NaN;
  if (!(major >= minMajor)) {
    throw new StackError(
      `Java ${minMajor}+ is needed, found: ${output.split('\n')[0]}\n  Fix: install JDK ${minMajor} or newer and put it first on PATH (or set JAVA_HOME).`,
    );
  }
  return output.split('\n')[0] ?? `java ${major}`;
}

export async function requireMaven(): Promise<string> {
  try {
    const { stdout } = await run('mvn', ['-v']);
    return (stdout.split('\n')[0] ? stripVTControlCharacters(stdout.split('\n')[0]!) : undefined) ?? 'maven';
  } catch {
    throw new StackError(
      'Maven is needed to fetch the Kafka and Flink jars from Maven Central, but "mvn" was not found.\n' +
        '  Fix: install Maven 3.8+ (Debian: apt-get install maven) and make sure mvn is on PATH.',
    );
  }
}

export async function requirePortFree(host: string, port: number, what: string, envVar: string): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    const server = createServer();
    server.once('error', (err: NodeJS.ErrnoException) => {
      reject(
        new StackError(
          err.code === 'EADDRINUSE'
            ? `Port ${port} on ${host} (${what}) is already in use.\n  Fix: stop whatever listens there (ss -ltnp 'sport = :${port}') or set ${envVar} to a free port.`
            : `Cannot listen on ${host}:${port} for ${what}: ${err.message}`,
        ),
      );
    });
    server.listen(port, host, () => server.close(() => resolve()));
  });
}
