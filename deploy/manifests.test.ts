import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Ajv from 'ajv';
import { ConfigMap, Secret, Service } from 'kubernetes-models/v1';
import { Deployment } from 'kubernetes-models/apps/v1';
import { Ingress } from 'kubernetes-models/networking.k8s.io/v1';
import { parse, parseAllDocuments } from 'yaml';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { aclRules, jobCredentialVariables, principalOf, services } from '../lib/kafka-access';
import { flinkJobs } from '../lib/pipeline-jobs';
import { topics } from '../lib/topics';
import { gatewayEnvironment } from '../server/config';
import { generatedManifests } from './manifests';

/**
 * deploy/kubernetes checked offline: every document against its kind's schema (Kubernetes'
 * own via kubernetes-models, Strimzi's KafkaTopic, and the Flink operator's CRDs as its API jar
 * on Maven Central ships them), the generated files against the catalog they come from, and the
 * references between documents (config keys the gateway reads, secrets, services, probes).
 * What cannot be checked here: that an API server, Strimzi or the Flink operator accepts them
 * (no cluster), and that the images exist.
 */
const dir = fileURLToPath(new URL('./kubernetes/', import.meta.url));
type Doc = { apiVersion: string; kind: string; metadata: { name: string }; spec?: Record<string, unknown>; data?: Record<string, string>; stringData?: Record<string, string> };
const kustomization = parse(readFileSync(join(dir, 'kustomization.yaml'), 'utf8')) as { resources: string[] };
const docs: (Doc & { file: string })[] = kustomization.resources.flatMap((file) =>
  parseAllDocuments(readFileSync(join(dir, file), 'utf8')).map((d) => {
    expect(d.errors, file).toEqual([]);
    return { ...(d.toJS() as Doc), file };
  }),
);
/**
 * Strimzi's KafkaTopic (kafka.strimzi.io/v1beta2), from its CRD reference: its model package
 * needs Node 22 and the project supports Node 20, so the fields we use are restated here.
 */
const KafkaTopicSchema = z.object({
  apiVersion: z.literal('kafka.strimzi.io/v1beta2'),
  kind: z.literal('KafkaTopic'),
  metadata: z.object({ name: z.string().regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/).max(253), labels: z.record(z.string(), z.string()).refine((l) => 'strimzi.io/cluster' in l, 'needs the strimzi.io/cluster label') }),
  spec: z.strictObject({
    topicName: z.string().regex(/^[a-zA-Z0-9._-]{1,249}$/).optional(),
    partitions: z.number().int().min(1),
    replicas: z.number().int().min(1).max(32767),
    config: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])).optional(),
  }),
});
class KafkaTopic {
  constructor(private readonly doc: unknown) {}
  validate(): void {
    KafkaTopicSchema.parse(this.doc);
  }
}
/** Strimzi's KafkaUser (kafka.strimzi.io/v1beta2) as far as we use it: SCRAM, simple authorization. */
const KafkaUserSchema = z.object({
  apiVersion: z.literal('kafka.strimzi.io/v1beta2'),
  kind: z.literal('KafkaUser'),
  metadata: z.object({ name: z.string().regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/).max(253), labels: z.record(z.string(), z.string()).refine((l) => 'strimzi.io/cluster' in l, 'needs the strimzi.io/cluster label') }),
  spec: z.strictObject({
    authentication: z.strictObject({ type: z.enum(['tls', 'tls-external', 'scram-sha-512']) }),
    authorization: z.strictObject({
      type: z.literal('simple'),
      acls: z.array(
        z.strictObject({
          resource: z.strictObject({ type: z.enum(['topic', 'group', 'cluster', 'transactionalId']), name: z.string().min(1).optional(), patternType: z.enum(['literal', 'prefix']).optional() }),
          operations: z.array(z.enum(['Read', 'Write', 'Create', 'Delete', 'Alter', 'Describe', 'ClusterAction', 'AlterConfigs', 'DescribeConfigs', 'IdempotentWrite', 'All'])).min(1),
          host: z.string().optional(),
          type: z.enum(['allow', 'deny']).optional(),
        }),
      ),
    }),
  }),
});
class KafkaUser {
  constructor(private readonly doc: unknown) {}
  validate(): void {
    KafkaUserSchema.parse(this.doc);
  }
}
const named = (kind: string, name?: string) => docs.filter((d) => d.kind === kind && (name === undefined || d.metadata.name === name));

