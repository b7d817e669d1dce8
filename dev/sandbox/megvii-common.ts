/**
 * What the Megvii products of the sandbox share (the Megvii documents, docs/providers.md#vendor-documents): per-sandbox token state, answers in
 * each seed's error format (status, `error` or `error_message`), the api_key pair, parameter rules, queued seed
 * errors, signed notifies and the test-control routes under /__sandbox/megvii.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { BadBodyError, type ParsedBody } from './body';
import type { SandboxClock } from './clock';
import type { FlowStore } from './flows';
import { imageInfo } from './images';
import { errorRow, errorText, type MegviiErrorRow } from './megvii-errors';
import { loopbackAddress, MEGVII_NOTIFY_PORTS } from './notify';
import type { ProviderDeps, SandboxProvider } from './provider';
import { MAX_BODY_BYTES, type Method, type RequestContext, type RouteRegistry } from './server';

export type Product = 'lite' | 'overseas' | 'app' | 'raw';

/** Outcomes the H5 page (or a test) can end a Lite/overseas flow with. */
export const H5_OUTCOMES = [
  'PASS',
  'NOT_SAME',
  'LIVENESS_FAILED',
  'ATTACK',
  'FACE_REPLACED',
  'CANCELLED',
  'TIMEOUT',
  'WEBRTC_UNSUPPORTED',
] as const;
export type H5Outcome = (typeof H5_OUTCOMES)[number];

/** One token of a Megvii product. Never holds names, ID numbers or images. */
export interface MegviiFlow {
  product: Product;
  token: string;
  bizId?: string;
  bizNo: string;
  bizExtraData: string;
  /** Path prefix of the product's host in the sandbox (`/idn`, `/sgp` or ``). */
  prefix: string;
  returnUrl?: string;
  notifyUrl?: string;
  actionHttpMethod: 'GET' | 'POST';
  comparisonType: string;
  idcardMode?: number;
  refs: Array<'ref1' | 'ref2'>;
  procedureType: string;
  issuedAt: number;
  expiresAt: number;
  stage: 'issued' | 'started' | 'ended';
  outcome?: H5Outcome;
  endedAt?: number;
  resultCalls: { day: string; count: number };
}

interface MegviiNotifyRecord {
  token: string;
  biz_id?: string;
  url: string;
  status: 'delivered' | 'failed' | 'skipped';
  data: string;
  sign: string;
  http_status?: number;
  megvii_port_ok: boolean;
  at_ms: number;
}

interface QueuedError {
  path: string;
  row: MegviiErrorRow;
  param?: string;
  times: number;
}

/** A seed error row to answer, in the product's format. */
/** The row of an error table for a code the sandbox answers with (a code missing from the table is a sandbox bug). */
function rowOf(table: readonly MegviiErrorRow[], code: string): MegviiErrorRow {
  const row = errorRow(table, code);
  if (!row) throw new Error(`sandbox: no ${code} row in this error table`);
  return row;
}

class MegviiApiError extends Error {
  constructor(
    readonly row: MegviiErrorRow,
    readonly param?: string,
  ) {
    super(errorText(row, param));
  }
}

/** The Megvii state of one sandbox. */
export class MegviiState {
  readonly flows = new Map<string, MegviiFlow>();
  readonly byBizId = new Map<string, MegviiFlow>();
  /** API path → the seed's error table, filled as products register. */
  readonly apis = new Map<string, readonly MegviiErrorRow[]>();
  notifies: MegviiNotifyRecord[] = [];
  private errors: QueuedError[] = [];
  private readonly usedSigns = new Set<string>();
  private readonly inFlight = new Set<Promise<void>>();

  constructor(
    readonly clock: SandboxClock,
    readonly apiKey: string,
    readonly apiSecret: string,
  ) {}

  /** Stores a new flow under its token (and biz_id). */
  add(flow: MegviiFlow): MegviiFlow {
    this.flows.set(flow.token, flow);
    if (flow.bizId) this.byBizId.set(flow.bizId, flow);
    return flow;
  }

