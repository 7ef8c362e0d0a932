import { connect, type Socket } from 'node:net';
import { connect as tlsConnect } from 'node:tls';
import { PLAINTEXT, type KafkaCredentials, type KafkaSecurity } from '../lib/kafka-auth';
import { ScramClient } from './scram-client';

/**
 * The three Kafka requests kafkajs cannot make, written from the protocol's message types:
 * kafkajs speaks only the classic group protocol, so a group using Kafka 4's consumer protocol
 * (KIP-848, `group.protocol=consumer`) read as Dead with 0 members. ListGroups v5 says each
 * group's type and state; ConsumerGroupDescribe v0 (sent to the group's coordinator, found with
 * FindCoordinator v4) says how many members a consumer-protocol group has. All three are
 * "flexible" versions: compact strings and arrays, tagged-field buffers, request header v2.
 */

export interface ListedGroup {
  readonly groupId: string;
  readonly protocolType: string;
  readonly state: string;
  /** 'classic' or 'consumer' (KIP-848); 'share' and 'streams' on brokers that have them. */
  readonly type: string;
}

export interface BrokerAddress {
  readonly nodeId: number;
  readonly host: string;
  readonly port: number;
}

const API = { findCoordinator: 10, listGroups: 16, consumerGroupDescribe: 69 } as const;

/** A Kafka protocol error, with the broker's code. */
export class KafkaProtocolError extends Error {
  constructor(
    readonly code: number,
    what: string,
  ) {
    super(`${what}: Kafka error code ${code}`);
  }
}

export class Writer {
  private readonly parts: Buffer[] = [];

  int8(v: number): this {
    const b = Buffer.alloc(1);
    b.writeInt8(v);
    return this.push(b);
  }

  int16(v: number): this {
    const b = Buffer.alloc(2);
    b.writeInt16BE(v);
    return this.push(b);
  }

  int32(v: number): this {
    const b = Buffer.alloc(4);
    b.writeInt32BE(v);
    return this.push(b);
  }

  uvarint(v: number): this {
    const bytes: number[] = [];
    let n = v >>> 0;
    while (n >= 0x80) {
      bytes.push((n & 0x7f) | 0x80);
      n >>>= 7;
    }
    bytes.push(n);
    return this.push(Buffer.from(bytes));
  }

  /** The request header's client id: a classic NULLABLE_STRING (int16 length) even in v2. */
  legacyString(s: string): this {
    const b = Buffer.from(s, 'utf8');
    return this.int16(b.length).push(b);
  }

  compactString(s: string): this {
    return this.compactBytes(Buffer.from(s, 'utf8'));
  }

  compactBytes(b: Buffer): this {
    return this.uvarint(b.length + 1).push(b);
  }

  compactArray<T>(items: readonly T[], each: (w: this, item: T) => void): this {
    this.uvarint(items.length + 1);
    for (const item of items) each(this, item);
    return this;
  }

  bool(v: boolean): this {
    return this.int8(v ? 1 : 0);
  }

  /** No tagged fields. */
  tags(): this {
    return this.uvarint(0);
  }

  bytes(): Buffer {
    return Buffer.concat(this.parts);
  }

  private push(b: Buffer): this {
    this.parts.push(b);
    return this;
  }
}

export class Reader {
  private at = 0;

  constructor(private readonly buf: Buffer) {}

  int8(): number {
    return this.take(1).readInt8();
  }

  int16(): number {
    return this.take(2).readInt16BE();
  }

  int32(): number {
    return this.take(4).readInt32BE();
  }

  uvarint(): number {
    let value = 0;
    for (let shift = 0; shift < 35; shift += 7) {
      const byte = this.take(1)[0]!;
      value |= (byte & 0x7f) << shift;
      if ((byte & 0x80) === 0) return value >>> 0;
    }
    throw new Error('malformed varint');
  }

  compactNullableString(): string | null {
    const n = this.uvarint();
    return n === 0 ? null : this.take(n - 1).toString('utf8');
  }

