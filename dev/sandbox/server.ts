/**
 * The sandbox's HTTP layer: a loopback-only server, a route table that provider modules add to, request
 * contexts with body parsing, injected faults, CORS and a one-line access log.
 */
import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { BadBodyError, readBody, TooLargeError, type BodyLimits, type ParsedBody } from './body';
import type { SandboxClock } from './clock';

export const HOST = '127.0.0.1';
/** FaceID's request size limit (docs/providers.md#doc-fidlite): 20 MB. */
export const MAX_BODY_BYTES = 20971520;

export type Method = 'GET' | 'POST' | 'DELETE';

export interface Route {
  method: Method;
  /** An exact path, or with `prefix` every path that starts with it (the rest is `ctx.rest`). */
  path: string;
  prefix?: boolean;
  /** Answer CORS preflights and send `Access-Control-Allow-Origin: *`. */
  cors?: boolean;
  /** A test-control route: faults never apply to it. */
  control?: boolean;
  handler(ctx: RequestContext): void | Promise<void>;
}

/** What a provider module needs to add its endpoints. */
export interface RouteRegistry {
  route(def: Route): void;
}

/** An error answered as `{ request_id, time_used, error }` with this status. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly error: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(error);
  }
}

type FaultSpec =
  | { kind: 'status'; status: number }
  | { kind: 'latency'; ms: number }
  | { kind: 'reset' }
  | { kind: 'malformed' }
  | { kind: 'too_large' };

export type QueuedFaultInput = FaultSpec & { path?: string; times?: number };
type QueuedFault = FaultSpec & { path: string; times: number };

/** Statuses a status fault can answer with. */
const FAULT_STATUSES = [400, 403, 404, 413, 429, 500, 502, 503, 504] as const;
const MAX_LATENCY_MS = 120000;

const CORS_HEADERS: Record<string, string> = {
  'Access-Control-Allow-Origin': '*',
  'Access-Control-Allow-Methods': 'GET, POST, DELETE, OPTIONS',
  'Access-Control-Allow-Headers': 'Content-Type, X-Sandbox-Fault',
  'Access-Control-Max-Age': '600',
};

const GATEWAY_PAGES: Record<number, string> = {
  502: '502 Bad Gateway',
  503: '503 Service Temporarily Unavailable',
  504: '504 Gateway Time-out',
};

const JSON_FAULT_ERRORS: Record<number, string> = {
  400: 'BAD_ARGUMENTS',
  403: 'AUTHORIZATION_ERROR',
  404: 'API_NOT_FOUND',
  429: 'CONCURRENCY_LIMIT_EXCEEDED',
  500: 'INTERNAL_ERROR',
};

/** Checks a fault description from the control API or code; throws a RangeError when it is invalid. */
export function validateFault(input: unknown): QueuedFault {
  if (!input || typeof input !== 'object') throw new RangeError('fault must be an object');
  const spec = input as Record<string, unknown>;
  const path = spec.path ?? '';
  if (typeof path !== 'string' || (path !== '' && !path.startsWith('/'))) {
    throw new RangeError('path must start with /');
  }
  const times = spec.times ?? 1;
  if (typeof times !== 'number' || !Number.isInteger(times) || times < 1) {
    throw new RangeError('times must be a positive integer');
  }
  switch (spec.kind) {
    case 'status': {
      const status = spec.status;
      if (typeof status !== 'number' || !(FAULT_STATUSES as readonly number[]).includes(status)) {
        throw new RangeError(`status must be one of ${FAULT_STATUSES.join(', ')}`);
      }
      return { kind: 'status', status, path, times };
    }
    case 'latency': {
      const ms = spec.ms;
      if (typeof ms !== 'number' || !Number.isInteger(ms) || ms < 0 || ms > MAX_LATENCY_MS) {
        throw new RangeError(`ms must be an integer from 0 to ${MAX_LATENCY_MS}`);
      }
      return { kind: 'latency', ms, path, times };
    }
    case 'reset':
    case 'malformed':
    case 'too_large':
      return { kind: spec.kind, path, times };
    default:
      throw new RangeError('kind must be latency, status, reset, malformed or too_large');
  }
}

