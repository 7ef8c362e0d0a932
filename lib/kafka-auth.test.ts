import { describe, expect, it } from 'vitest';
import { jaasConfig, kafkajsSecurity, kafkaSecurityEnv, kafkaSecurityFromEnv } from './kafka-auth';

describe('jaasConfig', () => {
  it('writes the line the Flink runner writes for the same credentials (KafkaSecurityTest)', () => {
    expect(jaasConfig({ mechanism: 'SCRAM-SHA-512', username: 'flink-dp', password: 'pw-dp' })).toBe(
      'org.apache.kafka.common.security.scram.ScramLoginModule required username="flink-dp" password="pw-dp";',
    );
    // KafkaSecurityTest's quoting case, before its SQL-literal doubling of the quote.
    expect(jaasConfig({ mechanism: 'PLAIN', username: "o'brien", password: 'a"b\\c' })).toBe(
      'org.apache.kafka.common.security.plain.PlainLoginModule required username="o\'brien" password="a\\"b\\\\c";',
    );
  });
});

describe('kafkaSecurityFromEnv', () => {
  it('is PLAINTEXT without credentials, SASL_PLAINTEXT and SCRAM-SHA-512 with them', () => {
    expect(kafkaSecurityFromEnv({})).toEqual({ protocol: 'PLAINTEXT', sasl: null });
    expect(kafkaSecurityFromEnv({ KAFKA_SASL_USERNAME: 'u', KAFKA_SASL_PASSWORD: 'p' })).toEqual({ protocol: 'SASL_PLAINTEXT', sasl: { mechanism: 'SCRAM-SHA-512', username: 'u', password: 'p' } });
    expect(kafkaSecurityFromEnv({ KAFKA_SASL_USERNAME: 'u', KAFKA_SASL_PASSWORD: 'p', KAFKA_SASL_MECHANISM: 'plain', KAFKA_SECURITY_PROTOCOL: 'sasl_ssl' })).toEqual({ protocol: 'SASL_SSL', sasl: { mechanism: 'PLAIN', username: 'u', password: 'p' } });
  });

  it.each([
    [{ KAFKA_SASL_USERNAME: 'u' }, /go together: only the user name/],
    [{ KAFKA_SASL_PASSWORD: 'secret-value' }, /go together: only the password/],
    [{ KAFKA_SASL_USERNAME: 'u', KAFKA_SASL_PASSWORD: 'p', KAFKA_SASL_MECHANISM: 'GSSAPI' }, /KAFKA_SASL_MECHANISM "GSSAPI"/],
    [{ KAFKA_SECURITY_PROTOCOL: 'SASL_SSL' }, /needs KAFKA_SASL_USERNAME/],
    [{ KAFKA_SASL_USERNAME: 'u', KAFKA_SASL_PASSWORD: 'p', KAFKA_SECURITY_PROTOCOL: 'SSL' }, /sends no credentials/],
    [{ KAFKA_SECURITY_PROTOCOL: 'TLS' }, /"TLS" is not one of/],
  ])('refuses %j, saying why and never the password', (env, message) => {
    expect(() => kafkaSecurityFromEnv(env)).toThrow(message);
    try {
      kafkaSecurityFromEnv(env);
    } catch (err) {
      expect((err as Error).message).not.toContain('secret-value');
    }
  });

  it('round-trips through a child process environment, and maps to kafkajs options', () => {
    const security = kafkaSecurityFromEnv({ KAFKA_SASL_USERNAME: 'u', KAFKA_SASL_PASSWORD: 'p', KAFKA_SECURITY_PROTOCOL: 'SASL_SSL' });
    expect(kafkaSecurityFromEnv(kafkaSecurityEnv(security))).toEqual(security);
    expect(kafkajsSecurity(security)).toEqual({ ssl: true, sasl: { mechanism: 'scram-sha-512', username: 'u', password: 'p' } });
    expect(kafkajsSecurity(kafkaSecurityFromEnv({}))).toEqual({});
  });
});
