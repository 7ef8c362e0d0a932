import { createServer } from 'node:net';
import { describe, expect, it } from 'vitest';
import { requireJava, requirePortFree } from './preflight';

describe('requirePortFree', () => {
  it('passes for a free port and explains a taken one with the variable to change', async () => {
    const server = createServer();
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const port = (server.address() as { port: number }).port;
    await expect(requirePortFree('127.0.0.1', port, 'dashboard', 'PORT')).rejects.toThrow(
      new RegExp(`Port ${port} on 127.0.0.1 \\(dashboard\\) is already in use[\\s\\S]*set PORT`),
    );
    await new Promise<void>((r) => server.close(() => r()));
    await expect(requirePortFree('127.0.0.1', port, 'dashboard', 'PORT')).resolves.toBeUndefined();
  });
});

describe('requireJava', () => {
  it('finds the JDK this machine runs Kafka and Flink with', async () => {
    await expect(requireJava(17)).resolves.toMatch(/version "\d+/);
  });

  it('says how to fix a JDK that is too old', async () => {
    await expect(requireJava(99)).rejects.toThrow(/Java 99\+ is needed[\s\S]*Fix:/);
  });
});
