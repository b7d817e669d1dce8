/**
 * Runs the bundled cloud functions (`cloudfunctions/<name>/index.js`) the way the platform does: each function
 * has a small pool of instances (worker threads), each instance serves one invocation at a time with the caller's
 * identity in its environment (WX_CONTEXT_KEYS with WX_OPENID, WX_APPID, WX_FROM_*; TCB_CONTEXT_KEYS with the web
 * SDK's TCB_UUID, …), the cloud's variables point wx-server-sdk at
 * the CloudBase stand-in, and an invocation past the function's declared time-out (cloudbaserc.json) is stopped:
 * its instance is terminated, the caller gets the platform's time-out failure, and what it wrote stays written. Past
 * a function's concurrency limit an invocation fails at once, as the platform's ResourceLimitReached does.
 */
import { buildSync } from 'esbuild';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Worker } from 'node:worker_threads';
import { isNetworkBlocked } from '../../pipeline/offline';
import { declarationOf, readManifest, type CloudbaseManifest } from '../../pipeline/functions-manifest';
import type { InstanceData, InstanceMessage, InvokeMessage } from './instance';

/** The appid a local call carries (WX_APPID). */
export const LOCAL_APPID = 'wx00000000000local';

/**
 * The WeChat context variables the platform sets for a call: wx-server-sdk's getWXContext returns each one
 * listed in WX_CONTEXT_KEYS, without its `WX_` prefix.
 */
const WX_CONTEXT_VARIABLES = [
  'WX_OPENID',
  'WX_APPID',
  'WX_UNIONID',
  'WX_FROM_OPENID',
  'WX_FROM_APPID',
  'WX_FROM_UNIONID',
] as const;

/** The variables CloudBase sets for a caller signed in with its own accounts (web SDK), listed in TCB_CONTEXT_KEYS. */
const TCB_CONTEXT_VARIABLES = [
  'TCB_UUID',
  'TCB_CUSTOM_USER_ID',
  'TCB_ISANONYMOUS_USER',
  'TCB_SOURCE',
] as const;

/** A call's identity as the platform sets it: its WeChat context and CloudBase sign-in variables (unset: absent). */
type CallIdentity = Partial<
  Record<(typeof WX_CONTEXT_VARIABLES)[number] | (typeof TCB_CONTEXT_VARIABLES)[number], string>
>;

/**
 * Who calls: an openid (a user of this mini-program: WX_OPENID and WX_APPID = LOCAL_APPID), null (the console,
 * CI, the timer or HTTP access: no identity at all), or the variables of any other caller.
 */
export type Caller = string | null | CallIdentity;

/**
 * The variables one invocation runs with (null: unset), as the platform sets them for this caller; the
 * environment's own TCB_CONTEXT_KEYS (e.g. `TCB_ENV`) stay listed.
 */
function identityVariables(caller: Caller, environmentKeys = ''): Record<string, string | null> {
  const identity: CallIdentity =
    caller === null ? {} : typeof caller === 'string' ? { WX_OPENID: caller, WX_APPID: LOCAL_APPID } : caller;
  const variables: Record<string, string | null> = {};
  const listed = (names: readonly (keyof CallIdentity)[], always: string[] = []) => {
    const set = [...always, ...names.filter((name) => identity[name] !== undefined)];
    for (const name of names) variables[name] = identity[name] ?? null;
    return set.length ? set.join(',') : null;
  };
  variables.WX_CONTEXT_KEYS = listed(WX_CONTEXT_VARIABLES);
  variables.TCB_CONTEXT_KEYS = listed(TCB_CONTEXT_VARIABLES, environmentKeys.split(',').filter(Boolean));
  return variables;
}
const DEFAULT_INSTANCES = 4;
const DEFAULT_CONCURRENCY_LIMIT = 1000;

/** A failure of the platform rather than of the function's answer: errCode and errMsg as wx.cloud reports them. */
export class CloudFunctionError extends Error {
  constructor(
    readonly errCode: number,
    readonly errMsg: string,
  ) {
    super(`errCode: ${errCode} | errMsg: ${errMsg}`);
  }
}

/** wx-server-sdk's FUNCTIONS_EXECUTE_FAIL: the function threw or its instance died. */
const FUNCTIONS_EXECUTE_FAIL = -504002;
/** The platform's time-out failure. */
const FUNCTIONS_TIME_LIMIT_EXCEEDED = -504003;

