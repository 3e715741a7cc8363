import { BROKER_KILL } from '../../libs/testing/src/fault-run/fault-scenarios';
import { SCENARIO_TIMEOUT_MS, useFaultStack, WARM_UP_USERS } from './fault-suite';

const SCENARIOS = [BROKER_KILL];

// The broker-kill scenario on a Kafka broker of this file's own (never the shared one), under steady load.
describe('Kafka broker crash under load', () => {
  const faults = useFaultStack('broker', 'own');

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
