import type { JsonSchema } from './compatibility';

export interface SchemaField {
  readonly path: string;
  readonly type: string;
  readonly required: boolean;
  /** Bounds, enum values, pattern: what a record must satisfy beyond its type. */
  readonly rules: string;
}

/** The fields of an object schema (nested objects flattened as a.b), for people to read. */
export function schemaFields(schema: JsonSchema, prefix = ''): SchemaField[] {
  const parts = (schema.allOf ?? schema.anyOf ?? schema.oneOf) as JsonSchema[] | undefined;
  if (parts && !schema.properties) {
    const seen = new Map<string, SchemaField>();
    for (const p of parts) for (const f of schemaFields(p, prefix)) if (!seen.has(f.path)) seen.set(f.path, f);
    return [...seen.values()];
  }
  const props = (schema.properties ?? {}) as Record<string, JsonSchema>;
  const required = new Set((schema.required ?? []) as string[]);
  return Object.entries(props).flatMap(([key, s]) => {
    const path = prefix ? `${prefix}.${key}` : key;
    const nested = s.properties ? schemaFields(s, path) : [];
    return [{ path, type: typeOf(s), required: required.has(key), rules: rulesOf(s) }, ...nested];
  });
}

function typeOf(s: JsonSchema): string {
  const alts = (s.anyOf ?? s.oneOf) as JsonSchema[] | undefined;
  if (alts) return alts.map(typeOf).join(' | ');
  if (s.const !== undefined) return JSON.stringify(s.const);
  if (s.type === 'array') return `${typeOf((s.items ?? {}) as JsonSchema)}[]`;
  return Array.isArray(s.type) ? s.type.join(' | ') : String(s.type ?? 'any');
}

function rulesOf(s: JsonSchema): string {
  const alts = (s.anyOf ?? s.oneOf) as JsonSchema[] | undefined;
  if (alts) return alts.map(rulesOf).filter(Boolean).join('; ');
  const rules: string[] = [];
  if (Array.isArray(s.enum)) rules.push(`one of ${(s.enum as unknown[]).map((v) => JSON.stringify(v)).join(', ')}`);
  // zod writes the safe-integer range on every int: not worth showing.
  const shown = (v: unknown) => typeof v === 'number' && Math.abs(v) < Number.MAX_SAFE_INTEGER;
  if (shown(s.minimum)) rules.push(`≥ ${s.minimum}`);
  if (shown(s.exclusiveMinimum)) rules.push(`> ${s.exclusiveMinimum}`);
  if (shown(s.maximum)) rules.push(`≤ ${s.maximum}`);
  if (shown(s.exclusiveMaximum)) rules.push(`< ${s.exclusiveMaximum}`);
  if (s.minLength !== undefined) rules.push(`length ≥ ${s.minLength}`);
  if (s.maxLength !== undefined) rules.push(`length ≤ ${s.maxLength}`);
  if (s.minItems !== undefined) rules.push(`≥ ${s.minItems} items`);
  if (s.maxItems !== undefined) rules.push(`≤ ${s.maxItems} items`);
  if (s.pattern !== undefined) rules.push(`matches ${s.pattern}`);
  if (s.format !== undefined) rules.push(String(s.format));
  return rules.join(', ');
}
