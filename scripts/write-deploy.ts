import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { generatedManifests } from '../deploy/manifests';

/** Writes deploy/kubernetes/generated/ from the topic catalog and the Flink jobs (see deploy/manifests.ts). */
const dir = fileURLToPath(new URL('../deploy/kubernetes/', import.meta.url));
for (const [file, text] of Object.entries(generatedManifests())) {
  writeFileSync(`${dir}${file}`, text);
  console.log(`wrote deploy/kubernetes/${file}`);
}
