import { describe, expect, it } from 'vitest';
import { parseBrokerList } from './kafka-brokers';

describe('parseBrokerList', () => {
  it.each([
    ['127.0.0.1:9092', ['127.0.0.1:9092']],
    [' kafka-1:9092 , kafka-2.internal:9093 ', ['kafka-1:9092', 'kafka-2.internal:9093']],
    ['[::1]:9092', ['[::1]:9092']],
    ['a:1,', ['a:1']],
  ])('accepts %j', (input, expected) => {
    expect(parseBrokerList(input)).toEqual(expected);
  });

  it.each([
    ['', /empty/],
    ['localhost', /"localhost" is not host:port/],
    ['host:0', /"host:0" is not host:port/],
    ['host:70000', /"host:70000"/],
    ['a:1,b', /"b" is not host:port/],
    ['http://a:9092', /"http:\/\/a:9092"/],
  ])('rejects %j naming the bad entry', (input, message) => {
    expect(() => parseBrokerList(input)).toThrow(message);
  });
});
