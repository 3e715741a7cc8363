import { AdminApiError, errorOfAnswer } from './admin-api-error';
import type { Incident, IncidentSummary, ReportDetail, ReportPage, ReportSeries, ReportSummary, TestPush } from './report-types';

export type FetchFunction = (input: string, init?: RequestInit) => Promise<Response>;

/** Every call the page makes to the reporting service, each with `Authorization: Bearer <admin key>`. */
export class AdminApi {
  constructor(
    private readonly adminKey: string,
    private readonly fetchFn: FetchFunction = (input, init) => fetch(input, init),
    private readonly baseUrl = '',
  ) {}

  listReports(query: URLSearchParams): Promise<ReportPage> {
    return this.get(`/v1/reports/mfa${queryString(query)}`);
  }

  readReport(challengeId: string): Promise<ReportDetail> {
    return this.get(`/v1/reports/mfa/${encodeURIComponent(challengeId)}`);
  }

  summarize(query: URLSearchParams): Promise<ReportSummary> {
    return this.get(`/v1/reports/mfa/summary${queryString(query)}`);
  }

  summarizeSeries(query: URLSearchParams): Promise<ReportSeries> {
    return this.get(`/v1/reports/mfa/summary/series${queryString(query)}`);
  }

  /** The user's test pushes, newest first. */
  listTestPushes(userId: string): Promise<{ items: TestPush[] }> {
    return this.get(`/v1/reports/test-pushes${queryString(new URLSearchParams({ userId }))}`);
  }

  listIncidents(query: URLSearchParams): Promise<{ items: IncidentSummary[] }> {
    return this.get(`/v1/reports/diagnostics${queryString(query)}`);
  }

  readIncident(incidentId: string): Promise<Incident> {
    return this.get(`/v1/reports/diagnostics/${encodeURIComponent(incidentId)}`);
  }

  private async get<T>(path: string): Promise<T> {
    let response: Response;
    try {
      response = await this.fetchFn(this.baseUrl + path, {
        headers: { authorization: `Bearer ${this.adminKey}`, accept: 'application/json' },
        cache: 'no-store',
      });
    } catch {
      throw new AdminApiError('unreachable', 'The reporting service cannot be reached. Retrying.');
    }
    const body = await bodyOf(response);
    if (!response.ok) throw errorOfAnswer(response.status, body);
    if (body === undefined) throw new AdminApiError('unreachable', 'The reporting service sent an answer that is not JSON. Retrying.', response.status);
    return body as T;
  }
}

function queryString(query: URLSearchParams): string {
  const text = query.toString();
  return text ? `?${text}` : '';
}

async function bodyOf(response: Response): Promise<unknown> {
  try {
    const text = await response.text();
    return text ? (JSON.parse(text) as unknown) : undefined;
  } catch {
    return undefined;
  }
}
