/** The test-control API under /__sandbox: outcomes, account status, clock, faults, inspection, reset. */
import type { SandboxClock } from './clock';
import { ACCOUNT_STATUSES, UnknownTokenError, type AccountStatus, type FlowStore } from './flows';
import type { Notifier } from './notify';
import { validateFault, type RequestContext, type Route, type SandboxServer } from './server';

const CONTROL_PREFIX = '/__sandbox';

/** The state the control API acts on. */
interface ControlDeps {
  server: SandboxServer;
  flows: FlowStore;
  notifier: Notifier;
  clock: SandboxClock;
  /** Resets what other modules keep (WeChat's double). */
  onReset?: () => void;
}

class ControlError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

async function jsonObject(ctx: RequestContext): Promise<Record<string, unknown>> {
  const body = await ctx.body({ maxBytes: 1024 * 1024, json: true });
  if (body.json === undefined) return {};
  if (!body.json || typeof body.json !== 'object' || Array.isArray(body.json)) {
    throw new ControlError(400, 'body must be a JSON object');
  }
  return body.json as Record<string, unknown>;
}

function flag(value: unknown, name: string): boolean {
  if (value === undefined || value === null || value === 0 || value === false || value === '0') return false;
  if (value === 1 || value === true || value === '1') return true;
  throw new ControlError(400, `${name} must be 0/1 or a boolean`);
}

/** Checks an account status (null clears it); throws a RangeError for an unknown one. */
export function checkAccountStatus(status: unknown): AccountStatus | null {
  if (status === null) return null;
  if (typeof status === 'string' && (ACCOUNT_STATUSES as readonly string[]).includes(status)) {
    return status as AccountStatus;
  }
  throw new RangeError(`status must be null or one of ${ACCOUNT_STATUSES.join(', ')}`);
}

/** Adds the /__sandbox routes. */
export function registerControl(routes: { route(def: Route): void }, deps: ControlDeps): void {
  const { server, flows, notifier, clock } = deps;
  const add = (method: Route['method'], path: string, run: (ctx: RequestContext) => unknown) =>
    routes.route({
      method,
      path: `${CONTROL_PREFIX}${path}`,
      prefix: path.endsWith('/'),
      cors: true,
      control: true,
      async handler(ctx) {
        try {
          ctx.raw(200, await run(ctx));
        } catch (error) {
          if (error instanceof ControlError) return ctx.raw(error.status, { error: error.message });
          if (error instanceof RangeError) return ctx.raw(400, { error: error.message });
          if (error instanceof UnknownTokenError) return ctx.raw(404, { error: 'UNKNOWN_BIZ_TOKEN' });
          throw error;
        }
      },
    });

  add('GET', '/clock', () => ({ now_ms: clock.now() }));
  add('POST', '/clock', async (ctx) => {
    const body = await jsonObject(ctx);
    if (typeof body.advance_ms === 'number') clock.advance(body.advance_ms);
    else if (typeof body.now_ms === 'number') clock.set(body.now_ms);
    else throw new ControlError(400, 'send advance_ms or now_ms (numbers)');
    return { now_ms: clock.now() };
  });

  add('POST', '/outcome', async (ctx) => {
    const body = await jsonObject(ctx);
    const message = body.result_message === undefined ? null : body.result_message;
    if (message !== null && typeof message !== 'string')
      throw new ControlError(400, 'result_message must be a string');
    const token = body.biz_token;
    if (token !== undefined && typeof token !== 'string')
      throw new ControlError(400, 'biz_token must be a string');
    flows.setOutcome(message, { bizToken: token, failFirst: flag(body.fail_first, 'fail_first') });
    return { ok: true };
  });

  add('GET', '/account', () => ({ status: flows.accountStatus }));
  add('POST', '/account', async (ctx) => {
    const body = await jsonObject(ctx);
    flows.accountStatus = checkAccountStatus(body.status === undefined ? null : body.status);
    return { ok: true, status: flows.accountStatus };
  });

  add('GET', '/faults', () => ({ faults: server.listFaults() }));
  add('POST', '/faults', async (ctx) => {
    server.addFault(validateFault(await jsonObject(ctx)));
    return { ok: true, faults: server.listFaults() };
  });
  add('DELETE', '/faults', () => {
    server.clearFaults();
    return { ok: true };
  });

  add('GET', '/flows/', (ctx) => {
    const flow = flows.find(ctx.rest);
    if (!flow) throw new UnknownTokenError();
    return flows.snapshot(flow);
  });
  add('GET', '/notifies', () => ({ notifies: notifier.list() }));

  add('POST', '/reset', () => {
    flows.reset();
    server.clearFaults();
    notifier.reset();
    deps.onReset?.();
    return { ok: true };
  });
}