  /** Queues a seed error for an API path; throws a RangeError when the row is not in that API's table. */
  queueError(path: unknown, error: unknown, param: unknown, times: unknown): void {
    const table = typeof path === 'string' ? this.apis.get(path) : undefined;
    if (!table) throw new RangeError(`path must be one of ${[...this.apis.keys()].join(', ')}`);
    const row = typeof error === 'string' ? errorRow(table, error) : undefined;
    if (!row) throw new RangeError(`error must be one of ${table.map((r) => r.code).join(', ')}`);
    if (param !== undefined && (typeof param !== 'string' || !/^[\w. -]{1,64}$/.test(param)))
      throw new RangeError('param must be a short string');
    const count = times ?? 1;
    if (typeof count !== 'number' || !Number.isInteger(count) || count < 1)
      throw new RangeError('times must be a positive integer');
    this.errors.push({ path: path as string, row, param, times: count });
  }

  /** Answers the next queued error of this path, if any. */
  takeError(path: string): void {
    const index = this.errors.findIndex((e) => e.path === path);
    if (index < 0) return;
    const queued = this.errors[index];
    if (--queued.times <= 0) this.errors.splice(index, 1);
    throw new MegviiApiError(queued.row, queued.param);
  }

  /** Whether a single-use (expire_time 0) signature is seen for the first time; remembers it. */
  firstUse(sign: string): boolean {
    if (this.usedSigns.has(sign)) return false;
    this.usedSigns.add(sign);
    return true;
  }

  /** Forgets every flow, queued error, used signature and notify. */
  reset(): void {
    this.flows.clear();
    this.byBizId.clear();
    this.errors = [];
    this.usedSigns.clear();
    this.notifies = [];
  }

  /** Resolves once no notify is in flight. */
  async settle(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.all([...this.inFlight]);
  }

  /** POSTs `data` and `sign` to a loopback notify URL (others are recorded as skipped). */
  notify(flow: MegviiFlow, data: string, sign: string): void {
    const url = flow.notifyUrl ?? '';
    let parsed: URL | undefined;
    try {
      parsed = new URL(url);
    } catch {
      parsed = undefined;
    }
    const port = parsed ? Number(parsed.port || (parsed.protocol === 'https:' ? 443 : 80)) : 0;
    const base = {
      token: flow.token,
      biz_id: flow.bizId,
      url,
      data,
      sign,
      megvii_port_ok: MEGVII_NOTIFY_PORTS.includes(port),
    };
    if (!parsed || parsed.protocol !== 'http:' || !loopbackAddress(parsed)) {
      this.notifies.push({ ...base, status: 'skipped', at_ms: this.clock.now() });
      return;
    }
    const records = this.notifies;
    const sent = fetch(url, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ data, sign }).toString(),
      signal: AbortSignal.timeout(5000),
    })
      .then(async (res) => {
        await res.arrayBuffer();
        const status = res.status >= 200 && res.status < 300 ? 'delivered' : 'failed';
        records.push({ ...base, status, http_status: res.status, at_ms: this.clock.now() });
      })
      .catch(() => {
        records.push({ ...base, status: 'failed', at_ms: this.clock.now() });
      })
      .finally(() => this.inFlight.delete(sent));
    this.inFlight.add(sent);
  }
}

const states = new WeakMap<FlowStore, MegviiState>();

/** The Megvii state of the sandbox these deps belong to. */
export function megviiState(deps: ProviderDeps): MegviiState {
  let state = states.get(deps.flows);
  if (!state) {
    const created = new MegviiState(deps.clock, deps.apiKey, deps.apiSecret);
    states.set(deps.flows, created);
    deps.flows.onReset(() => created.reset());
    state = created;
  }
  return state;
}

/** The calendar day in China Standard Time, as FaceID counts its daily limits. */
export function chinaDay(ms: number): string {
  return new Date(ms + 8 * 60 * 60 * 1000).toISOString().slice(0, 10);
}

/** A new `<unix seconds>,<uuid>` identifier, the form of Megvii's biz_id and biz_token. */
export function megviiId(now: number): string {
  return `${Math.floor(now / 1000)},${randomUUID()}`;
}

/** A new 32-hex token (the Megvii Lite document's example). */
export function hexToken(): string {
  return randomBytes(16).toString('hex');
}

