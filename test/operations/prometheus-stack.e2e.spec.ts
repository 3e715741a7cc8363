import { randomBytes } from 'node:crypto';
import { EVENT_LOOP_MONITORING_PRECISION_MS } from '@pushmfa/observability';
import { eventually } from '@pushmfa/testing';
import { dashboardQueries, recordingRules } from '../support/prometheus-files';
import { type PrometheusServer, startPrometheus } from '../support/prometheus-server';
import { EVENTS_ARRIVE_WITHIN_MS } from '../support/events-arrive-within';
import { type ProductionStack, startProductionStack } from '../support/production-stack';
import { ANDROID, IPHONE, type TestPhone } from '../support/test-phone';
import { TestWorkspace } from '../support/test-workspace';

const SIGN_IN = { application: 'Payroll', ipAddress: '203.0.113.7' };
// Prometheus scrapes and evaluates every second here; a series shows within a few rounds of existing.
const SERIES_APPEAR_WITHIN_MS = 30_000;
const fcmToken = () => `fcm-${randomBytes(12).toString('hex')}`;
const apnsToken = () => randomBytes(32).toString('hex');

/**
 * The SRE's kit against the product as it runs: the four services as processes in production mode, and Debian's
 * Prometheus scraping them with the project's rules (deploy/prometheus/rules). Traffic from a paired phone makes every
 * recording rule and every dashboard query return data, so a renamed metric fails here and not on a dashboard in
 * production; FCM refusing our credentials opens delivery's breaker and sends ProviderCircuitOpen to pending.
 */
