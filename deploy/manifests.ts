import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { stringify } from 'yaml';
import { flinkSqlVariables } from '../lib/flink-sql-variables';
import { aclRules, jobCredentialVariables, principalOf, services, type AclRule } from '../lib/kafka-access';
import { defaultPipelineSettings, flinkJobs, sharedSqlFile, type FlinkJobKey } from '../lib/pipeline-jobs';
import { topicConfigEntries, topics } from '../lib/topics';
import { javaProperties, jobExecutionSettings } from '../pipeline/stack/flink-jobs';

/**
 * The Kubernetes manifests that restate our own catalog, generated from it so that nothing is
 * written twice: a Strimzi KafkaTopic per topic of lib/topics.ts, a Strimzi KafkaUser per
 * service with its ACLs (lib/kafka-access.ts; SCRAM-SHA-512, the Kafka cluster's listener and
 * `authorization: simple` are the operator's to set), and the Flink session cluster
 * with one FlinkSessionJob per job of lib/pipeline-jobs.ts (the jobs' SQL and variables in a
 * ConfigMap, the execution settings the local stack uses). `npm run deploy:write` writes them;
 * deploy/manifests.test.ts fails when they are out of date.
 */
export const KAFKA_CLUSTER = 'streamwatch';
/** Strimzi's bootstrap service for that cluster. */
export const KAFKA_BOOTSTRAP = `${KAFKA_CLUSTER}-kafka-bootstrap:9092`;
export const FLINK_DEPLOYMENT = 'streamwatch-flink';
/** The image: Flink 2.2 with our shaded job jar at JOB_JAR (built from pipeline/flink). */
export const FLINK_IMAGE = 'streamwatch/flink-jobs:0.1.0';
export const JOB_JAR = 'local:///opt/flink/usrlib/streamwatch-flink-1.0.0.jar';
const JOBS_DIR = '/opt/streamwatch/jobs';
const REPLICAS = 3;
const PARALLELISM = 2;
const CHECKPOINT_INTERVAL_MS = 10_000;
const HEADER = '# Generated from lib/topics.ts and lib/pipeline-jobs.ts by `npm run deploy:write`: do not edit.\n';

const label = { 'app.kubernetes.io/part-of': 'streamwatch' };

export function kafkaTopicsYaml(): string {
  const docs = Object.values(topics).map((t) => ({
    apiVersion: 'kafka.strimzi.io/v1beta2',
    kind: 'KafkaTopic',
    metadata: { name: t.name.replace(/[^a-z0-9-]/g, '-'), labels: { 'strimzi.io/cluster': KAFKA_CLUSTER, ...label } },
    spec: {
      topicName: t.name,
      partitions: t.partitions,
      replicas: REPLICAS,
      // As the cluster topology runs them: a write is on two nodes before it is acknowledged.
      config: { ...topicConfigEntries(t), 'min.insync.replicas': '2', 'unclean.leader.election.enable': 'false' },
    },
  }));
  return HEADER + docs.map((d) => stringify(d)).join('---\n');
}

function jobsDir(): string {
  return fileURLToPath(new URL('../pipeline/flink/jobs/', import.meta.url));
}

