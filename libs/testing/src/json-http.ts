export interface JsonAnswer {
  status: number;
  // Tests read answers loosely: the shape is what they assert.
  body: Record<string, any>;
  contentType: string | null;
}

/**
 * One HTTP call as a client of the public API makes it: optional bearer key, a JSON body (or the exact raw text a
 * signature was computed over), extra headers such as a device signature.
 */
export async function callJson(
  baseUrl: string,
  method: string,
  path: string,
  auth?: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<JsonAnswer> {
  const response = await fetch(baseUrl + path, {
    method,
    headers: {
      ...(auth ? { authorization: `Bearer ${auth}` } : {}),
      ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
      ...headers,
    },
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, body: text ? (JSON.parse(text) as Record<string, any>) : {}, contentType: response.headers.get('content-type') };
}
