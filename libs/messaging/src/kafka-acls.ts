/**
 * Who may do what on the broker: one Kafka user per service, each allowed exactly what docs/ARCHITECTURE.md says it
 * does. The broker denies everything else (`allow.everyone.if.no.acl.found=false`). ensureTopics (topic-admin.ts) creates
 * these ACLs next to the topics, for the same KAFKA_TOPIC_PREFIX (tests get their own per namespace).
 *
 *   device-registry  writes pushmfa.registry.v1            reads pushmfa.delivery.v1, pushmfa.challenge.v1
 *   challenge        writes pushmfa.challenge.v1           reads pushmfa.registry.v1
 *   delivery         writes pushmfa.delivery.v1            reads pushmfa.registry.v1, pushmfa.challenge.v1
 *   reporting        writes nothing                        reads all three
 *
 * A service that reads a topic may also read and write its `.retry` topic and write its `.dlq` topic; a service may
 * write the `.dlq` of the topic it produces (delivery dead-letters a push it cannot make). Consumer groups are the
 * service's own: every group named `<prefix><service>.` (prefixed ACL). Every service uses an idempotent producer.
 * The admin user (a super user on the broker) is for tooling only: topics, ACLs, operators' reads of `.dlq` topics.
 */
import { type AclEntry, AclOperationTypes, AclPermissionTypes, AclResourceTypes, type Admin, ResourcePatternTypes } from 'kafkajs';
import { DEAD_LETTER_SUFFIX, RETRY_SUFFIX, type TopicKey, topicName } from '@pushmfa/contracts';

export const KAFKA_SERVICES = ['device-registry', 'challenge', 'delivery', 'reporting'] as const;
export type KafkaService = (typeof KAFKA_SERVICES)[number];

export interface ServiceTopicAccess {
  produces: TopicKey[];
  consumes: TopicKey[];
  /** Deletes its own consumer groups (the MFA Report rebuild removes its one-off group when done). */
  deletesOwnGroups?: boolean;
}

export const SERVICE_TOPIC_ACCESS: Record<KafkaService, ServiceTopicAccess> = {
  'device-registry': { produces: ['registry'], consumes: ['delivery', 'challenge'] },
  challenge: { produces: ['challenge'], consumes: ['registry'] },
  delivery: { produces: ['delivery'], consumes: ['registry', 'challenge'] },
  reporting: { produces: [], consumes: ['registry', 'challenge', 'delivery'], deletesOwnGroups: true },
};

/** The Kafka user of a service: `pushmfa-<service>` unless `KAFKA_PRINCIPAL_<SERVICE>` names another one. */
export function servicePrincipal(service: KafkaService, env: NodeJS.ProcessEnv = process.env): string {
  const override = env[`KAFKA_PRINCIPAL_${service.toUpperCase().replace(/-/g, '_')}`];
  return override && override.length > 0 ? override : `User:pushmfa-${service}`;
}

/** Consumer groups of a service all start with this (see each service's consumers). */
export function serviceGroupPrefix(service: KafkaService, topicPrefix = ''): string {
  return `${topicPrefix}${service}.`;
}

export const KAFKA_CLUSTER_RESOURCE = 'kafka-cluster';