  compactBytes(): Buffer {
    const n = this.uvarint();
    return n === 0 ? Buffer.alloc(0) : this.take(n - 1);
  }

  compactString(): string {
    const s = this.compactNullableString();
    if (s === null) throw new Error('null where a string was due');
    return s;
  }

  /** Length of a compact array (null reads as empty). */
  compactArrayLength(): number {
    const n = this.uvarint();
    return n === 0 ? 0 : n - 1;
  }

  /** Skips a tagged-field buffer. */
  tags(): void {
    const count = this.uvarint();
    for (let i = 0; i < count; i++) {
      this.uvarint();
      this.take(this.uvarint());
    }
  }

  private take(n: number): Buffer {
    if (this.at + n > this.buf.length) throw new Error(`response ended early (wanted ${n} bytes at ${this.at} of ${this.buf.length})`);
    const b = this.buf.subarray(this.at, this.at + n);
    this.at += n;
    return b;
  }
}

/** Reads whole response frames off a socket, in order. */
class FrameReader {
  private buffered = Buffer.alloc(0);
  private waiting: { resolve: (frame: Buffer) => void; reject: (err: Error) => void } | null = null;
  private failed: Error | null = null;

  constructor(socket: Socket) {
    socket.on('data', (chunk) => {
      this.buffered = Buffer.concat([this.buffered, chunk]);
      this.deliver();
    });
    socket.on('error', (err) => this.fail(err));
    socket.on('close', () => this.fail(new Error('the broker closed the connection')));
  }

