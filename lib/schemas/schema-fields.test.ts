import { describe, expect, it } from 'vitest';
import { jsonSchemaOf } from './registry';
import { schemaFields } from './schema-fields';

describe('schemaFields', () => {
  it('lists a record schema for people: type, required, rules', () => {
    const fields = schemaFields(jsonSchemaOf('DriverPosition'));
    expect(fields.find((f) => f.path === 'lat')).toEqual({ path: 'lat', type: 'number', required: true, rules: '≥ -90, ≤ 90' });
    expect(fields.find((f) => f.path === 'status')).toMatchObject({ required: true, rules: 'one of "idle", "en_route", "on_trip", "offline"' });
    expect(fields.find((f) => f.path === 'headingDeg')).toEqual({ path: 'headingDeg', type: 'number | null', required: false, rules: '≥ 0, < 360' });
    expect(fields.find((f) => f.path === 'ts')).toEqual({ path: 'ts', type: 'integer', required: true, rules: '> 0' });
  });

  it('merges the variants of a union and its parts', () => {
    const paths = schemaFields(jsonSchemaOf('AlertAction')).map((f) => f.path);
    for (const p of ['actionId', 'alertId', 'type', 'assignee', 'resolution', 'text', 'by', 'at']) expect(paths).toContain(p);
    expect(new Set(paths).size).toBe(paths.length);
  });
});
