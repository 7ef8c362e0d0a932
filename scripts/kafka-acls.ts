import { parseArgs } from 'node:util';
import { aclRules, type AclRule } from '../lib/kafka-access';
import { applyAcls } from '../pipeline/stack/kafka-acls';
import { toolKafka } from '../pipeline/stack/stack-config';

/**
 * The ACLs Streamwatch's services need (lib/kafka-access.ts), for a cluster that manages its
 * own: printed as Kafka's own kafka-acls.sh commands, or with --apply created (and any other
 * ALLOW binding removed) as the principal KAFKA_SASL_* names, which must be allowed to alter ACLs.
 * The local stack applies them on every start.
 */
const usage = 'usage: npm run kafka-acls [-- --apply] [--brokers HOST:PORT,...]';
const { values } = parseArgs({ options: { apply: { type: 'boolean' }, brokers: { type: 'string' }, help: { type: 'boolean' } } });
if (values.help) {
  console.log(usage);
  process.exit(0);
}

const operation = { read: 'Read', write: 'Write', describe: 'Describe' } as const;
const resourceFlag = (r: AclRule): string =>
  ({ topic: `--topic '${r.name}'`, group: `--group '${r.name}'`, 'transactional-id': `--transactional-id '${r.name}'` })[r.resource] + (r.pattern === 'prefixed' ? ' --resource-pattern-type prefixed' : '');

if (!values.apply) {
  const rules = aclRules();
  for (const principal of [...new Set(rules.map((r) => r.principal))]) {
    console.log(`# ${principal}`);
    for (const r of rules.filter((x) => x.principal === principal)) {
      console.log(`kafka-acls.sh --bootstrap-server "$BOOTSTRAP" --command-config admin.properties --add --allow-principal 'User:${r.principal}' --operation ${operation[r.operation]} ${resourceFlag(r)}`);
    }
  }
} else {
  const { brokers, security } = toolKafka(values.brokers, process.env);
  try {
    const { created, removed } = await applyAcls(brokers, security);
    console.log(`kafka-acls: ${aclRules().length} bindings in place on ${brokers.join(',')} (${created} added, ${removed} removed)`);
  } catch (err) {
    console.error(`kafka-acls: ${(err as Error).message}`);
    process.exit(1);
  }
}