/** Parses an `X-Sandbox-Fault` header value. */
function parseFaultHeader(value: string): FaultSpec | undefined {
  const v = value.trim().toLowerCase();
  if (v === 'reset' || v === 'malformed' || v === 'too_large') return { kind: v };
  if (v === '413') return { kind: 'too_large' };
  if (/^\d{3}$/.test(v) && (FAULT_STATUSES as readonly number[]).includes(Number(v))) {
    return { kind: 'status', status: Number(v) };
  }
  const latency = /^latency=(\d{1,6})$/.exec(v);
  if (latency && Number(latency[1]) <= MAX_LATENCY_MS) return { kind: 'latency', ms: Number(latency[1]) };
  return undefined;
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

/** One request being answered. */
export class RequestContext {
  readonly requestId: string;
  readonly url: URL;
  /** For prefix routes: the part of the path after the prefix, URL-decoded. */
  rest = '';
  private readonly started = performance.now();

  constructor(
    readonly req: http.IncomingMessage,
    readonly res: http.ServerResponse,
    clock: SandboxClock,
  ) {
    this.url = new URL(req.url ?? '/', `http://${HOST}`);
    this.requestId = `${Math.floor(clock.now() / 1000)},${randomUUID()}`;
  }

  /** Milliseconds spent on this request so far. */
  timeUsed(): number {
    return Math.round(performance.now() - this.started);
  }

  /** Answers FaceID-style JSON: `request_id` and `time_used` first, then `body`. */
  send(status: number, body: Record<string, unknown>, headers: Record<string, string> = {}): void {
    this.raw(status, { request_id: this.requestId, time_used: this.timeUsed(), ...body }, headers);
  }

  /** Answers `value` as JSON as it is. */
  raw(status: number, value: unknown, headers: Record<string, string> = {}): void {
    this.text(status, JSON.stringify(value), 'application/json; charset=utf-8', headers);
  }

  /** Answers a text body. */
  text(
    status: number,
    text: string,
    type = 'text/plain; charset=utf-8',
    headers: Record<string, string> = {},
  ): void {
    if (this.res.headersSent || this.res.destroyed) return;
    const body = Buffer.from(text, 'utf8');
    this.res.writeHead(status, { ...headers, 'Content-Type': type, 'Content-Length': String(body.length) });
    this.res.end(body);
  }

  /** Reads the body within `limits` (413 beyond them). */
  body(limits: BodyLimits): Promise<ParsedBody> {
    return readBody(this.req, limits);
  }
}

interface ServerOptions {
  clock: SandboxClock;
  log: (line: string) => void;
}

/** The HTTP server, its route table and the fault queue. */
export class SandboxServer implements RouteRegistry {
  private readonly routes: Route[] = [];
  private readonly sockets = new Set<Socket>();
  private readonly timers = new Set<{ timer: NodeJS.Timeout; done: () => void }>();
  private faults: QueuedFault[] = [];
  private closed = false;
  private readonly server = http.createServer((req, res) => void this.handle(req, res));

  constructor(private readonly options: ServerOptions) {
    this.server.on('connection', (socket: Socket) => {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
    });
    this.server.on('clientError', (_error, socket) => socket.destroy());
  }

  route(def: Route): void {
    this.routes.push(def);
  }

  /** Starts listening on 127.0.0.1 and resolves with the port. */
  listen(port: number): Promise<number> {
    return new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen({ port, host: HOST, exclusive: true }, () => {
        this.server.off('error', reject);
        resolve((this.server.address() as AddressInfo).port);
      });
    });
  }

  /** The address the server is bound to. */
  address(): AddressInfo {
    return this.server.address() as AddressInfo;
  }

  /** Stops listening, ends pending delays and destroys every open socket. */
  close(): Promise<void> {
    this.closed = true;
    for (const pending of this.timers) {
      clearTimeout(pending.timer);
      pending.done();
    }
    this.timers.clear();
    return new Promise((resolve) => {
      this.server.close(() => resolve());
      for (const socket of this.sockets) socket.destroy();
      this.server.closeAllConnections();
    });
  }

  addFault(fault: QueuedFault): void {
    this.faults.push(fault);
  }

  clearFaults(): void {
    this.faults = [];
  }

  listFaults(): QueuedFault[] {
    return this.faults.map((f) => ({ ...f }));
  }

  private takeFault(path: string): FaultSpec | undefined {
    const index = this.faults.findIndex((f) => path.startsWith(f.path));
    if (index < 0) return undefined;
    const fault = this.faults[index];
    fault.times -= 1;
    if (fault.times <= 0) this.faults.splice(index, 1);
    return fault;
  }

  private delay(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const pending = { timer: setTimeout(() => finish(), ms), done: () => resolve() };
      const finish = (): void => {
        this.timers.delete(pending);
        resolve();
      };
      this.timers.add(pending);
    });
  }

  private match(method: string, path: string): { route?: Route; cors: boolean; control: boolean } {
    const candidates = this.routes.filter((r) => (r.prefix ? path.startsWith(r.path) : path === r.path));
    const route = candidates.find((r) => r.method === method);
    return {
      route,
      cors: candidates.some((r) => r.cors),
      control: candidates.some((r) => r.control) || path.startsWith('/__sandbox/'),
    };
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const ctx = new RequestContext(req, res, this.options.clock);
    const path = ctx.url.pathname;
    res.on('finish', () => this.options.log(`${req.method} ${path} ${res.statusCode} ${ctx.timeUsed()}ms`));
    try {
      const { route, cors, control } = this.match(req.method ?? 'GET', path);
      if (cors || control)
        for (const [name, value] of Object.entries(CORS_HEADERS)) res.setHeader(name, value);
      if (req.method === 'OPTIONS' && (cors || control)) {
        res.writeHead(204, { 'Content-Length': '0' });
        res.end();
        return;
      }
      if (!control) {
        const done = await this.applyFault(ctx);
        if (done || this.closed) return;
      }
      if (!route) throw new ApiError(404, 'API_NOT_FOUND');
      if (route.prefix) ctx.rest = safeDecode(path.slice(route.path.length));
      await route.handler(ctx);
    } catch (error) {
      this.fail(ctx, error);
    }
  }

  /** Applies the request's fault, if any; true when the answer has been given. */
  private async applyFault(ctx: RequestContext): Promise<boolean> {
    const header = ctx.req.headers['x-sandbox-fault'];
    let fault: FaultSpec | undefined;
    if (typeof header === 'string' && header.trim() !== '') {
      fault = parseFaultHeader(header);
      if (!fault) throw new ApiError(400, 'BAD_ARGUMENTS:X-Sandbox-Fault');
    } else {
      fault = this.takeFault(ctx.url.pathname);
    }
    if (!fault) return false;
    switch (fault.kind) {
      case 'latency':
        await this.delay(fault.ms);
        return false;
      case 'reset':
        ctx.req.socket.resetAndDestroy();
        return true;
      case 'malformed': {
        const whole = JSON.stringify({
          request_id: ctx.requestId,
          time_used: ctx.timeUsed(),
          result_code: 1000,
        });
        ctx.text(200, whole.slice(0, whole.length - 12), 'application/json; charset=utf-8');
        return true;
      }
      case 'too_large':
        ctx.text(413, 'Request Entity Too Large');
        return true;
      case 'status':
        this.answerStatus(ctx, fault.status);
        return true;
    }
  }

  private answerStatus(ctx: RequestContext, status: number): void {
    if (status === 413) return ctx.text(413, 'Request Entity Too Large');
    const page = GATEWAY_PAGES[status];
    if (page) {
      const html = `<html>\r\n<head><title>${page}</title></head>\r\n<body>\r\n<center><h1>${page}</h1></center>\r\n</body>\r\n</html>\r\n`;
      return ctx.text(status, html, 'text/html');
    }
    ctx.send(status, { error: JSON_FAULT_ERRORS[status] ?? 'INTERNAL_ERROR' });
  }

  private fail(ctx: RequestContext, error: unknown): void {
    if (ctx.res.headersSent) {
      ctx.res.destroy();
      return;
    }
    if (error instanceof ApiError) return ctx.send(error.status, { error: error.error }, error.headers);
    if (error instanceof TooLargeError) return ctx.text(413, 'Request Entity Too Large');
    if (error instanceof BadBodyError) return ctx.send(400, { error: 'BAD_ARGUMENTS:body' });
    this.options.log(`internal error on ${ctx.url.pathname}: ${(error as Error)?.message ?? String(error)}`);
    ctx.send(500, { error: 'INTERNAL_ERROR' });
  }
}
