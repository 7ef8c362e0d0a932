import { createHash, createHmac, pbkdf2Sync, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * The client side of SCRAM (RFC 5802; SHA-256 and SHA-512 as Kafka offers them), for our own
 * protocol client (group-protocol-client.ts): client-first, then the proof for the server's
 * challenge, then the check that the server knew the password too.
 */
export type ScramHash = 'sha256' | 'sha512';

const KEY_LENGTH: Record<ScramHash, number> = { sha256: 32, sha512: 64 };
/** What a server asks beyond this is a denial of service (Kafka's own limit is 16,384). */
const MAX_ITERATIONS = 16_384;

/** `=` and `,` are escaped in a SCRAM user name. */
const saslName = (name: string): string => name.replace(/=/g, '=3D').replace(/,/g, '=2C');

const hmac = (hash: ScramHash, key: Buffer, text: string): Buffer => createHmac(hash, key).update(text).digest();

export class ScramClient {
  private readonly clientFirstBare: string;
  private saltedPassword: Buffer | null = null;
  private authMessage = '';

  constructor(
    private readonly hash: ScramHash,
    username: string,
    private readonly password: string,
    private readonly nonce = randomBytes(24).toString('base64'),
  ) {
    this.clientFirstBare = `n=${saslName(username)},r=${this.nonce}`;
  }

  /** The first message (no channel binding, no authorization id). */
  clientFirst(): string {
    return `n,,${this.clientFirstBare}`;
  }

  /** The proof for the server's first message; throws when that message is not a valid challenge. */
  clientFinal(serverFirst: string): string {
    const fields = new Map(serverFirst.split(',').map((f) => [f.slice(0, 1), f.slice(2)] as const));
    const nonce = fields.get('r');
    const salt = fields.get('s');
    const iterations = Number(fields.get('i'));
    if (!nonce || !nonce.startsWith(this.nonce) || nonce.length <= this.nonce.length) throw new Error('SCRAM: the server nonce does not extend ours');
    if (!salt) throw new Error('SCRAM: no salt from the server');
    if (!Number.isInteger(iterations) || iterations < 1 || iterations > MAX_ITERATIONS) throw new Error(`SCRAM: ${fields.get('i')} iterations refused`);
    this.saltedPassword = pbkdf2Sync(this.password, Buffer.from(salt, 'base64'), iterations, KEY_LENGTH[this.hash], this.hash);
    const withoutProof = `c=biws,r=${nonce}`;
    this.authMessage = `${this.clientFirstBare},${serverFirst},${withoutProof}`;
    const clientKey = hmac(this.hash, this.saltedPassword, 'Client Key');
    const storedKey = createHash(this.hash).update(clientKey).digest();
    const signature = hmac(this.hash, storedKey, this.authMessage);
    const proof = Buffer.from(clientKey.map((b, i) => b ^ signature[i]!));
    return `${withoutProof},p=${proof.toString('base64')}`;
  }

  /** Throws unless the server's final message proves it holds the password's keys. */
  verifyServerFinal(serverFinal: string): void {
    if (!this.saltedPassword) throw new Error('SCRAM: the server finished before the challenge');
    if (serverFinal.startsWith('e=')) throw new Error(`SCRAM: the server refused: ${serverFinal.slice(2)}`);
    const v = serverFinal.startsWith('v=') ? Buffer.from(serverFinal.slice(2), 'base64') : Buffer.alloc(0);
    const expected = hmac(this.hash, hmac(this.hash, this.saltedPassword, 'Server Key'), this.authMessage);
    if (v.length !== expected.length || !timingSafeEqual(v, expected)) throw new Error('SCRAM: the server signature does not match');
  }
}
