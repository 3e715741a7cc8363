import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { alertRules, recordingRules, ROOT, ruleFiles, ruleTestFiles, runTool } from '../support/prometheus-files';

const RUNBOOK = readFileSync(join(ROOT, 'docs', 'RUNBOOK.md'), 'utf8');
// GitHub's heading anchors: lower case, spaces to dashes, punctuation dropped.
const runbookAnchors = new Set([...RUNBOOK.matchAll(/^#{2,4} (.+)$/gm)].map((m) => m[1]!.trim().toLowerCase().replace(/[^\w\- ]/g, '').replace(/ /g, '-')));
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
    expect(recordingRules().map((r) => r.record).filter((name) => !/^pushmfa:[a-z0-9_]+:[a-z0-9_]+$/.test(name))).toEqual([]);
  });
});
