import { FaceIdError, toClientError } from '../errors';
import type { Services } from '../runtime';

/** The event CloudBase HTTP access passes to a function. */
export interface HttpEvent {
  httpMethod: string;
  path: string;
  headers: Record<string, string>;
  /** The query string's parameters (`queryStringParameters`). */
  query: Record<string, string>;
  body: string;
}

/** The answer CloudBase HTTP access turns into an HTTP response. */
export interface HttpAnswer {
  statusCode: number;
  headers: Record<string, string>;
  body: string;
  isBase64Encoded: false;
}

/** A plain-text HTTP answer. */
export function textAnswer(statusCode: number, body: string): HttpAnswer {
  return {
    statusCode,
    headers: { 'content-type': 'text/plain; charset=utf-8' },
    body,
    isBase64Encoded: false,
  };
}

/** A JSON HTTP answer. */
export function jsonAnswer(
  statusCode: number,
  body: unknown,
  headers: Record<string, string> = {},
): HttpAnswer {
  return {
    statusCode,
    headers: { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store', ...headers },
    body: JSON.stringify(body),
    isBase64Encoded: false,
  };
}

/** Reads CloudBase's HTTP access event (headers lower-cased, base64 bodies decoded). */
function readHttpEvent(event: unknown): HttpEvent {
  if (!event || typeof event !== 'object')
    throw new FaceIdError('INVALID_EVENT', { detail: 'not an HTTP event' });
  const e = event as Record<string, unknown>;
  const method = typeof e.httpMethod === 'string' ? e.httpMethod.toUpperCase() : '';
  if (!method) throw new FaceIdError('INVALID_EVENT', { detail: 'not an HTTP event' });
  const headers: Record<string, string> = {};
  if (e.headers && typeof e.headers === 'object') {
    for (const [k, v] of Object.entries(e.headers as Record<string, unknown>))
      if (typeof v === 'string') headers[k.toLowerCase()] = v;
  }
  const query = Object.create(null) as Record<string, string>;
  if (e.queryStringParameters && typeof e.queryStringParameters === 'object') {
    for (const [k, v] of Object.entries(e.queryStringParameters as Record<string, unknown>))
      if (typeof v === 'string') query[k] = v;
  }
  let body = typeof e.body === 'string' ? e.body : '';
  if (e.isBase64Encoded === true) body = Buffer.from(body, 'base64').toString('utf8');
  return { httpMethod: method, path: typeof e.path === 'string' ? e.path : '/', headers, query, body };
}

/** Form fields of a url-encoded or JSON body; at most 64 KB are read. */
export function formFields(http: HttpEvent): Record<string, string> {
  if (http.body.length > 64 * 1024) throw new FaceIdError('REQUEST_TOO_LARGE');
  const type = http.headers['content-type'] ?? '';
  const fields = Object.create(null) as Record<string, string>;
  if (type.includes('application/json')) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(http.body);
    } catch {
      throw new FaceIdError('INVALID_EVENT', { detail: 'body is not JSON' });
    }
    if (parsed && typeof parsed === 'object') {
      for (const [k, v] of Object.entries(parsed)) fields[k] = typeof v === 'string' ? v : JSON.stringify(v);
    }
    return fields;
  }
  for (const [k, v] of new URLSearchParams(http.body)) fields[k] = v;
  return fields;
}

const STATUS_BY_CODE: Record<string, number> = {
  INVALID_EVENT: 400,
  MISSING_ARGUMENTS: 400,
  BAD_ARGUMENTS: 400,
  INVALID_EXTERNAL_REF: 400,
  UNAUTHORIZED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  AMBIGUOUS: 409,
  RATE_LIMITED: 429,
  REQUEST_TOO_LARGE: 413,
  CONFIG_MISSING: 500,
  CONFIG_INVALID: 500,
};

/**
 * Adapts a handler to CloudBase HTTP access: every failure becomes a status code (5xx for upstream trouble, so
 * the caller retries later) with a short text body that carries no details.
 */
export function httpHandler(handler: (http: HttpEvent, services: Services) => Promise<HttpAnswer>) {
  return async (event: unknown, services: Services): Promise<HttpAnswer> => {
    try {
      return await handler(readHttpEvent(event), services);
    } catch (err) {
      const code = err instanceof FaceIdError ? err.code : 'INTERNAL';
      services.log.warn({ fn: 'http', event: 'failed', code });
      return textAnswer(STATUS_BY_CODE[code] ?? 503, code);
    }
  };
}

/**
 * Adapts a handler to CloudBase HTTP access for a business's backend: every failure becomes its status code with
 * a JSON body `{ error: { code, message } }` (the stable code and its Chinese message, no details).
 */
export function jsonHttpHandler(handler: (http: HttpEvent, services: Services) => Promise<HttpAnswer>) {
  return async (event: unknown, services: Services): Promise<HttpAnswer> => {
    try {
      return await handler(readHttpEvent(event), services);
    } catch (err) {
      const error = toClientError(err);
      services.log.warn({ fn: services.fn, event: 'failed', code: error.code });
      const headers: Record<string, string> =
        error.retryAt !== undefined
          ? { 'retry-after': String(Math.max(1, Math.ceil((error.retryAt - services.now()) / 1000))) }
          : {};
      return jsonAnswer(
        STATUS_BY_CODE[error.code] ?? 503,
        { error: { code: error.code, message: error.message, param: error.param } },
        headers,
      );
    }
  };
}
