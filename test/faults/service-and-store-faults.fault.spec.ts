import { POSTGRES_CRASH, POSTGRES_CUT, REDIS_RESTART_EMPTY, serviceKill } from '../../libs/testing/src/fault-run/fault-scenarios';
import { SERVICE_NAMES } from '../../libs/testing/src/fault-run/fault-stack';
import { describeFaultSuite } from './fault-suite';

// The four services on a PostgreSQL and a Redis of this file's own (so they may be crashed) and the shared Kafka
// (topics under a prefix of their own). Each fault in turn, under steady load with the phones answering.
describe('service and store faults under load', () => {
  const brokers = process.env.KAFKA_BROKERS;
  if (!brokers) throw new Error('KAFKA_BROKERS is not set: the fault suite needs the shared Kafka (deploy/local/test.sh sets it)');
  describeFaultSuite('svcstore', { brokers }, [...SERVICE_NAMES.map(serviceKill), POSTGRES_CRASH, POSTGRES_CUT, REDIS_RESTART_EMPTY]);
});
