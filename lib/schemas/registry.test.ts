import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { topics } from '../topics';
import { backwardIncompatibilities, type JsonSchema } from './compatibility';
import { byteFormats, jsonSchemaOf, schemaFileName, schemaRegistry, type SchemaName } from './registry';

const dir = new URL('./registry/', import.meta.url);
const published = (name: string): number[] =>
  readdirSync(dir)
    .map((f) => new RegExp(`^${name}\\.v(\\d+)\\.json$`).exec(f)?.[1])
    .filter((v): v is string => v !== undefined)
    .map(Number)
    .sort((a, b) => a - b);
const read = (name: string, version: number) => JSON.parse(readFileSync(new URL(schemaFileName(name, version), dir), 'utf8')) as JsonSchema;

describe('schema registry', () => {
  it('has a schema for every topic that carries JSON records', () => {
    for (const t of Object.values(topics)) {
      expect(t.valueSchema in schemaRegistry || (byteFormats as readonly string[]).includes(t.valueSchema), `${t.name}: ${t.valueSchema}`).toBe(true);
    }
  });

  describe.each(Object.keys(schemaRegistry) as SchemaName[])('%s', (name) => {
    const { version } = schemaRegistry[name];

    it('is published as its current version, unchanged (a change needs a new version: npm run schemas:write)', () => {
      expect(existsSync(new URL(schemaFileName(name, version), dir)), `${schemaFileName(name, version)} missing: run npm run schemas:write`).toBe(true);
      expect(jsonSchemaOf(name)).toEqual(read(name, version));
    });

    it('reads every record an older version wrote', () => {
      for (const older of published(name).filter((v) => v < version)) {
        expect(backwardIncompatibilities(read(name, older), jsonSchemaOf(name)), `v${older} → v${version}`).toEqual([]);
      }
    });
  });
});