export interface LocalFunctionsOptions {
  /** The variables the cloud sets for every function (the CloudBase stand-in's `sdkEnvironment()`). */
  cloudEnv: Record<string, string>;
  /**
   * The functions' own configuration variables (FACEID_*), as set in the console; a function is read at every
   * invocation, and a changed configuration gets fresh instances, as the platform starts new instances after a
   * configuration update.
   */
  env: Record<string, string> | (() => Record<string, string>);
  /** Where the bundles are (default: cloudfunctions/). */
  functionsDir?: string;
  /** The declarations (default: cloudbaserc.json). */
  manifest?: CloudbaseManifest;
  /** Instances per function (default 4); more concurrent invocations wait for a free one, as for a new instance. */
  instances?: number;
  /**
   * Invocations of one function running or waiting at once (default 1000); one more is refused at once with the
   * platform's concurrency failure (no queue: a synchronous call past the limit is not retried by the platform).
   */
  concurrencyLimit?: number;
  /** Keep the instances off the network but loopback (default: as this process is, see pipeline/offline.ts). */
  offline?: boolean;
  /** Where the functions' console lines go (default: this process's console). */
  console?: Pick<Console, 'log' | 'info' | 'warn' | 'error' | 'debug'>;
}

export interface LocalFunctions {
  /** Calls a function as the given caller (an openid of this mini-program; null: console or HTTP access, no identity). */
  invoke(name: string, event: unknown, caller: Caller): Promise<unknown>;
  /** The time-out of one function in milliseconds (declared, or as overridden). */
  timeoutMs(name: string): number;
  /** Runs a function with a shorter (or longer) time-out than declared; undefined restores the declared one. */
  overrideTimeout(name: string, ms: number | undefined): void;
  /** Stops every instance. */
  close(): Promise<void>;
}

let instanceSource: string | undefined;

/** The instance's code, compiled once from instance.ts. */
function instanceCode(): string {
  instanceSource ??= buildSync({
    entryPoints: [join(__dirname, 'instance.ts')],
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: `node${process.versions.node}`,
    write: false,
    logLevel: 'silent',
  }).outputFiles[0].text;
  return instanceSource;
}

interface Instance {
  worker: Worker;
  /** The configuration it was started with. */
  config: string;
  ready: Promise<void>;
  busy: boolean;
  /** Failed outside an invocation (e.g. while loading): never reused. */
  dead: boolean;
}

interface Waiting {
  config: string;
  run(instance: Instance): void;
}

