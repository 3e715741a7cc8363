import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { alertRules, DASHBOARD_FILE, recordingRules, ROOT, ruleFiles, ruleTestFiles, runTool } from '../support/prometheus-files';

const RUNBOOK = readFileSync(join(ROOT, 'docs', 'RUNBOOK.md'), 'utf8');
// GitHub's heading anchors: lower case, spaces to dashes, punctuation dropped.
const runbookAnchors = new Set(
  [...RUNBOOK.matchAll(/^#{2,4} (.+)$/gm)].map((m) =>
    m[1]!
      .trim()
      .toLowerCase()
      .replace(/[^\w\- ]/g, '')
      .replace(/ /g, '-'),
  ),
);
const IDENTIFYING_LABELS = /\b(user_?id|device_?id|challenge_?id|workspace_?id|push_?token)\b/i;

describe('Prometheus rules (deploy/prometheus)', () => {
  it('are valid for promtool', () => {
    const run = runTool('promtool', ['check', 'rules', ...ruleFiles()]);
    expect({ status: run.status, output: run.output }).toEqual({ status: 0, output: expect.stringContaining('SUCCESS') });
  });

  it('pass their promtool unit tests: each alert fires on its cause and stays silent otherwise', () => {
    const run = runTool('promtool', ['test', 'rules', ...ruleTestFiles()]);
    expect({ status: run.status, output: run.output }).toEqual({ status: 0, output: expect.not.stringContaining('FAILED') });
  });

  it('test every alert, firing at least once', () => {
    const fired = new Set<string>();
    for (const file of ruleTestFiles()) {
      const suite = parse(readFileSync(file, 'utf8')) as { tests: { alert_rule_test?: { alertname: string; exp_alerts: unknown[] }[] }[] };
      for (const test of suite.tests) for (const check of test.alert_rule_test ?? []) if (check.exp_alerts.length > 0) fired.add(check.alertname);
    }
    expect([...new Set(alertRules().map((r) => r.alert))].filter((name) => !fired.has(name))).toEqual([]);
  });

  it('give every alert a severity, a summary and a runbook_url pointing at its own section of docs/RUNBOOK.md', () => {
    const problems = alertRules().flatMap((rule) => {
      const url = rule.annotations?.runbook_url ?? '';
      const anchor = url.split('#')[1] ?? '';
      const found: string[] = [];
      if (!['page', 'ticket'].includes(rule.labels?.severity ?? '')) found.push(`${rule.alert}: severity must be page or ticket`);
      if (!rule.annotations?.summary) found.push(`${rule.alert}: no summary`);
      if (!url.includes('docs/RUNBOOK.md#')) found.push(`${rule.alert}: runbook_url ${url} is not a RUNBOOK.md section`);
      else if (anchor !== rule.alert.toLowerCase()) found.push(`${rule.alert}: runbook_url points at #${anchor}`);
      else if (!runbookAnchors.has(anchor)) found.push(`${rule.alert}: docs/RUNBOOK.md has no section ${rule.alert}`);
      return found;
    });
    expect(problems).toEqual([]);
  });

  it('never aggregate or select by an identifier of a user, device, challenge or workspace', () => {
    const offending = [...recordingRules(), ...alertRules()].filter((rule) => IDENTIFYING_LABELS.test(rule.expr));
    expect(offending).toEqual([]);
  });

  it('follow the level:metric:operations naming for recorded series', () => {
    expect(
      recordingRules()
        .map((r) => r.record)
        .filter((name) => !/^pushmfa:[a-z0-9_]+:[a-z0-9_]+$/.test(name)),
    ).toEqual([]);
  });
});

describe('the observability profile of docker-compose.yml', () => {
  const compose = parse(readFileSync(join(ROOT, 'docker-compose.yml'), 'utf8')) as { services: Record<string, { profiles?: string[]; volumes?: string[] }> };

  it('runs Prometheus and Grafana, and only in that profile', () => {
    expect(
      Object.entries(compose.services)
        .filter(([, s]) => s.profiles?.includes('observability'))
        .map(([name]) => name)
        .sort(),
    ).toEqual(['grafana', 'prometheus']);
  });

  it('mounts files and folders of the checkout that exist: the Prometheus config, the rules, the provisioning and the dashboard', () => {
    const mounts = ['prometheus', 'grafana'].flatMap((name) =>
      (compose.services[name]?.volumes ?? []).filter((v) => v.startsWith('./')).map((v) => v.split(':')[0]!),
    );
    expect(mounts.sort()).toEqual([
      './deploy/grafana/dashboards',
      './deploy/grafana/provisioning',
      './deploy/prometheus/prometheus.compose.yml',
      './deploy/prometheus/rules',
    ]);
    expect(mounts.filter((path) => !existsSync(join(ROOT, path)))).toEqual([]);
    const config = runTool('promtool', ['check', 'config', join(ROOT, 'deploy', 'prometheus', 'prometheus.compose.yml')]);
    expect(config.status).toBe(0);
  });

  it('provisions the data source the dashboard queries', () => {
    const datasources = parse(readFileSync(join(ROOT, 'deploy', 'grafana', 'provisioning', 'datasources', 'prometheus.yml'), 'utf8')) as {
      datasources: { uid: string; url: string }[];
    };
    const dashboard = JSON.parse(readFileSync(DASHBOARD_FILE, 'utf8')) as { panels: { type: string; datasource?: { uid: string } }[] };
    const used = new Set(dashboard.panels.filter((p) => p.type !== 'row').map((p) => p.datasource?.uid));
    expect([...used]).toEqual([datasources.datasources[0]!.uid]);
    expect(datasources.datasources[0]!.url).toBe('http://prometheus:9090');
  });
});
