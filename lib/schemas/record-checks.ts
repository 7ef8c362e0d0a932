import type { z } from 'zod';
import type { JsonSchema } from './compatibility';

/**
 * What makes a raw record valid, defined once: the zod schema in lib/schemas. The Flink jobs
 * do not restate it; they run the SQL CASE expression built here from the schema's exported
 * JSON Schema, so a new constraint reaches TypeScript and Flink together, and a construct the
 * builder cannot translate faithfully fails the build instead of being skipped.
 *
 * A verdict's *reason class* is the field whose check failed first, in the schema's field
 * order (zod reports issues in that order too), or `record` when the bytes are not one JSON
 * object. The reason text adds which check failed, for the dead-letter header.
 */

/** Event-time bound: a record dated further ahead of the clock than this is refused. */
export interface EventTimeBound {
  readonly field: string;
  readonly maxFutureMs: number;
}

export type Verdict = { readonly ok: true } | { readonly ok: false; readonly reasonClass: string };

/** The class of a reason text as the jobs write it: its first word. */
export function reasonClassOf(reason: string): string {
  return reason === 'empty record' || reason === 'not a JSON object' ? 'record' : reason.split(' ')[0]!;
}

/** How TypeScript judges raw bytes: strict UTF-8, one JSON value (as JSON.parse reads it), the zod schema, the event-time bound. */
export function recordVerdict(schema: z.ZodType, bytes: Uint8Array | null, now: number, bound?: EventTimeBound): Verdict {
  if (bytes === null) return { ok: false, reasonClass: 'record' };
  let value: unknown;
  try {
    value = JSON.parse(new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes));
  } catch {
    return { ok: false, reasonClass: 'record' };
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return { ok: false, reasonClass: 'record' };
  const parsed = schema.safeParse(value);
  if (!parsed.success) {
    const field = parsed.error.issues[0]?.path[0];
    return { ok: false, reasonClass: typeof field === 'string' ? field : 'record' };
  }
  if (bound && (parsed.data as Record<string, number>)[bound.field]! > now + bound.maxFutureMs) return { ok: false, reasonClass: bound.field };
  return { ok: true };
}

/** Every keyword a property may carry; anything else stops the build rather than go unchecked. */
const understood = new Set(['type', 'minLength', 'maxLength', 'pattern', 'enum', 'minimum', 'maximum', 'exclusiveMinimum', 'exclusiveMaximum', 'description']);

/**
 * The SQL that gives a raw record's reason, or NULL when it is valid, for a record whose bytes
 * are in column `payload`. It reads fields through the runner's typed JSON functions
 * (udf/SqlFunctions.java), which parse as JSON.parse does.
 */
export function sqlRecordReason(schema: JsonSchema, payload = 'payload', bound?: EventTimeBound): string {
  if (schema.type !== 'object' || typeof schema.properties !== 'object' || schema.properties === null) throw new Error('record checks: the schema must be an object with properties');
  if (schema.additionalProperties === false) throw new Error('record checks: strict objects (additionalProperties: false) are not translated');
  const required = new Set((schema.required as string[] | undefined) ?? []);
  const when: [string, string][] = [
    [`${payload} IS NULL`, 'empty record'],
    [`NOT json_object_check(${payload})`, 'not a JSON object'],
  ];
  for (const [field, property] of Object.entries(schema.properties as Record<string, JsonSchema>)) {
    when.push(...fieldChecks(field, property, required.has(field), payload));
  }
  if (bound) {
    if (!required.has(bound.field)) throw new Error(`record checks: the event-time field ${bound.field} must be required`);
    when.push([`json_number(${payload}, ${literal(bound.field)}) > now_millis() + ${bound.maxFutureMs}`, `${bound.field} more than ${bound.maxFutureMs / 1000} s ahead of the clock`]);
  }
  return ['CASE', ...when.map(([c, r]) => `  WHEN ${c} THEN ${literal(r)}`), '  ELSE CAST(NULL AS STRING)', 'END'].join('\n');
}