/** Every ACL the services need under `topicPrefix`; nothing more. */
export function declaredAcls(topicPrefix = '', env: NodeJS.ProcessEnv = process.env): AclEntry[] {
  return KAFKA_SERVICES.flatMap((service) => {
    const principal = servicePrincipal(service, env);
    const access = SERVICE_TOPIC_ACCESS[service];
    const allow = (resourceType: AclResourceTypes, resourceName: string, operation: AclOperationTypes, pattern = ResourcePatternTypes.LITERAL): AclEntry => ({
      resourceType,
      resourceName,
      resourcePatternType: pattern,
      principal,
      host: '*',
      operation,
      permissionType: AclPermissionTypes.ALLOW,
    });
    const topic = (name: string, operation: AclOperationTypes) => allow(AclResourceTypes.TOPIC, name, operation);
    const entries: AclEntry[] = [];
    for (const key of access.produces) {
      const name = topicName(key, topicPrefix);
      entries.push(topic(name, AclOperationTypes.WRITE), topic(name + DEAD_LETTER_SUFFIX, AclOperationTypes.WRITE));
    }
    for (const key of access.consumes) {
      const name = topicName(key, topicPrefix);
      entries.push(
        topic(name, AclOperationTypes.READ),
        topic(name + RETRY_SUFFIX, AclOperationTypes.READ),
        topic(name + RETRY_SUFFIX, AclOperationTypes.WRITE),
        topic(name + DEAD_LETTER_SUFFIX, AclOperationTypes.WRITE),
      );
    }
    const groups = serviceGroupPrefix(service, topicPrefix);
    entries.push(allow(AclResourceTypes.GROUP, groups, AclOperationTypes.READ, ResourcePatternTypes.PREFIXED));
    if (access.deletesOwnGroups) entries.push(allow(AclResourceTypes.GROUP, groups, AclOperationTypes.DELETE, ResourcePatternTypes.PREFIXED));
    entries.push(allow(AclResourceTypes.CLUSTER, KAFKA_CLUSTER_RESOURCE, AclOperationTypes.IDEMPOTENT_WRITE));
    return dedupe(entries);
  });
}

/**
 * Creates the declared ACLs (creating one that exists changes nothing) and returns once the broker enforces them:
 * the controller commits ACLs before brokers apply them, and a service that starts in that gap would be refused.
 * Needs an admin (super user) client.
 */
export async function ensureAcls(admin: Admin, topicPrefix = '', env: NodeJS.ProcessEnv = process.env, timeoutMs = 15_000): Promise<number> {
  const acl = declaredAcls(topicPrefix, env);
  await admin.createAcls({ acl });
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const missing = await missingAcls(admin, acl);
    if (missing === 0) return acl.length;
    if (Date.now() > deadline) throw new Error(`the broker does not show ${missing} of the ${acl.length} ACLs just created`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** How many of `wanted` the broker's authorizer does not hold (DescribeAcls answers from it). */
async function missingAcls(admin: Admin, wanted: AclEntry[]): Promise<number> {
  const held = new Set<string>();
  for (const principal of new Set(wanted.map((entry) => entry.principal))) {
    const answer = await admin.describeAcls({
      resourceType: AclResourceTypes.ANY,
      resourcePatternType: ResourcePatternTypes.ANY,
      principal,
      operation: AclOperationTypes.ANY,
      permissionType: AclPermissionTypes.ANY,
    });
    for (const resource of answer.resources) {
      for (const entry of resource.acls) {
        held.add(aclKey({ ...resource, ...entry } as AclEntry));
      }
    }
  }
  return wanted.filter((entry) => !held.has(aclKey(entry))).length;
}

function aclKey(entry: AclEntry): string {
  return [entry.resourceType, entry.resourceName, entry.resourcePatternType, entry.principal, entry.host, entry.operation, entry.permissionType].join('|');
}

/**
 * Deletes the ACLs on the topics and groups of `topicPrefix` (a test namespace's); never the cluster-wide
 * idempotent-write ACLs, which every prefix shares.
 */
export async function deleteAcls(admin: Admin, topicPrefix: string, env: NodeJS.ProcessEnv = process.env): Promise<void> {
  const filters = declaredAcls(topicPrefix, env)
    .filter((entry) => entry.resourceType !== AclResourceTypes.CLUSTER)
    .map(({ resourceType, resourceName, resourcePatternType, principal, host, operation, permissionType }) => ({
      resourceType,
      resourceName,
      resourcePatternType,
      principal,
      host,
      operation,
      permissionType,
    }));
  if (filters.length > 0) await admin.deleteAcls({ filters });
}

function dedupe(entries: AclEntry[]): AclEntry[] {
  const seen = new Set<string>();
  return entries.filter((entry) => {
    const key = aclKey(entry);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
