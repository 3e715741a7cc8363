import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { ROOT, runTool } from '../support/prometheus-files';

const K8S = join(ROOT, 'deploy', 'k8s');
// Every directory of deploy/k8s with a kustomization is an overlay an operator may apply.
const OVERLAYS = readdirSync(K8S).filter((dir) => statSync(join(K8S, dir)).isDirectory() && readdirSync(join(K8S, dir)).includes('kustomization.yaml'));

type Obj = Record<string, any>;

/** The apiVersion each kind must have, and what a cluster would refuse it without. */
const KINDS: Record<string, { apiVersion: string; namespaced: boolean; check: (o: Obj) => string[] }> = {
  Namespace: { apiVersion: 'v1', namespaced: false, check: () => [] },
  ConfigMap: {
    apiVersion: 'v1',
    namespaced: true,
    check: (o) =>
      o.data && typeof o.data === 'object'
        ? Object.entries(o.data)
            .filter(([, v]) => typeof v !== 'string')
            .map(([k]) => `data.${k} must be a string`)
        : ['no data'],
  },
  Secret: { apiVersion: 'v1', namespaced: true, check: (o) => (o.data || o.stringData ? [] : ['no data or stringData']) },
  ServiceAccount: { apiVersion: 'v1', namespaced: true, check: () => [] },
  Service: {
    apiVersion: 'v1',
    namespaced: true,
    check: (o) => [
      ...(o.spec?.selector ? [] : ['no spec.selector']),
      ...(Array.isArray(o.spec?.ports) && o.spec.ports.length && o.spec.ports.every((p: Obj) => p.port) ? [] : ['spec.ports needs a port each']),
    ],
  },
  Deployment: { apiVersion: 'apps/v1', namespaced: true, check: (o) => workloadProblems(o) },
  StatefulSet: { apiVersion: 'apps/v1', namespaced: true, check: (o) => workloadProblems(o) },
  PodDisruptionBudget: {
    apiVersion: 'policy/v1',
    namespaced: true,
    check: (o) => [
      ...(o.spec?.selector ? [] : ['no spec.selector']),
      ...(o.spec?.minAvailable !== undefined || o.spec?.maxUnavailable !== undefined ? [] : ['needs minAvailable or maxUnavailable']),
    ],
  },
  HorizontalPodAutoscaler: {
    apiVersion: 'autoscaling/v2',
    namespaced: true,
    check: (o) => [
      ...(o.spec?.scaleTargetRef?.kind && o.spec?.scaleTargetRef?.name ? [] : ['no spec.scaleTargetRef']),
      ...(Number.isInteger(o.spec?.maxReplicas) ? [] : ['no spec.maxReplicas']),
    ],
  },
  ScaledObject: {
    apiVersion: 'keda.sh/v1alpha1',
    namespaced: true,
    check: (o) => [
      ...(o.spec?.scaleTargetRef?.name ? [] : ['no spec.scaleTargetRef.name']),
      ...(Array.isArray(o.spec?.triggers) && o.spec.triggers.length && o.spec.triggers.every((t: Obj) => t.type && t.metadata)
        ? []
        : ['spec.triggers need type and metadata']),
    ],
  },
  TriggerAuthentication: { apiVersion: 'keda.sh/v1alpha1', namespaced: true, check: (o) => (o.spec ? [] : ['no spec']) },
  NetworkPolicy: { apiVersion: 'networking.k8s.io/v1', namespaced: true, check: (o) => (o.spec?.podSelector ? [] : ['no spec.podSelector']) },
  ServiceMonitor: {
    apiVersion: 'monitoring.coreos.com/v1',
    namespaced: true,
    check: (o) => (o.spec?.selector && Array.isArray(o.spec?.endpoints) ? [] : ['needs spec.selector and spec.endpoints']),
  },
};

function workloadProblems(o: Obj): string[] {
  const problems: string[] = [];
  const selector = o.spec?.selector?.matchLabels ?? {};
  const podLabels = o.spec?.template?.metadata?.labels ?? {};
  if (!Object.keys(selector).length) problems.push('no spec.selector.matchLabels');
  for (const [key, value] of Object.entries(selector))
    if (podLabels[key] !== value) problems.push(`selector ${key}=${String(value)} does not match the pod template's labels`);
  const containers: Obj[] = o.spec?.template?.spec?.containers ?? [];
  if (!containers.length) problems.push('no containers');
  for (const container of containers) {
    if (!container.name || !container.image) problems.push('a container needs name and image');
    for (const probe of ['readinessProbe', 'livenessProbe'] as const) if (!container[probe]) problems.push(`${container.name}: no ${probe}`);
  }
  return problems;
}