function fieldChecks(field: string, p: JsonSchema, required: boolean, payload: string): [string, string][] {
  if (!/^[A-Za-z][A-Za-z0-9_]*$/.test(field)) throw new Error(`record checks: field name ${JSON.stringify(field)} is not translated`);
  const unknown = Object.keys(p).filter((k) => !understood.has(k));
  if (unknown.length > 0) throw new Error(`record checks: ${field} uses ${unknown.join(', ')}, which the SQL builder does not translate`);
  const name = literal(field);
  // An optional field may be absent; present with the wrong type (null included) it is refused, as zod does.
  const typeFailed = (read: string): string => (required ? `${read} IS NULL` : `json_has(${payload}, ${name}) AND ${read} IS NULL`);
  const checks: [string, string][] = [];
  if (p.type === 'string') {
    const v = `json_string(${payload}, ${name})`;
    checks.push([typeFailed(v), `${field} missing or not a string`]);
    // CHAR_LENGTH counts UTF-16 code units, as zod's min/max do (JSON Schema would count code points).
    if (typeof p.minLength === 'number') checks.push([`CHAR_LENGTH(${v}) < ${p.minLength}`, p.minLength === 1 ? `${field} empty` : `${field} shorter than ${p.minLength}`]);
    if (typeof p.maxLength === 'number') checks.push([`CHAR_LENGTH(${v}) > ${p.maxLength}`, `${field} longer than ${p.maxLength}`]);
    if (typeof p.pattern === 'string') checks.push([`NOT full_match(${v}, ${literal(anchoredBody(field, p.pattern))})`, `${field} not matching ${p.pattern}`]);
    if (Array.isArray(p.enum)) checks.push([`${v} NOT IN (${p.enum.map((e) => literal(String(e))).join(', ')})`, `${field} not one of ${p.enum.join(', ')}`]);
  } else if (p.type === 'number' || p.type === 'integer') {
    const v = `json_number(${payload}, ${name})`;
    checks.push([typeFailed(v), `${field} missing or not a number`]);
    if (p.type === 'integer') checks.push([`${v} <> FLOOR(${v})`, `${field} not a whole number`]);
    if (typeof p.minimum === 'number') checks.push([`${v} < ${number(p.minimum)}`, `${field} below ${p.minimum}`]);
    if (typeof p.exclusiveMinimum === 'number') checks.push([`${v} <= ${number(p.exclusiveMinimum)}`, `${field} not above ${p.exclusiveMinimum}`]);
    if (typeof p.maximum === 'number') checks.push([`${v} > ${number(p.maximum)}`, `${field} above ${p.maximum}`]);
    if (typeof p.exclusiveMaximum === 'number') checks.push([`${v} >= ${number(p.exclusiveMaximum)}`, `${field} not below ${p.exclusiveMaximum}`]);
    if (p.enum !== undefined || p.pattern !== undefined) throw new Error(`record checks: ${field}: enum or pattern on a number is not translated`);
  } else {
    throw new Error(`record checks: ${field} has type ${JSON.stringify(p.type)}, which the SQL builder does not translate`);
  }
  return checks;
}

/**
 * The part of an anchored pattern between ^ and $, matched against the whole string in Java.
 * Only a plain subset is accepted (\d, classes of letters and digits, quantifiers), where
 * JavaScript and java.util.regex agree; Flink's REGEXP would let "$" match before a final line
 * break, which JavaScript's does not.
 */
function anchoredBody(field: string, pattern: string): string {
  const body = /^\^(.*)\$$/.exec(pattern)?.[1];
  if (body === undefined || !/^(\\d|\[[A-Za-z0-9-]+\]|[A-Za-z0-9_-]|\{\d+(,\d*)?\}|[+*?])+$/.test(body)) {
    throw new Error(`record checks: ${field}'s pattern ${pattern} is outside the subset translated to SQL (anchored; \\d, [A-Za-z0-9-] classes, quantifiers)`);
  }
  return body;
}

function literal(s: string): string {
  return `'${s.replaceAll("'", "''")}'`;
}

/** A number as a SQL DOUBLE: exact for the bounds the schemas use (safe integers, short decimals). */
function number(n: number): string {
  const text = String(n);
  if (!/^-?\d+(\.\d+)?$/.test(text)) throw new Error(`record checks: bound ${text} has no plain SQL literal`);
  return `CAST(${text} AS DOUBLE)`;
}
