import { describe, expect, it } from 'vitest';
import { Reader, Writer } from './group-protocol-client';

describe('the flexible-version wire types', () => {
  it('reads back what it writes: varints across byte boundaries, compact strings and arrays, tag buffers', () => {
    const values = [0, 1, 127, 128, 300, 16_383, 16_384, 2 ** 21, 2 ** 28 + 5];
    const w = new Writer();
    for (const v of values) w.uvarint(v);
    w.compactString('grüße').compactArray(['a', 'bc'], (x, s) => x.compactString(s)).int16(-2).int32(123_456_789).tags();
    const r = new Reader(w.bytes());
    expect(values.map(() => r.uvarint())).toEqual(values);
    expect(r.compactString()).toBe('grüße');
    const n = r.compactArrayLength();
    expect([n, r.compactString(), r.compactString()]).toEqual([2, 'a', 'bc']);
    expect([r.int16(), r.int32()]).toEqual([-2, 123_456_789]);
    r.tags();
  });

  it('encodes a compact string with its length plus one, and null as zero', () => {
    expect([...new Writer().compactString('ab').bytes()]).toEqual([3, 0x61, 0x62]);
    expect(new Reader(Buffer.from([0])).compactNullableString()).toBeNull();
  });

  it('skips tagged fields it does not know', () => {
    // Two tagged fields: tag 0 with 2 bytes, tag 5 with 1 byte; then an int16.
    const r = new Reader(Buffer.from([2, 0, 2, 0xaa, 0xbb, 5, 1, 0xcc, 0x00, 0x07]));
    r.tags();
    expect(r.int16()).toBe(7);
  });

  it('refuses a response that ends early', () => {
    expect(() => new Reader(Buffer.from([0, 1])).int32()).toThrow(/ended early/);
  });
});