describe('Prometheus on the running product', () => {
  let stack: ProductionStack;
  let prometheus: PrometheusServer;

  beforeAll(async () => {
    stack = await startProductionStack({ label: 'prometheus', operatorToken: 'e2e-operator-token-prometheus-0123456789' });
    prometheus = await startPrometheus(stack.services().map((service) => new URL(service.baseUrl).host));
  }, 120_000);

  afterAll(async () => {
    await prometheus?.stop();
    await stack?.close();
  }, 60_000);

  /** Waits for `expr` to return at least one sample; the failure says what Prometheus answered last. */
  const samplesOf = (expr: string) =>
    eventually(
      async () => {
        const samples = await prometheus.query(expr);
        return samples.length > 0 ? samples : undefined;
      },
      `Prometheus to return data for ${expr}`,
      SERIES_APPEAR_WITHIN_MS,
      500,
    );

  /** Every expression that never returned data (or did not parse), with Prometheus's message; [] when all did. */
  async function withoutData(exprs: { name: string; expr: string }[]): Promise<string[]> {
    const results = await Promise.allSettled(exprs.map(({ expr }) => samplesOf(expr)));
    return results.flatMap((result, i) => (result.status === 'rejected' ? [`${exprs[i]!.name}: ${String(result.reason)}`] : []));
  }

  it('scrapes the four services, each labelling its metrics with its name', async () => {
    const up = await eventually(
      async () => {
        const samples = await prometheus.query('up{job="pushmfa"}');
        return samples.length === 4 && samples.every((s) => s.value[1] === '1') ? samples : undefined;
      },
      'Prometheus to scrape the four services',
      SERIES_APPEAR_WITHIN_MS,
      500,
    );
    expect(up).toHaveLength(4);
    const services = await samplesOf('count by (service) (service_ready == 1)');
    expect(services.map((s) => s.metric.service).sort()).toEqual(['challenge', 'delivery', 'device-registry', 'reporting']);
  }, 60_000);

  it('computes every recording rule once platforms sign users in with push', async () => {
    const acme = await TestWorkspace.withPush(stack);
    const pixel = await acme.pairPhone('dora', ANDROID, fcmToken());
    const iphone = await acme.pairPhone('dora', IPHONE, apnsToken());
    await Promise.all([pixel.untilRecognised(), iphone.untilRecognised()]);
    for (const phone of [pixel, iphone, pixel] as TestPhone[]) {
      const issued = await acme.issueChallengeOnceReady('dora', SIGN_IN);
      expect(issued.status).toBe(201);
      const { challengeId, numberMatch } = issued.body;
      await eventually(
        async () => (stack.fcm.received().some((m) => m.answer === 200 && JSON.stringify(m.body).includes(challengeId)) ? true : undefined),
        `the FCM push of ${challengeId}`,
        EVENTS_ARRIVE_WITHIN_MS,
      );
      // The platform long-polls; once the service holds the poll open, the user approves on the phone.
      const longPoll = acme.challengeStatus(challengeId, 20);
      await new Promise((resolve) => setTimeout(resolve, 500));
      expect(await phone.approve(challengeId, numberMatch)).toMatchObject({ status: 200, body: { status: 'approved' } });
      expect((await longPoll).body).toMatchObject({ challengeId, status: 'approved' });
      // The MFA Report calls an approved sign-in a success.
      await acme.reportOnceStatus(challengeId, 'success');
    }

    const rules = recordingRules().map((rule) => ({ name: rule.record, expr: rule.record }));
    expect(rules.length).toBeGreaterThan(20);
    expect(await withoutData(rules)).toEqual([]);
    // The SLIs read what the traffic was: no platform request failed, and the recorded ratios are ratios.
    // A ratio is NaN (0/0) while its window holds no increase yet: a series first scraped after its first
    // observation counts from there, so each ratio is read once Prometheus has seen traffic in its window.
    const ratioOnceNumber = (sli: string) =>
      eventually(
        async () => {
          const [sample] = await prometheus.query(`pushmfa:${sli}:ratio_rate5m`);
          return sample && !Number.isNaN(Number(sample.value[1])) ? Number(sample.value[1]) : undefined;
        },
        `pushmfa:${sli}:ratio_rate5m to be a number`,
        SERIES_APPEAR_WITHIN_MS,
        500,
      );
    expect(await ratioOnceNumber('challenge_api_errors')).toBe(0);
    for (const sli of ['push_dispatch_slow', 'answer_slow', 'report_stale']) {
      const bad = await ratioOnceNumber(sli);
      expect(bad).toBeGreaterThanOrEqual(0);
      expect(bad).toBeLessThanOrEqual(1);
    }
  }, 180_000);

  it('sends ProviderCircuitOpen to pending as soon as FCM refuses our credentials, and no infrastructure alert', async () => {
    const acme = await TestWorkspace.withPush(stack);
    const token = fcmToken();
    const phone = await acme.pairPhone('emil', ANDROID, token);
    await phone.untilRecognised();
    stack.fcm.script(token, { fail: 'THIRD_PARTY_AUTH_ERROR' });
    expect((await acme.issueChallengeOnceReady('emil', SIGN_IN)).status).toBe(201);

    await eventually(
      async () => ((await prometheus.query('delivery_provider_circuit_state{provider="fcm"} == 2')).length ? true : undefined),
      'the FCM breaker to be scraped open',
      SERIES_APPEAR_WITHIN_MS,
      250,
    );
    const [alert] = await samplesOf('ALERTS{alertname="ProviderCircuitOpen"}');
    // `for: 1m`: the alert is pending from the first evaluation that sees the breaker open, firing a minute later.
    expect(alert!.metric).toMatchObject({ alertname: 'ProviderCircuitOpen', alertstate: 'pending', provider: 'fcm', severity: 'page' });
    expect(
      await prometheus.query(
        'ALERTS{alertname=~"ServiceDown|ServiceNotReady|PostgresUnavailable|RedisUnavailable|KafkaUnavailable|OutboxRelayLagging|RecordsDeadLettered"}',
      ),
    ).toEqual([]);
    stack.fcm.clearScripts();
  }, 120_000);

  it("reads the event loop's delay on the dashboard, not the metric's sampling period", async () => {
    const panel = dashboardQueries().find(({ panel }) => panel.startsWith('Event loop lag'));
    // nodejs_eventloop_lag_p99_seconds of a quiet service is about the sampling period itself; the panel subtracts it.
    expect(panel?.expr).toContain(`- ${EVENT_LOOP_MONITORING_PRECISION_MS / 1000},`);
    const raw = await samplesOf('max(nodejs_eventloop_lag_p99_seconds)');
    expect(Number(raw[0]!.value[1])).toBeGreaterThanOrEqual(EVENT_LOOP_MONITORING_PRECISION_MS / 1000);
    // Between requests every service's loop runs its timers within a few milliseconds of their time (under 50 ms even
    // on a box busy with other tests; the metric itself never reads under 100 ms).
    const quiet = await eventually(
      async () => {
        const samples = await prometheus.query(panel!.expr);
        return samples.length === 4 && samples.every((s) => Number(s.value[1]) < 0.05) ? samples : undefined;
      },
      'the event-loop panel to read under 50 ms for the four services',
      SERIES_APPEAR_WITHIN_MS,
      500,
    );
    expect(quiet.map((s) => s.metric.service).sort()).toEqual(['challenge', 'delivery', 'device-registry', 'reporting']);
  }, 60_000);

  // After the traffic and the outage above: the provider-errors panel needs a refused call to show one.
  it('answers every query of the Grafana dashboard with data', async () => {
    const queries = dashboardQueries();
    expect(queries.length).toBeGreaterThan(20);
    expect(await withoutData(queries.map(({ panel, expr }) => ({ name: panel, expr })))).toEqual([]);
  }, 120_000);
});
