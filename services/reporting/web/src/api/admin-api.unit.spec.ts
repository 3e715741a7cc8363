import { describe, expect, it } from 'vitest';
import { AdminApi, type FetchFunction } from './admin-api';
import { AdminApiError } from './admin-api-error';

function answering(status: number, body: unknown, contentType = 'application/json') {
  const calls: { url: string; headers: Record<string, string> }[] = [];
  const fetchFn: FetchFunction = async (url, init) => {
    calls.push({ url, headers: init?.headers as Record<string, string> });
    return new Response(typeof body === 'string' ? body : JSON.stringify(body), { status, headers: { 'content-type': contentType } });
  };
  return { calls, api: new AdminApi('pmk_admin_key', fetchFn) };
}

async function failureOf(promise: Promise<unknown>): Promise<AdminApiError> {
  const error = await promise.then(
    () => undefined,
    (reason: unknown) => reason,
  );
  expect(error).toBeInstanceOf(AdminApiError);
  return error as AdminApiError;
}

describe('admin API client', () => {
  it('sends the admin key as a bearer token and the query as given', async () => {
    const { api, calls } = answering(200, { items: [], nextCursor: null });
    await expect(api.listReports(new URLSearchParams({ status: 'denied', limit: '50' }))).resolves.toEqual({ items: [], nextCursor: null });
    expect(calls).toEqual([{ url: '/v1/reports/mfa?status=denied&limit=50', headers: { authorization: 'Bearer pmk_admin_key', accept: 'application/json' } }]);
  });

  it('reads the series and one report at their own paths, the challenge id escaped', async () => {
    const { api, calls } = answering(200, {});
    await api.summarizeSeries(new URLSearchParams({ bucketSeconds: '60' }));
    await api.readReport('a/b c');
    await api.summarize(new URLSearchParams());
    expect(calls.map((call) => call.url)).toEqual(['/v1/reports/mfa/summary/series?bucketSeconds=60', '/v1/reports/mfa/a%2Fb%20c', '/v1/reports/mfa/summary']);
  });

  it('lists and reads shared app logs at their own paths, the incident id escaped', async () => {
    const { api, calls } = answering(200, { items: [] });
    await api.listIncidents(new URLSearchParams({ limit: '20' }));
    await api.readIncident('inc 7k3m/q9tx');
    expect(calls.map((call) => call.url)).toEqual(['/v1/reports/diagnostics?limit=20', '/v1/reports/diagnostics/inc%207k3m%2Fq9tx']);
  });

  it('signs the admin out on 401, saying the key was not accepted', async () => {
    const error = await failureOf(answering(401, { code: 'unauthorized' }).api.listReports(new URLSearchParams()));
    expect(error.failure).toBe('signed-out');
    expect(error.message).toMatch(/not accepted/);
  });

  it('signs the admin out on 403, saying an admin key is needed', async () => {
    const error = await failureOf(answering(403, { code: 'forbidden' }).api.listReports(new URLSearchParams()));
    expect(error.failure).toBe('signed-out');
    expect(error.message).toMatch(/admin key/);
  });

  it("shows the API's own words for a refused query, naming the field", async () => {
    const body = { code: 'validation_failed', detail: 'the request is not valid', errors: [{ field: 'from', message: 'Invalid ISO datetime' }] };
    const error = await failureOf(answering(400, body, 'application/problem+json').api.listReports(new URLSearchParams()));
    expect(error.failure).toBe('refused');
    expect(error.message).toBe('the request is not valid (validation_failed) — from: Invalid ISO datetime');
  });

  it('keeps the page and retries when the service is down or answers garbage', async () => {
    const down = new AdminApi('k', async () => {
      throw new TypeError('Failed to fetch');
    });
    expect((await failureOf(down.listReports(new URLSearchParams()))).failure).toBe('unreachable');
    expect((await failureOf(answering(503, { code: 'unavailable', detail: 'starting' }).api.summarize(new URLSearchParams()))).failure).toBe('unreachable');
    expect((await failureOf(answering(200, '<html>proxy error</html>', 'text/html').api.summarize(new URLSearchParams()))).failure).toBe('unreachable');
  });
});
