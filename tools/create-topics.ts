/**
 * Creates every topic the project declares and every service's ACLs on them, idempotently (ensureTopics in
 * libs/messaging topic-admin.ts).
 *
 *   node dist/tools/create-topics.js            uses KAFKA_BROKERS (default 127.0.0.1:9092), KAFKA_TOPIC_PREFIX,
 *                                               and an admin user: KAFKA_SASL_USERNAME, KAFKA_SASL_PASSWORD,
 *                                               KAFKA_SASL_MECHANISM, KAFKA_TLS_CA_FILE (as a service reads them)
 *
 * Existing topics are kept; one with fewer partitions than declared gets more (Kafka cannot shrink).
 */
import { ensureTopics } from '@pushmfa/messaging';
import { kafkaSecurityEnvShape, kafkaSecurityOf, parseServiceEnv } from '@pushmfa/service-config';

async function main(): Promise<void> {
  const brokers = process.env.KAFKA_BROKERS ?? '127.0.0.1:9092';
  const prefix = process.env.KAFKA_TOPIC_PREFIX ?? '';
  const security = kafkaSecurityOf(parseServiceEnv('create-topics', kafkaSecurityEnvShape, process.env));
  const result = await ensureTopics(brokers, prefix, security);
  for (const name of result.created) console.log(`created   ${name}`);
  for (const name of result.grown) console.log(`grown     ${name}`);
  console.log(
    `topics on ${brokers}: ${result.created.length} created, ${result.grown.length} grown, ${result.unchanged.length} already fine; ` +
      `${result.acls} service ACLs in place`,
  );
}

if (require.main === module) {
  main().catch((error: unknown) => {
    console.error(`create-topics failed: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  });
}