/** Answers a seed error row: 413 plain text, otherwise JSON in the row's field (the Megvii Raw document's 404 bare). */
function sendError(ctx: RequestContext, err: MegviiApiError, bare = false): void {
  const { row } = err;
  if (row.field === 'text') return ctx.text(row.status, err.message);
  if (bare) return ctx.raw(row.status, { [row.field]: err.message });
  ctx.send(row.status, { [row.field]: err.message });
}

/** Parameter checks in one seed's error vocabulary. */
export class Params {
  constructor(
    readonly body: ParsedBody,
    readonly table: readonly MegviiErrorRow[],
  ) {}

  /** Throws the table's row for this code. */
  fail(code: string, param?: string): never {
    throw new MegviiApiError(rowOf(this.table, code), param);
  }

  /** A text parameter; empty counts as absent, a file under a text name is malformed. */
  get(key: string): string | undefined {
    const value = this.body.fields.get(key);
    if (value === undefined && this.body.files.has(key)) this.fail('BAD_ARGUMENTS', key);
    return value === '' ? undefined : value;
  }

  required(key: string): string {
    return this.get(key) ?? this.fail('MISSING_ARGUMENTS', key);
  }

  oneOf(key: string, allowed: readonly string[], value: string): string;
  oneOf(key: string, allowed: readonly string[], value?: string): string | undefined;
  oneOf(key: string, allowed: readonly string[], value = this.get(key)): string | undefined {
    if (value !== undefined && !allowed.includes(value)) this.fail('BAD_ARGUMENTS', key);
    return value;
  }

  int(key: string, min: number, max: number, value: string): number;
  int(key: string, min: number, max: number, value?: string): number | undefined;
  int(key: string, min: number, max: number, value = this.get(key)): number | undefined {
    if (value === undefined) return undefined;
    if (!/^[+-]?\d+$/.test(value) || Number(value) < min || Number(value) > max)
      this.fail('BAD_ARGUMENTS', key);
    return Number(value);
  }

  flags(...keys: string[]): void {
    for (const key of keys) this.oneOf(key, ['0', '1']);
  }

  maxBytes(key: string, limit: number, value: string): string;
  maxBytes(key: string, limit: number, value?: string): string | undefined;
  maxBytes(key: string, limit: number, value = this.get(key)): string | undefined {
    if (value !== undefined && Buffer.byteLength(value, 'utf8') > limit) this.fail('BAD_ARGUMENTS', key);
    return value;
  }

  url(key: string): string {
    const value = this.required(key);
    if (!/^https?:\/\/\S+$/i.test(value)) this.fail('BAD_ARGUMENTS', key);
    return value;
  }

  /** A JPEG/PNG upload: absent → false; unreadable → IMAGE_ERROR_UNSUPPORTED_FORMAT; over 4096 px → INVALID_IMAGE_SIZE. */
  image(key: string, required = false): boolean {
    const file = this.body.files.get(key);
    if (!file) {
      if (this.body.fields.has(key)) this.fail('BAD_ARGUMENTS', key);
      if (required) this.fail('MISSING_ARGUMENTS', key);
      return false;
    }
    const info = imageInfo(file.data);
    if (!info) this.fail('IMAGE_ERROR_UNSUPPORTED_FORMAT', key);
    if ((info.width > 4096 || info.height > 4096) && errorRow(this.table, 'INVALID_IMAGE_SIZE'))
      this.fail('INVALID_IMAGE_SIZE', key);
    return true;
  }

  /** The reference photos sent. */
  refs(required: boolean): Array<'ref1' | 'ref2'> {
    const refs: Array<'ref1' | 'ref2'> = [];
    if (this.image('image_ref1', required)) refs.push('ref1');
    if (this.image('image_ref2')) refs.push('ref2');
    return refs;
  }

  /** api_key and api_secret: missing → MISSING_ARGUMENTS, not the sandbox's pair → AUTHENTICATION_ERROR. */
  keyPair(state: MegviiState): void {
    const key = this.required('api_key');
    const secret = this.required('api_secret');
    if (key !== state.apiKey || secret !== state.apiSecret) this.fail('AUTHENTICATION_ERROR');
  }
}