  next(timeoutMs: number, what: string): Promise<Buffer> {
    if (this.failed) return Promise.reject(this.failed);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no answer to ${what} in ${timeoutMs} ms`)), timeoutMs);
      this.waiting = { resolve: (f) => (clearTimeout(timer), resolve(f)), reject: (e) => (clearTimeout(timer), reject(e)) };
      this.deliver();
    });
  }

  private deliver(): void {
    if (!this.waiting || this.buffered.length < 4 || this.buffered.length < 4 + this.buffered.readInt32BE(0)) return;
    const size = this.buffered.readInt32BE(0);
    const frame = this.buffered.subarray(4, 4 + size);
    this.buffered = this.buffered.subarray(4 + size);
    const { resolve } = this.waiting;
    this.waiting = null;
    resolve(frame);
  }

  private fail(err: Error): void {
    this.failed ??= err;
    this.waiting?.reject(err);
    this.waiting = null;
  }
}

/** SaslHandshake and SaslAuthenticate: what a SASL listener wants before anything else. */
const SASL = { handshake: 17, authenticate: 36 } as const;

/**
 * One connection: SASL first when the cluster wants it (SaslHandshake v1, then SaslAuthenticate
 * v2 rounds: SCRAM's two, or PLAIN's one), then requests one at a time.
 */
class BrokerConnection {
  private correlation = Math.floor(Math.random() * 2 ** 30);

  private constructor(
    private readonly socket: Socket,
    private readonly frames: FrameReader,
    private readonly where: string,
    private readonly clientId: string,
    private readonly timeoutMs: number,
  ) {}

  static async open(broker: { host: string; port: number }, clientId: string, security: KafkaSecurity, timeoutMs: number): Promise<BrokerConnection> {
    const tls = security.protocol === 'SSL' || security.protocol === 'SASL_SSL';
    const socket: Socket = tls ? tlsConnect({ host: broker.host, port: broker.port, servername: broker.host }) : connect({ host: broker.host, port: broker.port });
    const frames = new FrameReader(socket);
    const connection = new BrokerConnection(socket, frames, `${broker.host}:${broker.port}`, clientId, timeoutMs);
    try {
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`could not connect to ${broker.host}:${broker.port} in ${timeoutMs} ms`)), timeoutMs);
        socket.once(tls ? 'secureConnect' : 'connect', () => (clearTimeout(timer), resolve()));
        socket.once('error', (err) => (clearTimeout(timer), reject(err)));
      });
      if (security.sasl) await connection.authenticate(security.sasl);
      return connection;
    } catch (err) {
      socket.destroy();
      throw err;
    }
  }

  /** A request in a flexible version (request header v2, response header v1), or a classic one (v1/v0). */
  async request(apiKey: number, apiVersion: number, body: Buffer, flexible = true): Promise<Reader> {
    const correlationId = this.correlation++;
    const header = new Writer().int16(apiKey).int16(apiVersion).int32(correlationId).legacyString(this.clientId);
    if (flexible) header.tags();
    const payload = Buffer.concat([header.bytes(), body]);
    this.socket.write(Buffer.concat([new Writer().int32(payload.length).bytes(), payload]));
    const reader = new Reader(await this.frames.next(this.timeoutMs, `API ${apiKey} v${apiVersion} at ${this.where}`));
    if (reader.int32() !== correlationId) throw new Error('a response to another request');
    if (flexible) reader.tags();
    return reader;
  }

  close(): void {
    this.socket.destroy();
  }

  private async authenticate(sasl: KafkaCredentials): Promise<void> {
    const handshake = await this.request(SASL.handshake, 1, new Writer().legacyString(sasl.mechanism).bytes(), false);
    const handshakeError = handshake.int16();
    if (handshakeError !== 0) throw new KafkaProtocolError(handshakeError, `SaslHandshake ${sasl.mechanism} at ${this.where}`);
    if (sasl.mechanism === 'PLAIN') {
      await this.saslRound(Buffer.from(`\u0000${sasl.username}\u0000${sasl.password}`, 'utf8'));
      return;
    }
    const scram = new ScramClient(sasl.mechanism === 'SCRAM-SHA-512' ? 'sha512' : 'sha256', sasl.username, sasl.password);
    const serverFirst = await this.saslRound(Buffer.from(scram.clientFirst(), 'utf8'));
    const serverFinal = await this.saslRound(Buffer.from(scram.clientFinal(serverFirst.toString('utf8')), 'utf8'));
    scram.verifyServerFinal(serverFinal.toString('utf8'));
  }

  private async saslRound(authBytes: Buffer): Promise<Buffer> {
    const r = await this.request(SASL.authenticate, 2, new Writer().compactBytes(authBytes).tags().bytes());
    const error = r.int16();
    const message = r.compactNullableString();
    // The broker's message says why (e.g. "Authentication failed during authentication due to invalid credentials").
    if (error !== 0) throw new KafkaProtocolError(error, `SASL authentication at ${this.where}${message ? ` (${message})` : ''}`);
    return r.compactBytes();
  }
}

/** One request/response on a fresh connection (these are polled every few seconds, no more). */
export async function kafkaRequest(
  broker: { host: string; port: number },
  apiKey: number,
  apiVersion: number,
  body: Buffer,
  clientId: string,
  security: KafkaSecurity = PLAINTEXT,
  timeoutMs = 5_000,
): Promise<Reader> {
  const connection = await BrokerConnection.open(broker, clientId, security, timeoutMs);
  try {
    return await connection.request(apiKey, apiVersion, body);
  } finally {
    connection.close();
  }
}

/** Every group a broker coordinates, with its type and state (ListGroups v5). */
export async function listGroups(broker: BrokerAddress, clientId: string, security: KafkaSecurity = PLAINTEXT): Promise<ListedGroup[]> {
  const body = new Writer().compactArray([], () => undefined).compactArray([], () => undefined).tags().bytes();
  const r = await kafkaRequest(broker, API.listGroups, 5, body, clientId, security);
  r.int32(); // throttle time
  const error = r.int16();
  if (error !== 0) throw new KafkaProtocolError(error, `ListGroups on broker ${broker.nodeId}`);
  const groups: ListedGroup[] = [];
  for (let i = r.compactArrayLength(); i > 0; i--) {
    groups.push({ groupId: r.compactString(), protocolType: r.compactString(), state: r.compactString(), type: r.compactString() });
    r.tags();
  }
  return groups;
}

/** The broker coordinating a group (FindCoordinator v4). */
export async function findGroupCoordinator(broker: BrokerAddress, groupId: string, clientId: string, security: KafkaSecurity = PLAINTEXT): Promise<BrokerAddress> {
  const body = new Writer().int8(0).compactArray([groupId], (w, key) => w.compactString(key)).tags().bytes();
  const r = await kafkaRequest(broker, API.findCoordinator, 4, body, clientId, security);
  r.int32(); // throttle time
  if (r.compactArrayLength() < 1) throw new Error(`no coordinator returned for ${groupId}`);
  r.compactString(); // key
  const nodeId = r.int32();
  const host = r.compactString();
  const port = r.int32();
  const error = r.int16();
  if (error !== 0) throw new KafkaProtocolError(error, `FindCoordinator for ${groupId}`);
  return { nodeId, host, port };
}

/**
 * A consumer-protocol group's state and member count (ConsumerGroupDescribe v0, one group per
 * request: the fields before the member list are all it reads, so later versions' additions
 * inside members do not matter).
 */
export async function describeConsumerGroup(coordinator: BrokerAddress, groupId: string, clientId: string, security: KafkaSecurity = PLAINTEXT): Promise<{ state: string; members: number }> {
  const body = new Writer().compactArray([groupId], (w, id) => w.compactString(id)).bool(false).tags().bytes();
  const r = await kafkaRequest(coordinator, API.consumerGroupDescribe, 0, body, clientId, security);
  r.int32(); // throttle time
  if (r.compactArrayLength() < 1) throw new Error(`no description returned for ${groupId}`);
  const error = r.int16();
  const message = r.compactNullableString();
  if (error !== 0) throw new KafkaProtocolError(error, `ConsumerGroupDescribe ${groupId}${message ? ` (${message})` : ''}`);
  r.compactString(); // group id
  const state = r.compactString();
  r.int32(); // group epoch
  r.int32(); // assignment epoch
  r.compactString(); // assignor
  return { state, members: r.compactArrayLength() };
}

/** A group as the lag monitor judges it, whichever protocol it speaks. */
export interface DescribedGroup {
  readonly groupId: string;
  readonly state: string;
  readonly members: number;
  readonly type: string;
}

/**
 * Every consumer group on the cluster with its state and member count, classic and consumer
 * protocol alike, as `kafka-consumer-groups.sh --describe --state` reports them: the group list
 * from every broker (ListGroups v5), classic groups described through kafkajs, consumer-protocol
 * groups through their coordinator.
 */
export class GroupDirectory {
  constructor(
    private readonly admin: {
      describeCluster(): Promise<{ brokers: { nodeId: number; host: string; port: number }[] }>;
      describeGroups(ids: string[]): Promise<{ groups: { groupId: string; state: string; members: unknown[] }[] }>;
    },
    private readonly clientId: string,
    private readonly security: KafkaSecurity = PLAINTEXT,
  ) {}

  async describeAll(): Promise<DescribedGroup[]> {
    const { brokers } = await this.admin.describeCluster();
    const listed = (await Promise.all(brokers.map((b) => listGroups(b, this.clientId, this.security)))).flat();
    const classic = listed.filter((g) => g.type !== 'consumer');
    const described = classic.length > 0 ? (await this.admin.describeGroups(classic.map((g) => g.groupId))).groups : [];
    const consumerProtocol = await Promise.all(
      listed
        .filter((g) => g.type === 'consumer')
        .map(async (g) => {
          const coordinator = await findGroupCoordinator(brokers[0]!, g.groupId, this.clientId, this.security);
          const { state, members } = await describeConsumerGroup(coordinator, g.groupId, this.clientId, this.security);
          return { groupId: g.groupId, state, members, type: g.type };
        }),
    );
    return [...described.map((g) => ({ groupId: g.groupId, state: g.state, members: g.members.length, type: 'classic' })), ...consumerProtocol];
  }
}
