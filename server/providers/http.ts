import { FaceIdError, parseFaceIdErrorBody } from '../errors';
import type { ImageFile } from './types';

export type FormValue = string | number | ImageFile | undefined;

interface UpstreamRequest {
  method: 'GET' | 'POST';
  url: string;
  headers?: Record<string, string>;
  /** Form fields; sent multipart when any value is a file or `multipart` is set, otherwise url-encoded. */
  form?: Record<string, FormValue>;
  multipart?: boolean;
  /** A JSON body (WeChat's APIs), sent instead of a form. */
  json?: Record<string, unknown>;
  timeoutMs: number;
}

export interface UpstreamResponse {
  status: number;
  body: Record<string, unknown>;
}

function isFile(value: FormValue): value is ImageFile {
  return typeof value === 'object' && value !== null && 'data' in value;
}

function encodeBody(
  form: Record<string, FormValue>,
  multipart = false,
): { body: string | FormData; contentType?: string } {
  const entries = Object.entries(form).filter(
    (e): e is [string, Exclude<FormValue, undefined>] => e[1] !== undefined,
  );
  if (multipart || entries.some(([, v]) => isFile(v))) {
    const data = new FormData();
    for (const [key, value] of entries) {
      if (isFile(value))
        data.append(
          key,
          // eslint-disable-next-line @typescript-eslint/no-unnecessary-type-assertion -- tsc needs it: a Buffer's ArrayBufferLike is no BlobPart
          new Blob([value.data as Uint8Array<ArrayBuffer>], { type: value.contentType }),
          value.filename,
        );
      else data.append(key, String(value));
    }
    return { body: data };
  }
  const params = new URLSearchParams();
  for (const [key, value] of entries) if (!isFile(value)) params.append(key, String(value));
  return { body: params.toString(), contentType: 'application/x-www-form-urlencoded; charset=UTF-8' };
}

/** Connection failures before any byte of the request left: FaceID cannot have seen it. */
const NEVER_SENT = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH']);

/**
 * Sends one request to FaceID and returns its JSON answer; every failure (time-out, network, non-JSON body,
 * FaceID error answer) is thrown as a typed FaceIdError.
 */
export async function callUpstream(req: UpstreamRequest): Promise<UpstreamResponse> {
  const headers: Record<string, string> = { Accept: 'application/json', ...req.headers };
  let body: string | FormData | undefined;
  if (req.json && req.method === 'POST') {
    body = JSON.stringify(req.json);
    headers['Content-Type'] = 'application/json; charset=utf-8';
  } else if (req.form && req.method === 'POST') {
    const encoded = encodeBody(req.form, req.multipart);
    body = encoded.body;
    if (encoded.contentType) headers['Content-Type'] = encoded.contentType;
  }
  let res: Response;
  let text: string;
  // A plain controller and timer: AbortSignal.timeout costs several times more per call.
  const abort = new AbortController();
  const timer = setTimeout(() => abort.abort(), req.timeoutMs);
  try {
    res = await fetch(req.url, { method: req.method, headers, body, signal: abort.signal });
    text = await res.text();
  } catch (err) {
    const name = (err as Error)?.name;
    if (name === 'TimeoutError' || name === 'AbortError') {
      throw new FaceIdError('UPSTREAM_TIMEOUT', {
        detail: `FaceID did not answer within ${req.timeoutMs} ms`,
      });
    }
    const cause = (err as { cause?: { code?: unknown } })?.cause?.code;
    throw new FaceIdError('NETWORK_ERROR', {
      detail: `FaceID request failed: ${(err as Error)?.message ?? 'unknown'}`,
      nothingBought: typeof cause === 'string' && NEVER_SENT.has(cause),
    });
  } finally {
    clearTimeout(timer);
  }
  let parsed: unknown;
  try {
    parsed = text === '' ? undefined : JSON.parse(text);
  } catch {
    parsed = undefined;
  }
  const object =
    typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)
      ? (parsed as Record<string, unknown>)
      : undefined;
  if (res.status >= 400 || (object && ('error' in object || 'error_message' in object))) {
    throw (
      parseFaceIdErrorBody(res.status, object ?? text) ??
      new FaceIdError('UPSTREAM_ERROR', { status: res.status })
    );
  }
  if (!object) {
    throw new FaceIdError('BAD_UPSTREAM_RESPONSE', {
      status: res.status,
      detail: 'FaceID answered with a body that is not a JSON object',
    });
  }
  return { status: res.status, body: object };
}
