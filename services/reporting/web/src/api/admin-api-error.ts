/**
 * What went wrong with a call, in the terms the page acts on: `signed-out` sends the admin back to sign-in,
 * `unreachable` keeps the page and retries on the next refresh, `refused` shows the API's own words.
 */
export type AdminApiFailure = 'signed-out' | 'unreachable' | 'refused';

export class AdminApiError extends Error {
  constructor(
    readonly failure: AdminApiFailure,
    message: string,
    readonly status?: number,
  ) {
    super(message);
    this.name = 'AdminApiError';
  }
}

/** The problem+json body of a refused call (API.md): `code` is stable, `detail` is for people. */
interface ProblemBody {
  code?: unknown;
  detail?: unknown;
  title?: unknown;
  errors?: unknown;
}

/** Turns a non-2xx answer into the error the page shows; 401 and 403 both mean this key cannot read the report. */
export function errorOfAnswer(status: number, body: unknown): AdminApiError {
  if (status === 401) return new AdminApiError('signed-out', 'That admin key was not accepted (it may be mistyped or revoked). Sign in again.', status);
  if (status === 403) return new AdminApiError('signed-out', 'That key is not an admin key: the MFA Report needs a workspace admin key.', status);
  const problem = (typeof body === 'object' && body !== null ? body : {}) as ProblemBody;
  const fields = Array.isArray(problem.errors)
    ? problem.errors.flatMap((error: { field?: unknown; message?: unknown }) =>
        typeof error?.field === 'string' ? [`${error.field}: ${String(error.message ?? '')}`] : [],
      )
    : [];
  const detail = typeof problem.detail === 'string' ? problem.detail : typeof problem.title === 'string' ? problem.title : `HTTP ${status}`;
  const code = typeof problem.code === 'string' ? ` (${problem.code})` : '';
  if (status >= 500) return new AdminApiError('unreachable', `The reporting service could not answer: ${detail}${code}. Retrying.`, status);
  return new AdminApiError('refused', `${detail}${code}${fields.length > 0 ? ` — ${fields.join('; ')}` : ''}`, status);
}