/** The Flink Kubernetes Operator's CRD schemas, from its API jar (Maven Central serves up to 1.10.0). */
const OPERATOR_API = join(homedir(), '.m2/repository/org/apache/flink/flink-kubernetes-operator-api/1.10.0/flink-kubernetes-operator-api-1.10.0.jar');
function flinkCrdSchema(plural: string): object {
  if (!existsSync(OPERATOR_API)) throw new Error(`${OPERATOR_API} missing: mvn dependency:get -Dartifact=org.apache.flink:flink-kubernetes-operator-api:1.10.0 -Dtransitive=false (.ci/run does)`);
  const crd = parse(execFileSync('unzip', ['-p', OPERATOR_API, `META-INF/fabric8/${plural}.flink.apache.org-v1.yml`], { encoding: 'utf8', maxBuffer: 64 << 20 })) as {
    spec: { versions: { name: string; schema: { openAPIV3Schema: { properties: { spec: { properties: { flinkVersion?: { enum: string[] } } } } } } }[] };
  };
  const schema = crd.spec.versions.find((v) => v.name === 'v1beta1')!.schema.openAPIV3Schema;
  // Operator 1.10 names Flink versions up to v1_20; Flink 2.x needs a later operator (not on
  // Maven Central), whose enum adds v2_0 … v2_2. Everything else is 1.10's schema as shipped.
  schema.properties.spec.properties.flinkVersion?.enum.push('v2_0', 'v2_1', 'v2_2');
  return schema;
}

