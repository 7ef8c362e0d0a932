import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { jsonSchemaOf, schemaFileName, schemaRegistry, type SchemaName } from '../lib/schemas/registry';

/**
 * Writes each schema's current version to lib/schemas/registry/. A version already written is
 * never overwritten: a changed schema needs a new version number in lib/schemas/registry.ts.
 */
const dir = fileURLToPath(new URL('../lib/schemas/registry/', import.meta.url));
let refused = 0;
for (const name of Object.keys(schemaRegistry) as SchemaName[]) {
  const file = `${dir}${schemaFileName(name, schemaRegistry[name].version)}`;
  const text = `${JSON.stringify(jsonSchemaOf(name), null, 2)}\n`;
  if (!existsSync(file)) {
    writeFileSync(file, text);
    console.log(`wrote ${file}`);
  } else if (readFileSync(file, 'utf8') !== text) {
    refused++;
    console.error(`${name} v${schemaRegistry[name].version} is already published and differs: give the change a new version in lib/schemas/registry.ts`);
  }
}
process.exit(refused > 0 ? 1 : 0);
