import { describe, expect, it } from 'vitest';
import { isRetriableKafkaError, kafkaLogCreator } from './kafka-client-log';

function capture() {
  const lines: string[] = [];
  const at = (level: string) => (obj: object, msg: string) => lines.push(`${level} ${msg} ${JSON.stringify(obj)}`);
  return { lines, logger: { error: at('error'), warn: at('warn'), info: at('info'), debug: at('debug') } };
}

describe('kafkaLogCreator', () => {
  it('keeps real errors as errors, with the fields kafkajs gave', () => {
    const { lines, logger } = capture();
    kafkaLogCreator(logger)()({ namespace: 'Connection', level: 1, log: { message: 'Connection error', error: 'ECONNREFUSED', broker: 'b:1', timestamp: 't', logger: 'kafkajs' } });
    expect(lines).toEqual(['error Connection error {"kafka":"Connection","error":"ECONNREFUSED","broker":"b:1"}']);
  });

  it('demotes retriable coordinator answers to debug', () => {
    const { lines, logger } = capture();
    kafkaLogCreator(logger)()({ namespace: 'Connection', level: 1, log: { message: 'Response', error: "The coordinator is loading and hence can't process requests" } });
    expect(lines[0]).toMatch(/^debug /);
  });

  it("demotes a seeking consumer's pause/resume lines to debug", () => {
    const { lines, logger } = capture();
    kafkaLogCreator(logger)()({ namespace: 'ConsumerGroup', level: 4, log: { message: 'Pausing fetching from 1 topics' } });
    kafkaLogCreator(logger)()({ namespace: 'ConsumerGroup', level: 4, log: { message: 'Consumer has joined the group' } });
    expect(lines.map((l) => l.split(' ')[0])).toEqual(['debug', 'info']);
  });

  it.each([
    [2, 'warn'],
    [4, 'info'],
    [5, 'debug'],
  ])('maps kafkajs level %i to %s', (level, name) => {
    const { lines, logger } = capture();
    kafkaLogCreator(logger)()({ namespace: 'x', level, log: { message: 'm' } });
    expect(lines[0]!.startsWith(name)).toBe(true);
  });

  it('recognises retriable errors only', () => {
    expect(isRetriableKafkaError('The group coordinator is not available')).toBe(true);
    expect(isRetriableKafkaError('Topic authorization failed')).toBe(false);
    expect(isRetriableKafkaError(undefined)).toBe(false);
  });
});
