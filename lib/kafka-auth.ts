/**
 * How a Kafka client of ours proves who it is. One set of environment variables for every
 * process (gateway, simulator, tools; the Flink runner reads the same names, per job):
 *
 *   KAFKA_SASL_USERNAME, KAFKA_SASL_PASSWORD   the principal's credentials (both or neither)
 *   KAFKA_SASL_MECHANISM                       SCRAM-SHA-512 (default), SCRAM-SHA-256 or PLAIN
 *   KAFKA_SECURITY_PROTOCOL                    SASL_PLAINTEXT (default with credentials),
 *                                              SASL_SSL, SSL or PLAINTEXT (default without)
 *
 * The local stack generates a principal per service and sets these for each (see
 * pipeline/stack/kafka-credentials.ts); against an external cluster they are the operator's.
 */
export const saslMechanisms = ['SCRAM-SHA-512', 'SCRAM-SHA-256', 'PLAIN'] as const;
export type SaslMechanism = (typeof saslMechanisms)[number];
export const securityProtocols = ['PLAINTEXT', 'SASL_PLAINTEXT', 'SASL_SSL', 'SSL'] as const;
export type SecurityProtocol = (typeof securityProtocols)[number];

export interface KafkaCredentials {
  readonly mechanism: SaslMechanism;
  readonly username: string;
  readonly password: string;
}

/** Everything a client needs to reach the cluster besides its brokers. */
export interface KafkaSecurity {
  readonly protocol: SecurityProtocol;
  /** Null on PLAINTEXT and SSL. */
  readonly sasl: KafkaCredentials | null;
}

export const PLAINTEXT: KafkaSecurity = { protocol: 'PLAINTEXT', sasl: null };

/** The environment variables this module reads. */
export const kafkaSecurityEnvironment = ['KAFKA_SASL_USERNAME', 'KAFKA_SASL_PASSWORD', 'KAFKA_SASL_MECHANISM', 'KAFKA_SECURITY_PROTOCOL'] as const;

/** Reads the variables above; throws naming what is wrong (never the password). */
export function kafkaSecurityFromEnv(env: Readonly<Record<string, string | undefined>>): KafkaSecurity {
  const username = env.KAFKA_SASL_USERNAME || undefined;
  const password = env.KAFKA_SASL_PASSWORD || undefined;
  if ((username === undefined) !== (password === undefined)) {
    throw new Error(`KAFKA_SASL_USERNAME and KAFKA_SASL_PASSWORD go together: only ${username === undefined ? 'the password' : 'the user name'} is set`);
  }
  const mechanism = (env.KAFKA_SASL_MECHANISM || 'SCRAM-SHA-512').toUpperCase();
  if (!(saslMechanisms as readonly string[]).includes(mechanism)) {
    throw new Error(`KAFKA_SASL_MECHANISM "${env.KAFKA_SASL_MECHANISM}" is not one of ${saslMechanisms.join(', ')}`);
  }
  const protocol = (env.KAFKA_SECURITY_PROTOCOL || (username ? 'SASL_PLAINTEXT' : 'PLAINTEXT')).toUpperCase();
  if (!(securityProtocols as readonly string[]).includes(protocol)) {
    throw new Error(`KAFKA_SECURITY_PROTOCOL "${env.KAFKA_SECURITY_PROTOCOL}" is not one of ${securityProtocols.join(', ')}`);
  }
  const usesSasl = protocol.startsWith('SASL_');
  if (usesSasl && !username) throw new Error(`KAFKA_SECURITY_PROTOCOL ${protocol} needs KAFKA_SASL_USERNAME and KAFKA_SASL_PASSWORD`);
  if (!usesSasl && username) throw new Error(`KAFKA_SASL_USERNAME is set but KAFKA_SECURITY_PROTOCOL ${protocol} sends no credentials (use SASL_PLAINTEXT or SASL_SSL)`);
  return {
    protocol: protocol as SecurityProtocol,
    sasl: usesSasl ? { mechanism: mechanism as SaslMechanism, username: username!, password: password! } : null,
  };
}

/**
 * A Java client's or broker's `sasl.jaas.config` line for these credentials (`extra`: more
 * options, such as a PLAIN listener's `user_<name>="…"`). The Flink runner writes the same line
 * in Java (KafkaSecurity.java, for the jobs' tables).
 */
export function jaasConfig(sasl: KafkaCredentials, extra = ''): string {
  const module = sasl.mechanism === 'PLAIN' ? 'plain.PlainLoginModule' : 'scram.ScramLoginModule';
  return `org.apache.kafka.common.security.${module} required username="${jaasQuoted(sasl.username)}" password="${jaasQuoted(sasl.password)}"${extra};`;
}

/** JAAS quoted strings take backslash escapes. */
export function jaasQuoted(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/"/g, '\\"');
}

/** The variables that give a child process these credentials (inverse of kafkaSecurityFromEnv). */
export function kafkaSecurityEnv(security: KafkaSecurity): Record<string, string> {
  return {
    KAFKA_SECURITY_PROTOCOL: security.protocol,
    ...(security.sasl
      ? { KAFKA_SASL_MECHANISM: security.sasl.mechanism, KAFKA_SASL_USERNAME: security.sasl.username, KAFKA_SASL_PASSWORD: security.sasl.password }
      : {}),
  };
}

type KafkajsSasl =
  | { mechanism: 'scram-sha-512'; username: string; password: string }
  | { mechanism: 'scram-sha-256'; username: string; password: string }
  | { mechanism: 'plain'; username: string; password: string };

/** The kafkajs client options for these credentials (`ssl`, `sasl`). */
export function kafkajsSecurity(security: KafkaSecurity): { ssl?: boolean; sasl?: KafkajsSasl } {
  const ssl = security.protocol === 'SSL' || security.protocol === 'SASL_SSL';
  const sasl = security.sasl;
  return {
    ...(ssl ? { ssl: true } : {}),
    ...(sasl ? { sasl: { mechanism: sasl.mechanism.toLowerCase(), username: sasl.username, password: sasl.password } as KafkajsSasl } : {}),
  };
}