function render(overlay: string): Obj[] {
  const run = runTool('kubectl', ['kustomize', join(K8S, overlay)]);
  if (run.status !== 0) throw new Error(`kubectl kustomize deploy/k8s/${overlay} failed:\n${run.output}`);
  return parseAllDocuments(run.output)
    .map((doc) => {
      if (doc.errors.length) throw new Error(`deploy/k8s/${overlay} renders invalid YAML: ${doc.errors[0]!.message}`);
      return doc.toJS() as Obj;
    })
    .filter((o) => o !== null);
}

/** Namespaces the stores run in (deploy/k8s/README.md); their ingress policies admit only pushmfa's services. */
const STORE_NAMESPACES = ['pushmfa', 'kafka', 'postgres', 'redis'];

describe.each(OVERLAYS)('deploy/k8s/%s rendered by kustomize', (overlay) => {
  let objects: Obj[];
  beforeAll(() => {
    objects = render(overlay);
  });

  it('renders only kinds it knows, each with its apiVersion, a DNS-1123 name, its namespace and its required fields', () => {
    expect(objects.length).toBeGreaterThan(0);
    const problems = objects.flatMap((o) => {
      const id = `${o.kind ?? '?'}/${o.metadata?.name ?? '?'}`;
      const kind = KINDS[o.kind];
      if (!kind) return [`${id}: kind ${o.kind} is not one this test knows; add its required fields to KINDS`];
      const found: string[] = [];
      if (o.apiVersion !== kind.apiVersion) found.push(`${id}: apiVersion ${o.apiVersion}, expected ${kind.apiVersion}`);
      if (typeof o.metadata?.name !== 'string' || !/^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$/.test(o.metadata.name))
        found.push(`${id}: metadata.name is not a DNS-1123 name`);
      // Everything lives in pushmfa, except the policies that admit only pushmfa's services to the stores' own namespaces.
      const allowed = o.kind === 'NetworkPolicy' ? STORE_NAMESPACES : ['pushmfa'];
      if (kind.namespaced && !allowed.includes(o.metadata?.namespace as string)) found.push(`${id}: not in namespace ${allowed.join(' or ')}`);
      return [...found, ...kind.check(o).map((problem) => `${id}: ${problem}`)];
    });
    expect(problems).toEqual([]);
  });

  it('names each object once per kind', () => {
    const ids = objects.map((o) => `${o.kind}/${o.metadata?.namespace ?? ''}/${o.metadata?.name}`);
    expect(ids.filter((id, i) => ids.indexOf(id) !== i)).toEqual([]);
  });

  it('lets Prometheus scrape every service on the port it listens on, at /metrics', () => {
    const deployments = objects.filter((o) => o.kind === 'Deployment');
    expect(deployments.map((d) => d.metadata.name).sort()).toEqual(['challenge', 'delivery', 'device-registry', 'reporting']);
    const problems = deployments.flatMap((d) => {
      const annotations = d.spec.template.metadata?.annotations ?? {};
      const ports: number[] = d.spec.template.spec.containers.flatMap((c: Obj) => (c.ports ?? []).map((p: Obj) => p.containerPort));
      const found: string[] = [];
      if (annotations['prometheus.io/scrape'] !== 'true') found.push(`${d.metadata.name}: no prometheus.io/scrape "true"`);
      if (!ports.includes(Number(annotations['prometheus.io/port'])))
        found.push(`${d.metadata.name}: prometheus.io/port ${annotations['prometheus.io/port']} is not a container port (${ports.join(', ')})`);
      if (annotations['prometheus.io/path'] !== '/metrics') found.push(`${d.metadata.name}: prometheus.io/path is not /metrics`);
      return found;
    });
    expect(problems).toEqual([]);
  });

  it('refers only to ConfigMaps it renders, and scales only Deployments it renders', () => {
    const names = (kind: string) => new Set(objects.filter((o) => o.kind === kind).map((o) => o.metadata.name));
    const configMaps = names('ConfigMap');
    const deployments = names('Deployment');
    const problems: string[] = [];
    for (const d of objects.filter((o) => o.kind === 'Deployment')) {
      for (const c of d.spec.template.spec.containers) {
        for (const source of c.envFrom ?? [])
          if (source.configMapRef && !configMaps.has(source.configMapRef.name))
            problems.push(`${d.metadata.name}: ConfigMap ${source.configMapRef.name} is not rendered`);
      }
    }
    for (const scaler of objects.filter((o) => o.kind === 'HorizontalPodAutoscaler' || o.kind === 'ScaledObject')) {
      if (!deployments.has(scaler.spec.scaleTargetRef.name))
        problems.push(`${scaler.kind}/${scaler.metadata.name}: scales ${scaler.spec.scaleTargetRef.name}, which is not rendered`);
    }
    expect(problems).toEqual([]);
  });
});