export function flinkYaml(): string {
  const topicNames = Object.fromEntries(Object.entries(topics).map(([k, t]) => [k, t.name]));
  const vars = flinkSqlVariables(KAFKA_BOOTSTRAP, topicNames, defaultPipelineSettings);
  const config = {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: 'streamwatch-flink-jobs', labels: label },
    data: {
      'vars.properties': javaProperties(vars),
      ...Object.fromEntries([sharedSqlFile, ...Object.values(flinkJobs).map((j) => j.sqlFile)].map((file) => [file, readFileSync(`${jobsDir()}${file}`, 'utf8')])),
    },
  };
  const deployment = {
    apiVersion: 'flink.apache.org/v1beta1',
    kind: 'FlinkDeployment',
    metadata: { name: FLINK_DEPLOYMENT, labels: label },
    spec: {
      image: FLINK_IMAGE,
      flinkVersion: 'v2_2',
      serviceAccount: 'flink',
      flinkConfiguration: {
        ...jobExecutionSettings(PARALLELISM, CHECKPOINT_INTERVAL_MS),
        'taskmanager.numberOfTaskSlots': String(Object.keys(flinkJobs).length * PARALLELISM),
        // A shared, durable place for checkpoints (an object store in production), and the
        // Kubernetes HA services, so that a lost JobManager resumes the jobs by itself.
        'execution.checkpointing.dir': 's3://streamwatch-flink/checkpoints',
        'high-availability.type': 'kubernetes',
        'high-availability.storageDir': 's3://streamwatch-flink/ha',
      },
      jobManager: {
        replicas: 1,
        resource: { cpu: 1, memory: '1536m' },
        // The jobs' Kafka passwords, for the JobManager only: it runs each session job's main,
        // which writes them into the job's Kafka tables; the TaskManagers get them inside the job.
        podTemplate: { spec: { containers: [{ name: 'flink-main-container', env: flinkKafkaEnv() }] } },
      },
      taskManager: { replicas: 2, resource: { cpu: 2, memory: '4096m' } },
      podTemplate: {
        spec: {
          containers: [{
            name: 'flink-main-container',
            // The card-token key reaches the UDF through the environment only (never SQL text).
            env: [{ name: 'CARD_TOKEN_KEY', valueFrom: { secretKeyRef: { name: 'streamwatch-secrets', key: 'CARD_TOKEN_KEY' } } }],
            volumeMounts: [{ name: 'jobs', mountPath: JOBS_DIR, readOnly: true }],
          }],
          volumes: [{ name: 'jobs', configMap: { name: 'streamwatch-flink-jobs' } }],
        },
      },
    },
  };
  const sessionJobs = Object.entries(flinkJobs).map(([key, j]) => ({
    apiVersion: 'flink.apache.org/v1beta1',
    kind: 'FlinkSessionJob',
    metadata: { name: `streamwatch-${key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`, labels: label },
    spec: {
      deploymentName: FLINK_DEPLOYMENT,
      job: {
        jarURI: JOB_JAR,
        entryClass: 'io.streamwatch.flink.SqlJobRunner',
        args: ['--shared', `${JOBS_DIR}/${sharedSqlFile}`, '--job', `${JOBS_DIR}/${j.sqlFile}`, '--vars', `${JOBS_DIR}/vars.properties`, '--detached', 'true'],
        parallelism: PARALLELISM,
        // Resume from the newest checkpoint on an upgrade or a restart: exactly-once outputs stay exact.
        upgradeMode: 'last-state',
        state: 'running',
      },
    },
  }));
  return HEADER + [config, deployment, ...sessionJobs].map((d) => stringify(d, { lineWidth: 0 })).join('---\n');
}

const strimziResource = { topic: 'topic', group: 'group', 'transactional-id': 'transactionalId' } as const;
const strimziOperation = { read: 'Read', write: 'Write', describe: 'Describe' } as const;

/** A KafkaUser per service: Strimzi makes its SCRAM password into a Secret named after it (key `password`). */
export function kafkaUsersYaml(): string {
  const docs = services.map((service) => {
    const principal = principalOf(service);
    const acls = new Map<string, { resource: { type: string; name: string; patternType: string }; operations: string[]; host: string }>();
    for (const r of aclRules().filter((x: AclRule) => x.principal === principal)) {
      const resource = { type: strimziResource[r.resource], name: r.name, patternType: r.pattern === 'prefixed' ? 'prefix' : 'literal' };
      const key = JSON.stringify(resource);
      const acl = acls.get(key) ?? { resource, operations: [], host: '*' };
      acl.operations.push(strimziOperation[r.operation]);
      acls.set(key, acl);
    }
    return {
      apiVersion: 'kafka.strimzi.io/v1beta2',
      kind: 'KafkaUser',
      metadata: { name: principal, labels: { 'strimzi.io/cluster': KAFKA_CLUSTER, ...label } },
      spec: { authentication: { type: 'scram-sha-512' }, authorization: { type: 'simple', acls: [...acls.values()] } },
    };
  });
  return HEADER + docs.map((d) => stringify(d)).join('---\n');
}

/** A service's credentials from the Secret Strimzi made for its KafkaUser, under the given variable names. */
export function kafkaCredentialEnv(principal: string, usernameVar = 'KAFKA_SASL_USERNAME', passwordVar = 'KAFKA_SASL_PASSWORD') {
  return [
    { name: usernameVar, value: principal },
    { name: passwordVar, valueFrom: { secretKeyRef: { name: principal, key: 'password' } } },
  ];
}

/** Every Kafka table's credentials, per job (KafkaSecurity.java): for the JobManager, where a session job's main runs. */
function flinkKafkaEnv() {
  return [
    { name: 'KAFKA_SECURITY_PROTOCOL', value: 'SASL_PLAINTEXT' },
    { name: 'KAFKA_SASL_MECHANISM', value: 'SCRAM-SHA-512' },
    ...(Object.keys(flinkJobs) as FlinkJobKey[]).flatMap((job) =>
      kafkaCredentialEnv(principalOf(job), jobCredentialVariables(job).username, jobCredentialVariables(job).password),
    ),
  ];
}

/** Every generated file, by its path under deploy/kubernetes/. */
export function generatedManifests(): Record<string, string> {
  return { 'generated/kafka-topics.yaml': kafkaTopicsYaml(), 'generated/kafka-users.yaml': kafkaUsersYaml(), 'generated/flink.yaml': flinkYaml() };
}
