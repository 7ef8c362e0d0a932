/**
 * Backward compatibility between two versions of a topic's record schema (JSON Schema, as
 * exported from zod for the reading side): can a reader built for the NEW version read every
 * record written under the OLD one? Records stay on topics for days and compacted topics keep
 * old records for ever, so a new reader must. Each finding names the path and what broke.
 *
 * Judged as zod parses (unknown fields are stripped, so removing a field is compatible).
 * Combinators are compared conservatively: a change the rules cannot prove safe is reported.
 */
export type JsonSchema = { readonly [key: string]: unknown };

export function backwardIncompatibilities(older: JsonSchema, newer: JsonSchema, path = '$'): string[] {
  const oldAlts = alternatives(older);
  const newAlts = alternatives(newer);
  if (oldAlts.length > 1 || newAlts.length > 1) {
    // Every shape old data can take must still be readable by some new alternative.
    return oldAlts.flatMap((o, i) => {
      const fits = newAlts.map((n) => backwardIncompatibilities(o, n, path));
      if (fits.some((f) => f.length === 0)) return [];
      return newAlts.length === 1 ? fits[0]! : [`${path}: old alternative ${i + 1} is not accepted by any new alternative`];
    });
  }
  return compareSingle(older, newer, path);
}

/** anyOf / oneOf branches (zod's nullable and unions), or the schema itself. */
function alternatives(s: JsonSchema): JsonSchema[] {
  const alts = (s.anyOf ?? s.oneOf) as JsonSchema[] | undefined;
  return alts && alts.length > 0 ? alts.flatMap(alternatives) : [s];
}

function compareSingle(o: JsonSchema, n: JsonSchema, path: string): string[] {
  const found: string[] = [];
  if (Array.isArray(o.allOf) || Array.isArray(n.allOf)) {
    const [oa, na] = [(o.allOf ?? [o]) as JsonSchema[], (n.allOf ?? [n]) as JsonSchema[]];
    if (oa.length !== na.length) return [`${path}: allOf changed from ${oa.length} to ${na.length} parts`];
    return oa.flatMap((part, i) => backwardIncompatibilities(part, na[i]!, `${path}.allOf[${i}]`));
  }
  const oldTypes = types(o);
  const newTypes = types(n);
  if (newTypes !== null) {
    if (oldTypes === null) found.push(`${path}: now restricted to ${[...newTypes].join('|')}`);
    else for (const t of oldTypes) if (!newTypes.has(t) && !(t === 'integer' && newTypes.has('number'))) found.push(`${path}: type ${t} no longer accepted (now ${[...newTypes].join('|')})`);
  }
  if (n.const !== undefined && n.const !== o.const) found.push(`${path}: must now be ${JSON.stringify(n.const)}`);
  if (Array.isArray(n.enum)) {
    const allowed = new Set(n.enum as unknown[]);
    const old = Array.isArray(o.enum) ? (o.enum as unknown[]) : o.const !== undefined ? [o.const] : null;
    if (old === null) found.push(`${path}: now limited to ${JSON.stringify(n.enum)}`);
    else for (const v of old) if (!allowed.has(v)) found.push(`${path}: value ${JSON.stringify(v)} no longer allowed`);
  }
  found.push(...tightened(o, n, path));
  if (n.pattern !== undefined && n.pattern !== o.pattern) found.push(`${path}: pattern changed to ${String(n.pattern)}`);
  if (n.format !== undefined && n.format !== o.format) found.push(`${path}: format changed to ${String(n.format)}`);

  const oldProps = (o.properties ?? {}) as Record<string, JsonSchema>;
  const newProps = (n.properties ?? {}) as Record<string, JsonSchema>;
  const oldRequired = new Set((o.required ?? []) as string[]);
  for (const key of (n.required ?? []) as string[]) {
    if (!oldRequired.has(key)) found.push(`${path}.${key}: now required, but old records may lack it`);
  }
  for (const [key, schema] of Object.entries(newProps)) {
    if (oldProps[key]) found.push(...backwardIncompatibilities(oldProps[key], schema, `${path}.${key}`));
  }
  if (o.items && n.items) found.push(...backwardIncompatibilities(o.items as JsonSchema, n.items as JsonSchema, `${path}[]`));
  return found;
}

function types(s: JsonSchema): Set<string> | null {
  if (s.type === undefined) return null;
  return new Set(Array.isArray(s.type) ? (s.type as string[]) : [s.type as string]);
}

/** Lower bounds that rose and upper bounds that fell. */
function tightened(o: JsonSchema, n: JsonSchema, path: string): string[] {
  const found: string[] = [];
  const lower = ['minimum', 'exclusiveMinimum', 'minLength', 'minItems'] as const;
  const upper = ['maximum', 'exclusiveMaximum', 'maxLength', 'maxItems'] as const;
  for (const k of lower) {
    const [a, b] = [o[k] as number | undefined, n[k] as number | undefined];
    if (b !== undefined && (a === undefined || b > a)) found.push(`${path}: ${k} raised to ${b}${a === undefined ? '' : ` from ${a}`}`);
  }
  for (const k of upper) {
    const [a, b] = [o[k] as number | undefined, n[k] as number | undefined];
    if (b !== undefined && (a === undefined || b < a)) found.push(`${path}: ${k} lowered to ${b}${a === undefined ? '' : ` from ${a}`}`);
  }
  return found;
}
