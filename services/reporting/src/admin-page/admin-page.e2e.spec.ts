import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { callJson, createTestNamespace, eventually, freePort, type RunningService, startServiceProcess, type TestNamespace } from '@pushmfa/testing';
import { type Browser, chromium, type Page } from 'playwright-core';
import { AdminPageWorkspace, type SeededChallenge, SHARED_INCIDENT_ID } from './admin-page.test-workspace';

/** Debian's chromium, installed by deploy/local/chromium.sh (npm test runs it); never a browser download. */
const CHROMIUM = '/usr/bin/chromium';
const ARTIFACTS = join(__dirname, '..', '..', '..', '..', '.local', 'e2e-artifacts');

describe('the MFA Report admin page, in a real browser', () => {
  let namespace: TestNamespace;
  let reporting: RunningService;
  let workspace: AdminPageWorkspace;
  /** A second workspace with more requests than one page holds. */
  let busyWorkspace: AdminPageWorkspace;
  const BUSY_REQUESTS = 60;
  let seeded: SeededChallenge[];
  let browser: Browser;
  let page: Page;
  const browserProblems: string[] = [];

  const rows = () => page.locator('table.reports tbody tr[data-challenge-id]');
  const rowOf = (userId: string) => page.locator('table.reports tbody tr', { hasText: userId });
  const rowCountIs = (count: number) => eventually(async () => ((await rows().count()) === count ? true : undefined), `${count} rows in the table`, 20_000);
  // Evaluated in the page (this file is type-checked for Node, which has no sessionStorage).
  const storedKeys = () => page.evaluate<string[]>('Object.keys(sessionStorage)');

  beforeAll(async () => {
    if (!existsSync(CHROMIUM))
      throw new Error(`${CHROMIUM} is missing: run "bash deploy/local/chromium.sh" (npm test does), or install Debian's chromium package`);
    namespace = await createTestNamespace('adminpage');
    reporting = await startServiceProcess('reporting', { ...namespace.env, PORT: String(await freePort()) });
    workspace = new AdminPageWorkspace(namespace.kafkaBrokers, namespace.topicPrefix);
    await workspace.connect();
    await workspace.issueKeys();
    seeded = await workspace.seedChallenges(Date.now());
    await workspace.seedTestPush('alice@acme.example', 'alice-phone', Date.now() - 60_000);
    busyWorkspace = new AdminPageWorkspace(namespace.kafkaBrokers, namespace.topicPrefix);
    await busyWorkspace.connect();
    await busyWorkspace.issueKeys();
    await busyWorkspace.seedPendingRequests(BUSY_REQUESTS, Date.now());
    await eventually(
      async () => {
        const { status, body } = await callJson(reporting.baseUrl, 'GET', '/v1/reports/mfa', workspace.adminKey);
        const page_ = body as { items?: { userId: string; status: string; fraudReported: boolean }[] };
        const statuses = new Map((page_.items ?? []).map((row) => [row.userId, row.status]));
        const complete =
          status === 200 && seeded.every((challenge) => statuses.get(challenge.userId) === challenge.status) && page_.items?.some((row) => row.fraudReported);
        return complete ? true : undefined;
      },
      'every seeded request in the MFA Report with its final status',
      30_000,
    );
    await eventually(
      async () => {
        const { status, body } = await callJson(reporting.baseUrl, 'GET', '/v1/reports/mfa?limit=200', busyWorkspace.adminKey);
        return status === 200 && (body as { items: unknown[] }).items.length === BUSY_REQUESTS ? true : undefined;
      },
      `the ${BUSY_REQUESTS} requests of the busy workspace`,
      30_000,
    );

    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-quic',
        '--no-first-run',
        '--disable-component-update',
        '--disable-sync',
      ],
    });
    page = await browser.newPage({ viewport: { width: 1360, height: 1000 } });
    // A Content-Security-Policy violation or a script error shows up here, and fails the test at the end.
    page.on('console', (message) => {
      if (message.type() === 'error') browserProblems.push(message.text());
    });
    page.on('pageerror', (error) => browserProblems.push(error.message));
  });

  afterAll(async () => {
    await browser?.close();
    await workspace?.disconnect();
    await busyWorkspace?.disconnect();
    await reporting?.stop();
    await namespace?.dispose();
  });

  it('serves the page at / with a strict CSP, the index uncached and hashed assets cached for a year, beside a working API', async () => {
    const index = await fetch(`${reporting.baseUrl}/`);
    expect(index.status).toBe(200);
    expect(index.headers.get('content-type')).toMatch(/text\/html/);
    expect(index.headers.get('cache-control')).toBe('no-cache');
    expect(index.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(index.headers.get('content-security-policy')).toContain("default-src 'none'");
    const html = await index.text();
    const script = /src="(\/assets\/[^"]+\.js)"/.exec(html)?.[1];
    expect(script).toBeDefined();
    const asset = await fetch(`${reporting.baseUrl}${script}`);
    expect(asset.status).toBe(200);
    expect(asset.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');

    expect((await fetch(`${reporting.baseUrl}/health/ready`)).status).toBe(200);
    expect((await fetch(`${reporting.baseUrl}/metrics`)).status).toBe(200);
    expect((await fetch(`${reporting.baseUrl}/openapi.json`)).status).toBe(200);
    expect((await callJson(reporting.baseUrl, 'GET', '/v1/reports/mfa')).status).toBe(401);
    const unknown = await fetch(`${reporting.baseUrl}/no-such-page`);
    expect(unknown.status).toBe(404);
    expect(unknown.headers.get('content-type')).toMatch(/problem\+json/);
  });

  it('refuses a key that is not an admin key, saying so on the sign-in form', async () => {
    await page.goto(`${reporting.baseUrl}/`);
    await page.getByLabel('Admin API key').fill(workspace.platformKey);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByText('That key is not an admin key').waitFor();
    expect(await storedKeys()).toEqual([]);
  });

  it('signs in with the admin key and lists every request newest first, with status chips and the fraud flag', async () => {
    await page.getByLabel('Admin API key').fill(workspace.adminKey);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await rowCountIs(seeded.length);
    const users = await rows().locator('td.user').allTextContents();
    expect(users).toEqual([...seeded].reverse().map((challenge) => challenge.userId));
    const chips = Object.fromEntries(
      await Promise.all(seeded.map(async (challenge) => [challenge.userId, await rowOf(challenge.userId).locator('.chip[data-status]').textContent()])),
    );
    expect(chips).toEqual({
      'alice@acme.example': 'Success',
      'bob@acme.example': 'Denied',
      'carol@acme.example': 'Delivered',
      'dave@acme.example': 'Failed',
      'erin@acme.example': 'Pending',
      'frank@acme.example': 'Expired',
    });
    expect(await rowOf('bob@acme.example').locator('.flag-fraud').textContent()).toContain('Fraud reported');
    expect(await rowOf('alice@acme.example').locator('.flag-fraud').count()).toBe(0);
    expect(await storedKeys()).toEqual(['pushmfa.adminKey']);
  });

  it('shows the summary: counts by status, latency percentiles and both charts', async () => {
    await page.locator('.status-counts li[data-status="success"] .count', { hasText: '1' }).waitFor();
    expect(await page.locator('.status-counts .total .count').textContent()).toBe(String(seeded.length));
    expect(await page.locator('.latency-table tbody tr').first().textContent()).toMatch(/delivered.*ms/);
    expect(await page.locator('svg.chart rect.bar').count()).toBeGreaterThanOrEqual(seeded.length > 0 ? 1 : 0);
    expect(await page.locator('svg.chart path.line').count()).toBeGreaterThan(0);
  });

  it('filters by status with the API query, and clears the filter', async () => {
    await page.getByRole('combobox', { name: 'Status', exact: true }).selectOption('denied');
    await page.getByRole('button', { name: 'Apply filters' }).click();
    await rowCountIs(1);
    expect(await rows().locator('td.user').allTextContents()).toEqual(['bob@acme.example']);
    await page.getByRole('searchbox', { name: 'User', exact: true }).fill('alice@acme.example');
    await page.getByRole('combobox', { name: 'Status', exact: true }).selectOption('');
    await page.getByRole('button', { name: 'Apply filters' }).click();
    await rowCountIs(1);
    expect(await rows().locator('td.user').allTextContents()).toEqual(['alice@acme.example']);
    // Filtered by a user, the page lists the user's test pushes too.
    const testPushes = page.getByRole('region', { name: "Test pushes to alice@acme.example's devices" });
    await testPushes.locator('tr[data-test-push-id] .chip[data-status="received"]').waitFor({ timeout: 20_000 });
    expect(await testPushes.locator('tr[data-test-push-id] td').nth(1).textContent()).toBe('alice-phone');
    await page.getByRole('button', { name: 'Clear' }).click();
    await testPushes.waitFor({ state: 'hidden' });
    await rowCountIs(seeded.length);
  });

  it("opens a request's timeline with every event and each device's delivery outcome", async () => {
    await rowOf('dave@acme.example').click();
    const dialog = page.getByRole('dialog');
    await dialog.locator('tr[data-event-type="PushRejected"]').waitFor();
    expect(await dialog.locator('.device-outcomes li').allTextContents()).toEqual(['dave-phone — Failed', 'dave-tablet — Rejected (dead push token)']);
    await dialog.getByRole('button', { name: 'Close the timeline' }).click();

    await rowOf('alice@acme.example').getByRole('button').click();
    await dialog.locator('tr[data-event-type="ChallengeApproved"]').waitFor();
    expect(await dialog.locator('tbody tr').evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-event-type')))).toEqual([
      'ChallengeIssued',
      'PushDispatched',
      'ChallengeReceived',
      'ChallengeApproved',
    ]);
    expect(await dialog.locator('tr[data-event-type="ChallengeApproved"] td').nth(1).textContent()).toBe('+3.2 s');
    expect(await dialog.locator('.device-outcomes li').allTextContents()).toEqual(['alice-phone — Delivered']);
    expect(await dialog.textContent()).toContain('Payroll');

    mkdirSync(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: join(ARTIFACTS, 'admin-page-timeline.png') });
    await dialog.getByRole('button', { name: 'Close the timeline' }).click();
    // Keyboard users land back on the row they opened.
    const alice = seeded.find((challenge) => challenge.userId === 'alice@acme.example')!;
    expect(await page.evaluate<string | undefined>('document.activeElement?.dataset?.challengeId')).toBe(alice.challengeId);
    await page.screenshot({ path: join(ARTIFACTS, 'admin-page.png'), fullPage: true });
  });

  it('lists the app logs users shared, opens one by the id read out over the phone, and names it on the timeline', async () => {
    const incidents = page.locator('table.incidents-table tbody tr[data-incident-id]');
    await eventually(async () => ((await incidents.count()) === 1 ? true : undefined), 'the shared logs listed', 20_000);
    expect(await incidents.first().textContent()).toContain('carol@acme.example');

    await page.getByRole('textbox', { name: 'Incident id' }).fill(SHARED_INCIDENT_ID.toLowerCase());
    await page.getByRole('button', { name: 'Open incident' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.locator('pre.incident-logs').waitFor();
    expect(await dialog.locator('pre.incident-logs').textContent()).toBe('push registered, token [push token …abc123]\nAccept tapped, no answer within 10 s');
    expect(await dialog.textContent()).toContain('4.1.0');
    await dialog.getByRole('button', { name: 'Close the incident' }).click();

    await rowOf('carol@acme.example').click();
    await dialog.locator('tr[data-event-type="DiagnosticsShared"]').waitFor();
    expect(await dialog.locator('tr[data-event-type="DiagnosticsShared"]').textContent()).toContain(`App logs shared (incident ${SHARED_INCIDENT_ID})`);
    await dialog.getByRole('button', { name: 'Close the timeline' }).click();
  });

  it('signs out, forgetting the key', async () => {
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByText('Signed out').waitFor();
    expect(await storedKeys()).toEqual([]);
  });

  it('goes back to sign-in, saying why, when the admin key is revoked while the page refreshes', async () => {
    await page.getByLabel('Admin API key').fill(workspace.adminKey);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await rowCountIs(seeded.length);
    await workspace.revokeAdminKey();
    await page.getByText('That admin key was not accepted').waitFor({ timeout: 20_000 });
    expect(await page.getByLabel('Admin API key').isVisible()).toBe(true);
    expect(await storedKeys()).toEqual([]);
    await page.screenshot({ path: join(ARTIFACTS, 'admin-page-sign-in.png') });
  });

  it('shows one page of 50 and the rest with "Load more", in order', async () => {
    await page.getByLabel('Admin API key').fill(busyWorkspace.adminKey);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await rowCountIs(50);
    const loadMore = page.getByRole('button', { name: 'Load more' });
    expect(await loadMore.isVisible()).toBe(true);
    await loadMore.click();
    await rowCountIs(BUSY_REQUESTS);
    const users = await rows().locator('td.user').allTextContents();
    expect(users).toEqual(Array.from({ length: BUSY_REQUESTS }, (_, index) => `user-${String(BUSY_REQUESTS - 1 - index).padStart(3, '0')}@bulk.example`));
    expect(await loadMore.isVisible()).toBe(false);
    expect(await page.locator('.row-count').textContent()).toBe(`${BUSY_REQUESTS} requests shown`);
  });

  it('ran without a script error or a Content-Security-Policy violation', () => {
    // The refused keys above answer 401/403, which the browser logs as failed loads; nothing else may appear.
    expect(browserProblems.filter((text) => !/status of 40[13]/.test(text))).toEqual([]);
  });
});
