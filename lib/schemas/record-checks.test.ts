import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { recordVerdict, reasonClassOf, sqlRecordReason } from './record-checks';
import { jsonSchemaOf } from './registry';

const bytes = (v: unknown): Uint8Array => new TextEncoder().encode(JSON.stringify(v));
const Ping = z.object({ id: z.string().min(1).max(4), code: z.string().regex(/^[A-Z]{2}$/), n: z.number().min(0).max(9).optional(), ts: z.number().int().positive() });

describe('recordVerdict', () => {
  const now = 1_800_000_000_000;
  const bound = { field: 'ts', maxFutureMs: 300_000 };

  it('names the first failing field in schema order, or record when the bytes are not one JSON object', () => {
    expect(recordVerdict(Ping, bytes({ id: 'a', code: 'IN', ts: 1 }), now, bound)).toEqual({ ok: true });
    expect(recordVerdict(Ping, bytes({ id: '', code: 'in', ts: 0 }), now, bound)).toEqual({ ok: false, reasonClass: 'id' });
    expect(recordVerdict(Ping, bytes({ id: 'a', code: 'IN\n', ts: 1 }), now, bound)).toEqual({ ok: false, reasonClass: 'code' });
    expect(recordVerdict(Ping, bytes({ id: 'a', code: 'IN', n: null, ts: 1 }), now, bound)).toEqual({ ok: false, reasonClass: 'n' });
    for (const bad of [null, new Uint8Array([0xff]), new TextEncoder().encode('[1]'), new TextEncoder().encode('\ufeff{}'), new TextEncoder().encode('{} {}')]) {
      expect(recordVerdict(Ping, bad, now, bound)).toEqual({ ok: false, reasonClass: 'record' });
    }
  });

  it('refuses an event time beyond the bound ahead of the clock, and only then', () => {
    expect(recordVerdict(Ping, bytes({ id: 'a', code: 'IN', ts: now + 300_000 }), now, bound).ok).toBe(true);
    expect(recordVerdict(Ping, bytes({ id: 'a', code: 'IN', ts: now + 300_001 }), now, bound)).toEqual({ ok: false, reasonClass: 'ts' });
  });
});

describe('sqlRecordReason', () => {
  it('checks patterns over the whole string (not REGEXP, whose $ matches before a final line break) and every field in schema order', () => {
    const sql = sqlRecordReason(jsonSchemaOf('Payment'));
    expect(sql).not.toMatch(/REGEXP/);
    expect(sql).toContain(`full_match(json_string(payload, 'cardNumber'), '\\d{12,19}')`);
    const fields = [...sql.matchAll(/THEN '([^']+)'/g)].map((m) => reasonClassOf(m[1]!)).filter((c) => c !== 'record');
    expect([...new Set(fields)]).toEqual(Object.keys(jsonSchemaOf('Payment').properties as object));
  });

  it('gives each reason a class that names its field', () => {
    const reasons = [...sqlRecordReason(jsonSchemaOf('DriverLocation'), 'payload', { field: 'ts', maxFutureMs: 300_000 }).matchAll(/THEN '([^']+)'/g)].map((m) => m[1]!);
    expect(reasons.map(reasonClassOf)).toEqual(expect.arrayContaining(['record', 'driverId', 'lat', 'lon', 'status', 'headingDeg', 'speedKmh', 'ts']));
    expect(reasons).toContain('ts more than 300 s ahead of the clock');
  });

  it('stops on what it cannot translate faithfully rather than skip a check', () => {
    const props = (p: object) => ({ type: 'object', properties: { f: p }, required: ['f'] });
    expect(() => sqlRecordReason(props({ type: 'string', format: 'email' }))).toThrow(/format/);
    expect(() => sqlRecordReason(props({ type: 'string', pattern: '^a.b$' }))).toThrow(/subset/);
    expect(() => sqlRecordReason(props({ type: 'string', pattern: 'ab' }))).toThrow(/subset/);
    expect(() => sqlRecordReason(props({ anyOf: [{ type: 'string' }, { type: 'null' }] }))).toThrow(/anyOf/);
    expect(() => sqlRecordReason(props({ type: 'boolean' }))).toThrow(/type "boolean"/);
    expect(() => sqlRecordReason({ ...props({ type: 'string' }), additionalProperties: false })).toThrow(/strict/);
    expect(() => sqlRecordReason(props({ type: 'number', maximum: 1e21 }))).toThrow(/literal/);
  });

  it('quotes what it writes into SQL literals', () => {
    const sql = sqlRecordReason({ type: 'object', properties: { f: { type: 'string', enum: ["it's"] } }, required: ['f'] });
    expect(sql).toContain(`NOT IN ('it''s')`);
  });
});
