import { POSTGRES_CRASH, POSTGRES_CUT, REDIS_RESTART_EMPTY, serviceKill } from '../../libs/testing/src/fault-run/fault-scenarios';
import { SERVICE_NAMES } from '../../libs/testing/src/fault-run/fault-stack';
import { SCENARIO_TIMEOUT_MS, useFaultStack, WARM_UP_USERS } from './fault-suite';

const SCENARIOS = [...SERVICE_NAMES.map(serviceKill), POSTGRES_CRASH, POSTGRES_CUT, REDIS_RESTART_EMPTY];

// The four services on a PostgreSQL and a Redis of this file's own (so they may be crashed) and the shared Kafka
// (topics under a prefix of their own). Each fault in turn, under steady load with the phones answering.
describe('service and store faults under load', () => {
  const brokers = process.env.KAFKA_BROKERS;
  if (!brokers) throw new Error('KAFKA_BROKERS is not set: the fault suite needs the shared Kafka (deploy/local/test.sh sets it)');
  const faults = useFaultStack('svcstore', { brokers });

  it('answers and reports every challenge before any fault', async () => {
    const outcome = await faults.warmUpOutcome();
    expect(outcome.problems).toEqual([]);
    expect(outcome.byStatus).toEqual({ approved: WARM_UP_USERS });
  }, 120_000);

  it.each(SCENARIOS.map((scenario) => [scenario.name, scenario] as const))(
    'keeps every promise through: %s',
    async (_name, scenario) => {
      const result = await faults.run(scenario);
      expect(result.problems).toEqual([]);
      expect(result.issued).toBeGreaterThan(0);
      expect(result.byStatus).toEqual({ approved: result.issued });
    },
    SCENARIO_TIMEOUT_MS,
  );
});