/** Starts the local runner of the bundled functions. */
export function createLocalFunctions(options: LocalFunctionsOptions): LocalFunctions {
  const functionsDir = resolve(options.functionsDir ?? join(__dirname, '..', '..', 'cloudfunctions'));
  const manifest = options.manifest ?? readManifest();
  const maxInstances = options.instances ?? DEFAULT_INSTANCES;
  const concurrencyLimit = options.concurrencyLimit ?? DEFAULT_CONCURRENCY_LIMIT;
  const inFlight = new Map<string, number>();
  const out = options.console ?? console;
  const overrides = new Map<string, number>();
  const pools = new Map<string, { instances: Set<Instance>; waiting: Waiting[] }>();
  let seq = 0;
  let closed = false;

  const timeoutMs = (name: string): number =>
    overrides.get(name) ?? declarationOf(name, manifest).timeout * 1000;

  const configuration = (): Record<string, string> =>
    typeof options.env === 'function' ? options.env() : options.env;

  function spawn(name: string, config: string): Instance {
    const worker = new Worker(instanceCode(), {
      eval: true,
      workerData: {
        bundle: join(functionsDir, name, 'index.js'),
        offline: options.offline ?? isNetworkBlocked(),
      } satisfies InstanceData,
      env: { ...options.cloudEnv, ...(JSON.parse(config) as Record<string, string>) },
      stdout: false,
      stderr: false,
    });
    const ready = new Promise<void>((done, fail) => {
      const onMessage = (message: InstanceMessage) => {
        if (message.type !== 'ready') return;
        worker.off('message', onMessage);
        worker.off('error', fail);
        done();
      };
      worker.on('message', onMessage);
      worker.once('error', fail);
    });
    const instance: Instance = { worker, config, ready, busy: false, dead: false };
    worker.on('message', (message: InstanceMessage) => {
      if (message.type === 'console') out[message.level](message.text);
    });
    worker.on('error', () => {
      instance.dead = true;
      if (!instance.busy) poolOf(name).instances.delete(instance);
    });
    ready.catch(() => undefined);
    return instance;
  }

  function poolOf(name: string) {
    let pool = pools.get(name);
    if (!pool) {
      pool = { instances: new Set(), waiting: [] };
      pools.set(name, pool);
    }
    return pool;
  }

  /**
   * An idle instance of the function with this configuration, a new one while the pool has room, or a place in
   * the queue. Idle instances of another configuration are retired.
   */
  function acquire(name: string, config: string): Promise<Instance> {
    const pool = poolOf(name);
    for (const instance of pool.instances)
      if (!instance.busy && (instance.dead || instance.config !== config)) {
        pool.instances.delete(instance);
        void instance.worker.terminate();
      }
    for (const instance of pool.instances)
      if (!instance.busy) {
        instance.busy = true;
        return Promise.resolve(instance);
      }
    if (pool.instances.size < maxInstances) {
      const instance = spawn(name, config);
      instance.busy = true;
      pool.instances.add(instance);
      return Promise.resolve(instance);
    }
    return new Promise((run) => pool.waiting.push({ config, run }));
  }

  function release(name: string, instance: Instance, dead: boolean): void {
    const pool = poolOf(name);
    const next = pool.waiting.shift();
    if (!dead && next?.config === instance.config) return next.run(instance);
    if (dead || next) {
      pool.instances.delete(instance);
      void instance.worker.terminate();
    } else instance.busy = false;
    if (next && !closed) {
      const fresh = spawn(name, next.config);
      fresh.busy = true;
      pool.instances.add(fresh);
      next.run(fresh);
    }
  }

  async function invoke(name: string, event: unknown, caller: Caller): Promise<unknown> {
    if (closed) throw new CloudFunctionError(-501000, 'the local cloud is closed');
    if (!/^[A-Za-z0-9_-]+$/.test(name) || !existsSync(join(functionsDir, name, 'index.js')))
      throw new CloudFunctionError(-501000, `FunctionName parameter could not be found: ${name}`);
    const running = inFlight.get(name) ?? 0;
    if (running >= concurrencyLimit)
      throw new CloudFunctionError(
        FUNCTIONS_EXECUTE_FAIL,
        `functions execute fail: ResourceLimitReached: ${name} is running ${running} invocations, its concurrency limit`,
      );
    inFlight.set(name, running + 1);
    try {
      return await invokeInstance(name, event, caller);
    } finally {
      inFlight.set(name, (inFlight.get(name) ?? 1) - 1);
    }
  }

  async function invokeInstance(name: string, event: unknown, caller: Caller): Promise<unknown> {
    const limit = timeoutMs(name);
    const instance = await acquire(name, JSON.stringify(configuration()));
    try {
      await instance.ready;
    } catch (error) {
      release(name, instance, true);
      throw new CloudFunctionError(
        FUNCTIONS_EXECUTE_FAIL,
        `functions execute fail: ${(error as Error).message}`,
      );
    }
    const id = ++seq;
    const message: InvokeMessage = {
      id,
      event,
      context: { request_id: `local-${id}`, function_name: name, time_limit_in_ms: limit },
      env: identityVariables(caller, options.cloudEnv.TCB_CONTEXT_KEYS),
    };
    return new Promise<unknown>((resolveAnswer, reject) => {
      const { worker } = instance;
      const finish = (dead: boolean) => {
        clearTimeout(timer);
        worker.off('message', onMessage);
        worker.off('error', onError);
        release(name, instance, dead);
      };
      const onMessage = (answer: InstanceMessage) => {
        if (answer.type === 'done' && answer.id === id) {
          finish(false);
          resolveAnswer(answer.result);
        } else if (answer.type === 'failed' && answer.id === id) {
          finish(false);
          reject(new CloudFunctionError(FUNCTIONS_EXECUTE_FAIL, `functions execute fail: ${answer.message}`));
        }
      };
      const onError = (error: Error) => {
        finish(true);
        reject(new CloudFunctionError(FUNCTIONS_EXECUTE_FAIL, `functions execute fail: ${error.message}`));
      };
      const timer = setTimeout(() => {
        finish(true);
        reject(
          new CloudFunctionError(
            FUNCTIONS_TIME_LIMIT_EXCEEDED,
            `Invoking task timed out after ${limit / 1000} seconds`,
          ),
        );
      }, limit);
      worker.on('message', onMessage);
      worker.once('error', onError);
      worker.postMessage(message);
    });
  }

  return {
    invoke,
    timeoutMs,
    overrideTimeout(name, ms) {
      declarationOf(name, manifest);
      if (ms === undefined) overrides.delete(name);
      else if (!Number.isFinite(ms) || ms <= 0)
        throw new RangeError('a time-out must be a positive number of ms');
      else overrides.set(name, ms);
    },
    async close() {
      closed = true;
      const all = [...pools.values()].flatMap((pool) => [...pool.instances]);
      pools.clear();
      await Promise.all(all.map((instance) => instance.worker.terminate()));
    },
  };
}
