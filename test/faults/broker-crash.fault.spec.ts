import { BROKER_KILL } from '../../libs/testing/src/fault-run/fault-scenarios';
import { describeFaultSuite } from './fault-suite';

// The broker-kill scenario on a Kafka broker of this file's own (never the shared one), under steady load.
describe('Kafka broker crash under load', () => {
  describeFaultSuite('broker', 'own', [BROKER_KILL]);
});