interface MegviiRouteSpec {
  method: Method;
  /** The path on the product's host; the sandbox serves it under `prefix`. */
  path: string;
  prefix: string;
  table: readonly MegviiErrorRow[];
  /** Whether the body is read (20 MB limit, 413 plain text beyond). */
  body?: boolean;
  /** Answer 404 without request_id and time_used (docs/providers.md#doc-megvii-raw). */
  bare404?: boolean;
  handler(ctx: RequestContext, params: Params): void | Promise<void>;
}

/** Adds a Megvii API route: queued seed errors first, then the handler; errors in the seed's format. */
export function megviiRoute(routes: RouteRegistry, state: MegviiState, spec: MegviiRouteSpec): void {
  const path = `${spec.prefix}${spec.path}`;
  state.apis.set(path, spec.table);
  routes.route({
    method: spec.method,
    path,
    async handler(ctx) {
      try {
        state.takeError(path);
        let body: ParsedBody = { kind: 'none', fields: new Map(), files: new Map() };
        if (spec.body !== false) {
          try {
            body = await ctx.body({ maxBytes: MAX_BODY_BYTES });
          } catch (error) {
            if (error instanceof BadBodyError)
              throw new MegviiApiError(rowOf(spec.table, 'BAD_ARGUMENTS'), 'body');
            throw error;
          }
        }
        for (const [key, value] of ctx.url.searchParams)
          if (!body.fields.has(key)) body.fields.set(key, value);
        await spec.handler(ctx, new Params(body, spec.table));
      } catch (error) {
        if (error instanceof MegviiApiError)
          return sendError(ctx, error, spec.bare404 === true && error.row.status === 404);
        throw error;
      }
    },
  });
}

const escapes: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/** Text safe inside HTML text and attribute values. */
export function html(text: string): string {
  return text.replace(/[&<>"']/g, (c) => escapes[c]);
}

/** A minimal HTML page. */
export function page(title: string, body: string): string {
  return `<!doctype html>\n<html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${html(title)}</title></head><body>\n<h1>${html(title)}</h1>\n${body}\n</body></html>\n`;
}

/** The sandbox's 404 catch-alls in each host's format, and the control routes under /__sandbox/megvii. */
export const megviiControlProvider: SandboxProvider = {
  name: 'megvii-control',
  register(routes, deps) {
    const state = megviiState(deps);
    const notFound = (prefix: string, field: 'error' | 'error_message', bare = false): void => {
      for (const method of ['GET', 'POST'] as const) {
        routes.route({
          method,
          path: prefix,
          prefix: true,
          handler(ctx) {
            if (bare) return ctx.raw(404, { [field]: 'API_NOT_FOUND' });
            ctx.send(404, { [field]: 'API_NOT_FOUND' });
          },
        });
      }
    };
    notFound('/faceid/v3/', 'error');
    notFound('/faceid/', 'error_message');
    notFound('/idn/faceid/', 'error');
    notFound('/sgp/faceid/', 'error_message', true);

    const control = (method: Method, path: string, run: (ctx: RequestContext) => unknown) =>
      routes.route({
        method,
        path: `/__sandbox/megvii${path}`,
        prefix: path.endsWith('/'),
        cors: true,
        control: true,
        async handler(ctx) {
          try {
            ctx.raw(200, await run(ctx));
          } catch (error) {
            if (error instanceof RangeError) return ctx.raw(400, { error: error.message });
            throw error;
          }
        },
      });
    control('POST', '/errors', async (ctx) => {
      const body = (await ctx.body({ maxBytes: 64 * 1024, json: true })).json as
        Record<string, unknown> | undefined;
      if (!body || typeof body !== 'object') throw new RangeError('body must be a JSON object');
      state.queueError(body.path, body.error, body.param, body.times);
      return { ok: true };
    });
    control('GET', '/flows/', (ctx) => {
      const flow = state.flows.get(ctx.rest) ?? state.byBizId.get(ctx.rest);
      if (!flow) return ctx.raw(404, { error: 'UNKNOWN_TOKEN' });
      return { ...flow, expired: deps.clock.now() >= flow.expiresAt };
    });
    control('GET', '/notifies', () => ({ notifies: state.notifies }));
    control('POST', '/reset', () => {
      state.reset();
      return { ok: true };
    });
  },
};
