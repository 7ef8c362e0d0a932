import kafkajs, { type AclEntry } from 'kafkajs';
import { aclRules, type AclRule } from '../../lib/kafka-access';
import type { KafkaSecurity } from '../../lib/kafka-auth';
import { kafkaClient } from './kafka-admin';

// kafkajs is CommonJS whose export list Node cannot read past its first computed entry: these come off the default export.
const { AclOperationTypes, AclPermissionTypes, AclResourceTypes, ResourcePatternTypes } = kafkajs;

const resourceType = { topic: AclResourceTypes.TOPIC, group: AclResourceTypes.GROUP, 'transactional-id': AclResourceTypes.TRANSACTIONAL_ID } as const;
const operation = { read: AclOperationTypes.READ, write: AclOperationTypes.WRITE, describe: AclOperationTypes.DESCRIBE } as const;

export function aclEntry(rule: AclRule): AclEntry {
  return {
    resourceType: resourceType[rule.resource],
    resourceName: rule.name,
    resourcePatternType: rule.pattern === 'prefixed' ? ResourcePatternTypes.PREFIXED : ResourcePatternTypes.LITERAL,
    principal: `User:${rule.principal}`,
    host: '*',
    operation: operation[rule.operation],
    permissionType: AclPermissionTypes.ALLOW,
  };
}

/**
 * Applies the catalog's ACLs (lib/kafka-access.ts) as the superuser. Creating a binding that
 * exists changes nothing, so every start applies them all; bindings the catalog no longer has
 * are removed, so that a narrowed rule narrows a running cluster too.
 */
export async function applyAcls(brokers: string[], security: KafkaSecurity, rules: readonly AclRule[] = aclRules()): Promise<{ created: number; removed: number }> {
  const admin = kafkaClient(brokers, 'streamwatch-stack-acls', security).admin();
  await admin.connect();
  try {
    const wanted = rules.map(aclEntry);
    const key = (e: AclEntry): string => [e.resourceType, e.resourceName, e.resourcePatternType, e.principal, e.host, e.operation, e.permissionType].join('\u0000');
    const existing = await admin.describeAcls({
      resourceType: AclResourceTypes.ANY,
      resourcePatternType: ResourcePatternTypes.ANY,
      operation: AclOperationTypes.ANY,
      permissionType: AclPermissionTypes.ANY,
    });
    const have = existing.resources.flatMap((r) =>
      r.acls.map((a) => ({ resourceType: r.resourceType, resourceName: r.resourceName, resourcePatternType: r.resourcePatternType, principal: a.principal, host: a.host, operation: a.operation, permissionType: a.permissionType })),
    );
    const wantedKeys = new Set(wanted.map(key));
    const haveKeys = new Set(have.map(key));
    const toCreate = wanted.filter((e) => !haveKeys.has(key(e)));
    const toRemove = have.filter((e) => !wantedKeys.has(key(e)));
    if (toCreate.length > 0) await admin.createAcls({ acl: toCreate });
    if (toRemove.length > 0) await admin.deleteAcls({ filters: toRemove });
    return { created: toCreate.length, removed: toRemove.length };
  } finally {
    await admin.disconnect();
  }
}