describe('deploy/kubernetes', () => {
  it('lists every manifest file in its kustomization, and the generated ones are up to date (npm run deploy:write)', () => {
    for (const [file, text] of Object.entries(generatedManifests())) {
      expect(kustomization.resources).toContain(file);
      expect(readFileSync(join(dir, file), 'utf8'), `${file} is out of date: npm run deploy:write`).toBe(text);
    }
  });

  it('has only documents valid against their kind’s schema', () => {
    const ajv = new Ajv({ strict: false, allErrors: true });
    const flink = { FlinkDeployment: ajv.compile(flinkCrdSchema('flinkdeployments')), FlinkSessionJob: ajv.compile(flinkCrdSchema('flinksessionjobs')) };
    const core: Record<string, new (d: never) => { validate(): void }> = { ConfigMap, Secret, Service, Deployment, Ingress, KafkaTopic, KafkaUser };
    const kinds = new Set<string>();
    for (const d of docs) {
      kinds.add(d.kind);
      if (d.kind in flink) {
        const check = flink[d.kind as keyof typeof flink];
        expect(check(d), `${d.file} ${d.kind}/${d.metadata.name}: ${ajv.errorsText(check.errors)}`).toBe(true);
      } else {
        expect(core[d.kind], `${d.file}: no schema for ${d.kind}`).toBeDefined();
        expect(() => new core[d.kind]!(d as never).validate(), `${d.file} ${d.kind}/${d.metadata.name}`).not.toThrow();
      }
    }
    expect([...kinds].sort()).toEqual(['ConfigMap', 'Deployment', 'FlinkDeployment', 'FlinkSessionJob', 'Ingress', 'KafkaTopic', 'KafkaUser', 'Secret', 'Service']);
  });

  it('would catch a broken document (the checks are not vacuous)', () => {
    const deployment = structuredClone(named('Deployment')[0]!) as unknown as Doc & { spec: { replicas: unknown } };
    deployment.spec.replicas = 'two';
    expect(() => new Deployment(deployment as never).validate()).toThrow();
    const topic = structuredClone(named('KafkaTopic')[0]!) as unknown as Doc & { spec: { partitions: unknown } };
    topic.spec.partitions = 'four';
    expect(() => new KafkaTopic(topic as never).validate()).toThrow();
    const ajv = new Ajv({ strict: false });
    const job = structuredClone(named('FlinkSessionJob')[0]!) as unknown as Doc & { spec: { job: { upgradeMode: string } } };
    job.spec.job.upgradeMode = 'whenever';
    expect(ajv.validate(flinkCrdSchema('flinksessionjobs'), job)).toBe(false);
  });

  it("has a KafkaUser for every service with exactly the catalog's ACLs, and gives each Flink job its own password", () => {
    const users = named('KafkaUser') as unknown as z.infer<typeof KafkaUserSchema>[];
    expect(users.map((u) => u.metadata.name).sort()).toEqual(services.map(principalOf).sort());
    const granted = users.flatMap((u) => u.spec.authorization.acls.flatMap((a) => a.operations.map((op) => `${u.metadata.name} ${op} ${a.resource.type}:${a.resource.name}:${a.resource.patternType}`)));
    const resource = { topic: 'topic', group: 'group', 'transactional-id': 'transactionalId' };
    const op = { read: 'Read', write: 'Write', describe: 'Describe' };
    expect(granted.sort()).toEqual(aclRules().map((r) => `${r.principal} ${op[r.operation]} ${resource[r.resource]}:${r.name}:${r.pattern === 'prefixed' ? 'prefix' : 'literal'}`).sort());
    const jm = (named('FlinkDeployment')[0]!.spec as { jobManager: { podTemplate: { spec: { containers: { env: { name: string; value?: string; valueFrom?: { secretKeyRef: { name: string } } }[] }[] } } } }).jobManager.podTemplate.spec.containers[0]!.env;
    for (const job of Object.keys(flinkJobs) as (keyof typeof flinkJobs)[]) {
      expect(jm.find((e) => e.name === jobCredentialVariables(job).password)?.valueFrom?.secretKeyRef.name, job).toBe(principalOf(job));
    }
  });

  it('has a KafkaTopic for every catalog topic, replicated 3 times with two in sync for a write', () => {
    const byName = new Map(named('KafkaTopic').map((d) => [(d.spec as { topicName: string }).topicName, d.spec as { partitions: number; replicas: number; config: Record<string, string> }]));
    expect([...byName.keys()].sort()).toEqual(Object.values(topics).map((t) => t.name).sort());
    for (const t of Object.values(topics)) {
      expect(byName.get(t.name)).toMatchObject({ partitions: t.partitions, replicas: 3, config: { 'cleanup.policy': t.cleanupPolicy, 'min.insync.replicas': '2' } });
    }
  });

  it('runs every Flink job as a session job of the one FlinkDeployment, its SQL and variables mounted from the ConfigMap', () => {
    const jobsConfig = named('ConfigMap', 'streamwatch-flink-jobs')[0]!;
    const deployment = named('FlinkDeployment')[0]!;
    const sessionJobs = named('FlinkSessionJob').map((d) => d.spec as { deploymentName: string; job: { args: string[] } });
    expect(sessionJobs).toHaveLength(Object.keys(flinkJobs).length);
    for (const j of Object.values(flinkJobs)) {
      const job = sessionJobs.find((s) => s.job.args.includes(`/opt/streamwatch/jobs/${j.sqlFile}`));
      expect(job?.deploymentName, j.sqlFile).toBe(deployment.metadata.name);
      expect(jobsConfig.data![j.sqlFile]).toContain('INSERT INTO');
    }
    expect(jobsConfig.data!['vars.properties']).toMatch(/^kafka\.bootstrap=streamwatch-kafka-bootstrap\\?:9092$/m);
  });

  it('configures the gateway through one ConfigMap and one Secret with variables the gateway reads, and probes /readyz and /healthz', () => {
    const config = named('ConfigMap', 'streamwatch-config')[0]!;
    const secret = named('Secret', 'streamwatch-secrets')[0]!;
    const gateway = named('Deployment', 'streamwatch-gateway')[0]! as unknown as Deployment;
    const container = gateway.spec!.template.spec!.containers[0]!;
    const env = container.env ?? [];
    for (const key of [...Object.keys(config.data!), ...env.map((e) => e.name)]) expect(gatewayEnvironment, key).toContain(key);
    for (const e of env) {
      const ref = e.valueFrom?.secretKeyRef;
      // A KafkaUser's password is in the Secret Strimzi makes for it, under `password`.
      if (ref && named('KafkaUser', ref.name).length > 0) expect(ref.key, `${e.name} from ${ref.name}`).toBe('password');
      else if (ref) expect(Object.keys(secret.stringData!), `${e.name} from ${ref.name}`).toContain(ref.key);
    }
    expect(env.find((e) => e.name === 'KAFKA_SASL_USERNAME')?.value).toBe(principalOf('gateway'));
    expect(container.envFrom).toEqual([{ configMapRef: { name: 'streamwatch-config' } }]);
    expect([container.readinessProbe?.httpGet?.path, container.livenessProbe?.httpGet?.path]).toEqual(['/readyz', '/healthz']);
    expect(Number(config.data!.PORT)).toBe(container.ports![0]!.containerPort);
    const service = named('Service', 'streamwatch-gateway')[0]! as unknown as Service;
    expect(service.spec!.selector).toEqual(gateway.spec!.selector.matchLabels);
    const ingress = named('Ingress')[0]! as unknown as Ingress;
    expect(ingress.spec!.rules![0]!.http!.paths[0]!.backend.service!.name).toBe(service.metadata!.name);
  });
});
