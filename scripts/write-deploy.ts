import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { generatedManifests } from '../deploy/manifests';
import { prometheusRulesYaml } from '../deploy/prometheus-rules';

/**
 * Writes deploy/kubernetes/generated/ from the topic catalog and the Flink jobs (see
 * deploy/manifests.ts), and deploy/prometheus/ from the alerting rules (deploy/prometheus-rules.ts).
 */
const deploy = fileURLToPath(new URL('../deploy/', import.meta.url));
const files: Record<string, string> = {
  ...Object.fromEntries(Object.entries(generatedManifests()).map(([file, text]) => [`kubernetes/${file}`, text])),
  'prometheus/streamwatch-rules.yaml': prometheusRulesYaml(),
};
for (const [file, text] of Object.entries(files)) {
  writeFileSync(`${deploy}${file}`, text);
  console.log(`wrote deploy/${file}`);
}
