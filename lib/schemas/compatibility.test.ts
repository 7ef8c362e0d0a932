import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { backwardIncompatibilities, type JsonSchema } from './compatibility';

const obj = (properties: Record<string, JsonSchema>, required: string[] = []): JsonSchema => ({ type: 'object', properties, required });
const num = (extra: JsonSchema = {}): JsonSchema => ({ type: 'number', ...extra });
const str = (extra: JsonSchema = {}): JsonSchema => ({ type: 'string', ...extra });
const nullable = (s: JsonSchema): JsonSchema => ({ anyOf: [s, { type: 'null' }] });

describe('backward compatibility', () => {
  it.each<[string, JsonSchema, JsonSchema]>([
    ['an optional field added', obj({ a: str() }, ['a']), obj({ a: str(), b: num() }, ['a'])],
    ['a field removed (readers strip unknown fields)', obj({ a: str(), b: num() }, ['a', 'b']), obj({ a: str() }, ['a'])],
    ['a required field made optional', obj({ a: str() }, ['a']), obj({ a: str() })],
    ['integer widened to number', obj({ n: { type: 'integer' } }), obj({ n: num() })],
    ['a field made nullable', obj({ n: num() }), obj({ n: nullable(num()) })],
    ['an enum value added', obj({ s: str({ enum: ['a'] }) }), obj({ s: str({ enum: ['a', 'b'] }) })],
    ['bounds relaxed', obj({ n: num({ minimum: 0, maximum: 10 }) }), obj({ n: num({ minimum: -5, maximum: 20 }) })],
  ])('accepts %s', (_what, older, newer) => {
    expect(backwardIncompatibilities(older, newer)).toEqual([]);
  });

  it.each<[string, JsonSchema, JsonSchema, RegExp]>([
    ['a new required field', obj({ a: str() }, ['a']), obj({ a: str(), b: num() }, ['a', 'b']), /\$\.b: now required/],
    ['a type change', obj({ n: num() }), obj({ n: str() }), /\$\.n: type number no longer accepted/],
    ['number narrowed to integer', obj({ n: num() }), obj({ n: { type: 'integer' } }), /type number no longer accepted/],
    ['nullability removed', obj({ n: nullable(num()) }), obj({ n: num() }), /\$\.n: type null no longer accepted/],
    ['an enum value removed', obj({ s: str({ enum: ['a', 'b'] }) }), obj({ s: str({ enum: ['a'] }) }), /value "b" no longer allowed/],
    ['a tighter maximum', obj({ n: num({ maximum: 10 }) }), obj({ n: num({ maximum: 5 }) }), /maximum lowered to 5 from 10/],
    ['a new minimum length', obj({ s: str() }), obj({ s: str({ minLength: 3 }) }), /minLength raised to 3/],
    ['a new pattern', obj({ s: str() }), obj({ s: str({ pattern: '^\\d+$' }) }), /pattern changed/],
    ['a nested change', obj({ o: obj({ x: num() }) }), obj({ o: obj({ x: str() }) }), /\$\.o\.x: type number/],
    ['an array item change', obj({ l: { type: 'array', items: num() } }), obj({ l: { type: 'array', items: str() } }), /\$\.l\[\]: type number/],
  ])('rejects %s', (_what, older, newer, finding) => {
    const found = backwardIncompatibilities(older, newer);
    expect(found.join('\n')).toMatch(finding);
  });

  it('checks every variant of a union against the new union', () => {
    const v = (type: string, extra: Record<string, JsonSchema> = {}) => obj({ type: { type: 'string', const: type }, ...extra }, ['type']);
    expect(backwardIncompatibilities({ oneOf: [v('a'), v('b')] }, { oneOf: [v('a'), v('b'), v('c')] })).toEqual([]);
    expect(backwardIncompatibilities({ oneOf: [v('a'), v('b')] }, { oneOf: [v('a')] })).toEqual(['$.type: must now be "a"']);
    expect(backwardIncompatibilities({ oneOf: [v('a'), v('b')] }, { oneOf: [v('a'), v('c')] })).toEqual(['$: old alternative 2 is not accepted by any new alternative']);
  });

  it('catches the deliberately breaking DriverLocation v2 in the fixture', () => {
    const read = (f: string) => JSON.parse(readFileSync(new URL(f, import.meta.url), 'utf8')) as JsonSchema;
    const found = backwardIncompatibilities(read('./registry/DriverLocation.v1.json'), read('./fixtures/DriverLocation.v2-breaking.json'));
    expect([...found].sort()).toEqual([
      '$.headingDeg: now required, but old records may lack it',
      '$.lat: maximum lowered to 60 from 90',
      '$.status: value "offline" no longer allowed',
    ]);
  });
});
