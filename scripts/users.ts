import { randomBytes } from 'node:crypto';
import { parseArgs } from 'node:util';
import { Kafka, logLevel, Partitioners } from 'kafkajs';
import pino from 'pino';
import { roles, type Role } from '../lib/access';
import { topics } from '../lib/topics';
import { sessionEventKey, type SessionEvent } from '../lib/schemas/session-event';
import { toolKafka } from '../pipeline/stack/stack-config';
import { kafkajsSecurity } from '../lib/kafka-auth';
import { UserDirectory } from '../server/auth/users';
import { applyUserRecord } from '../server/governance-ingest';
import { ReplayedStream } from '../server/replayed-stream';

/**
 * The cluster's local users, on governance.users (every gateway reads it and follows a change
 * within a second): `add <name> <role>` (password from STREAMWATCH_USER_PASSWORD, else generated
 * and printed once), `role <name> <role>`, `password <name>`, `sign-out <name>` (ends every
 * session the user has, on every gateway), `remove <name>`, `list`. Admins do the same in /admin.
 */
const usage = `usage: npm run users -- add <name> <role> | role <name> <role> | password <name> | sign-out <name> | remove <name> | list   [--brokers HOST:PORT,...]
  roles: ${roles.filter((r) => r !== 'wall' && r !== 'embed').join(', ')}; brokers default to $KAFKA_BROKERS, else the local stack's`;
const { positionals, values } = parseArgs({ allowPositionals: true, options: { brokers: { type: 'string' } } });
const [command, name, role] = positionals;
const isRole = (r: string | undefined): r is Role => r !== undefined && (roles as readonly string[]).includes(r) && r !== 'wall' && r !== 'embed';
const known = (command === 'list' && !name) || (['add', 'role'].includes(command ?? '') && name && isRole(role)) || (['password', 'sign-out', 'remove'].includes(command ?? '') && name && !role);
if (!known) {
  console.error(usage);
  process.exit(2);
}

const { brokers, security } = toolKafka(values.brokers, process.env);
const kafka = new Kafka({ clientId: 'streamwatch-users', brokers, ...kafkajsSecurity(security), logLevel: logLevel.NOTHING, retry: { retries: 3 } });
const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1, createPartitioner: Partitioners.DefaultPartitioner });
const send = async (topic: string, key: string, value: string | null) => void (await producer.send({ topic, messages: [{ key, value }] }));
const users = new UserDirectory((user, account) => send(topics.userAccounts.name, user, account && JSON.stringify(account)));
const stream = new ReplayedStream({
  kafka, name: 'users', groupId: `streamwatch-users-cli-${process.pid}-${Date.now().toString(36)}`, topics: [topics.userAccounts.name],
  handle: (r) => applyUserRecord(users, r), log: pino({ level: 'silent' }), maxWaitTimeInMs: 50,
});
const by = 'cli';
let exitCode = 0;
try {
  await Promise.race([
    Promise.all([producer.connect(), stream.start()]).then(() => stream.whenReady()),
    new Promise((_, reject) => setTimeout(() => reject(new Error(`could not read ${topics.userAccounts.name} from ${brokers.join(',')} within 30 s: is the stack running (npm start)?`)), 30_000).unref()),
  ]);
  const password = process.env.STREAMWATCH_USER_PASSWORD ?? randomBytes(12).toString('base64url');
  const shown = process.env.STREAMWATCH_USER_PASSWORD ? '' : `; password: ${password}`;
  const missing = () => {
    console.error(`users: no user ${name}`);
    exitCode = 1;
  };
  if (command === 'list') {
    for (const u of users.list()) console.log(`${u.name}\t${u.role}\tchanged ${new Date(u.updatedAt).toISOString()} by ${u.updatedBy}`);
  } else if (command === 'add') {
    await users.put(name!, role as Role, password, by);
    console.log(`${name} (${role}) saved on ${topics.userAccounts.name}${shown}`);
  } else if (command === 'role') {
    if (await users.setRole(name!, role as Role, by)) console.log(`${name} is now ${role} on every gateway`);
    else missing();
  } else if (command === 'password') {
    if (await users.setPassword(name!, password, by)) {
      await signOut(name!);
      console.log(`${name}: new password, every session ended${shown}`);
    } else missing();
  } else if (command === 'sign-out') {
    if (users.get(name!)) {
      await signOut(name!);
      console.log(`${name}: every session ended`);
    } else missing();
  } else if (command === 'remove') {
    if (await users.remove(name!)) console.log(`${name} removed; their sessions end on every gateway`);
    else missing();
  }
} catch (err) {
  console.error(`users: ${(err as Error).message}`);
  exitCode = 1;
} finally {
  await Promise.allSettled([stream.stop(), producer.disconnect()]);
}
process.exit(exitCode);

async function signOut(user: string): Promise<void> {
  const event: SessionEvent = { kind: 'user-signed-out', user, before: Date.now(), by };
  await send(topics.sessionEvents.name, sessionEventKey(event), JSON.stringify(event));
}
