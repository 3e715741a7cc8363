import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';

export const ROOT = join(__dirname, '..', '..');
export const RULES_DIR = join(ROOT, 'deploy', 'prometheus', 'rules');
export const RULE_TESTS_DIR = join(ROOT, 'deploy', 'prometheus', 'tests');
export const DASHBOARD_FILE = join(ROOT, 'deploy', 'grafana', 'dashboards', 'pushmfa.json');

export interface RecordingRule {
  record: string;
  expr: string;
}
export interface AlertRule {
  alert: string;
  expr: string;
  for?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}
type Rule = RecordingRule | AlertRule;

export const ruleFiles = (): string[] =>
  readdirSync(RULES_DIR)
    .filter((f) => f.endsWith('.rules.yml'))
    .map((f) => join(RULES_DIR, f));
export const ruleTestFiles = (): string[] =>
  readdirSync(RULE_TESTS_DIR)
    .filter((f) => f.endsWith('.test.yml'))
    .map((f) => join(RULE_TESTS_DIR, f));

function rules(): Rule[] {
  return ruleFiles().flatMap((file) => (parse(readFileSync(file, 'utf8')) as { groups: { rules: Rule[] }[] }).groups.flatMap((g) => g.rules));
}

export const recordingRules = (): RecordingRule[] => rules().filter((r): r is RecordingRule => 'record' in r);
export const alertRules = (): AlertRule[] => rules().filter((r): r is AlertRule => 'alert' in r);

/** Every PromQL expression of the Grafana dashboard, with the title of its panel. */
export function dashboardQueries(): { panel: string; expr: string }[] {
  const dashboard = JSON.parse(readFileSync(DASHBOARD_FILE, 'utf8')) as { panels: { title: string; type: string; targets?: { expr: string }[] }[] };
  return dashboard.panels.filter((p) => p.type !== 'row').flatMap((p) => (p.targets ?? []).map((t) => ({ panel: p.title, expr: t.expr })));
}

/** Runs a tool installed by deploy/local/prometheus.sh; fails saying so when it is missing. */
export function runTool(tool: 'promtool' | 'kubectl' | 'prometheus', args: string[], cwd = ROOT): { status: number; output: string } {
  const run = spawnSync(tool, args, { cwd, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (run.error) {
    throw new Error(`${tool} cannot run (${run.error.message}): install it with "bash deploy/local/prometheus.sh" (npm test does)`);
  }
  return { status: run.status ?? -1, output: `${run.stdout}${run.stderr}` };
}
