/** The FaceID sandbox: a loopback-only test double of FaceID for tests, `npm start` and the benchmark. */
import { createClock, type SandboxClock } from './clock';
import { componentProvider } from './component';
import { checkAccountStatus, registerControl } from './control';
import { fidliteProvider } from './fidlite';
import { megviiAppProvider } from './megvii-app';
import { megviiControlProvider } from './megvii-common';
import { megviiLiteProvider } from './megvii-lite';
import { megviiOverseasProvider } from './megvii-overseas';
import { megviiRawProvider } from './megvii-raw';
import { FlowStore, type AccountStatus } from './flows';
import { Notifier, type NotifyRecord } from './notify';
import type { SandboxProvider } from './provider';
import { HOST, SandboxServer, validateFault, type QueuedFaultInput } from './server';
import {
  DEFAULT_WECHAT_APPID,
  DEFAULT_WECHAT_SECRET,
  WechatSandbox,
  wechatProvider,
  type WechatCalls,
} from './wechat';

export * from './fixtures';
export { DEFAULT_WECHAT_APPID, DEFAULT_WECHAT_SECRET, sandboxCertHash } from './wechat';

/** The banner the sandbox prints when it starts. */
export const BANNER = 'FaceID SANDBOX (test double)';
export const DEFAULT_APPCODE = 'sandbox-appcode';
const DEFAULT_API_KEY = 'sandbox-api-key';
export const DEFAULT_API_SECRET = 'sandbox-api-secret';

/** The FaceID products the sandbox serves, each in its own module. */
const PROVIDERS: readonly SandboxProvider[] = [
  fidliteProvider,
  componentProvider,
  megviiLiteProvider,
  megviiOverseasProvider,
  megviiAppProvider,
  megviiRawProvider,
  megviiControlProvider,
  wechatProvider,
];

export interface SandboxOptions {
  /** Port on 127.0.0.1; 0 (the default) picks a free one. */
  port?: number;
  /** The APPCODE get_biz_token and get_result require (default `sandbox-appcode`). */
  appcode?: string;
  /** The api_key the Megvii products require (default `sandbox-api-key`). */
  apiKey?: string;
  /** Its api_secret (default `sandbox-api-secret`); it also signs App v3 requests and Lite notifies. */
  apiSecret?: string;
  /** No access log. */
  quiet?: boolean;
  /** Start the sandbox clock at this instant (ms since the epoch). */
  now?: number;
  /** The mini-program WeChat's double knows (default `wx00000000000local` / `sandbox-wechat-appsecret`). */
  wechatApp?: { appid: string; secret: string };
}

export interface Sandbox {
  /** `http://127.0.0.1:<port>` */
  readonly url: string;
  readonly port: number;
  readonly appcode: string;
  readonly apiKey: string;
  readonly apiSecret: string;
  readonly clock: SandboxClock;
  /** Stops the server and destroys every open socket. */
  close(): Promise<void>;
  /** As POST /__sandbox/outcome: the outcome of one token, or (without bizToken) of every flow; null clears. */
  setOutcome(resultMessage: string | null, options?: { bizToken?: string; failFirst?: boolean }): void;
  /** As POST /__sandbox/account: get_biz_token answers 403 AUTHORIZATION_ERROR:<status> until cleared. */
  setAccountStatus(status: AccountStatus | null): void;
  /** As POST /__sandbox/faults: queues a fault. */
  injectFault(spec: QueuedFaultInput): void;
  /** As DELETE /__sandbox/faults. */
  clearFaults(): void;
  /** As POST /__sandbox/reset. */
  reset(): void;
  /** As GET /__sandbox/flows/<biz_token>: the flow's state, or undefined for an unknown token. */
  flow(bizToken: string): Record<string, unknown> | undefined;
  /** As GET /__sandbox/notifies: every callback attempt, oldest first. */
  notifies(): NotifyRecord[];
  /** Resolves once no callback is in flight. */
  settleNotifies(): Promise<void>;
  /** WeChat's double: the verify_ret of the next check (or of one verify_id); null: 10000. */
  setWechatOutcome(verifyRet: number | null, verifyId?: string): void;
  /** The person's wx.requestFacialVerify for a verify_id: the check runs with the chosen outcome. */
  wechatVerify(verifyId: string): { errCode: number; verifyRet: number };
  /** Makes the current WeChat access tokens answer 40001 (`invalid`) or 42001 (`expired`). */
  spoilWechatTokens(how: 'invalid' | 'expired'): number;
  /** How many times each WeChat API was answered since the start or the last reset. */
  wechatCalls(): WechatCalls;
  /** A WeChat verification's state (no personal data), or undefined for an unknown verify_id. */
  wechatVerification(verifyId: string): Record<string, unknown> | undefined;
}

/** Starts a sandbox on 127.0.0.1. */
export async function startSandbox(options: SandboxOptions = {}): Promise<Sandbox> {
  const port = options.port ?? 0;
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new RangeError('port must be 0..65535');
  const appcode = options.appcode ?? DEFAULT_APPCODE;
  if (!/^\S+$/.test(appcode)) throw new RangeError('appcode must be a non-empty string without spaces');
  const apiKey = options.apiKey ?? DEFAULT_API_KEY;
  const apiSecret = options.apiSecret ?? DEFAULT_API_SECRET;
  if (!/^[^\s&=]+$/.test(apiKey) || !/^\S+$/.test(apiSecret))
    throw new RangeError(
      'apiKey and apiSecret must be non-empty strings without spaces (apiKey also without & and =)',
    );
  const log = options.quiet ? () => undefined : (line: string) => console.log(`[sandbox] ${line}`);
  const clock = createClock(options.now);
  const notifier = new Notifier(clock, log);
  const flows = new FlowStore(clock, notifier);
  const server = new SandboxServer({ clock, log });
  const wechat = new WechatSandbox(
    clock,
    options.wechatApp ?? { appid: DEFAULT_WECHAT_APPID, secret: DEFAULT_WECHAT_SECRET },
  );
  for (const provider of PROVIDERS)
    provider.register(server, { flows, clock, appcode, apiKey, apiSecret, wechat });
  registerControl(server, { server, flows, notifier, clock, onReset: () => wechat.reset() });
  const boundPort = await server.listen(port);

  return {
    url: `http://${HOST}:${boundPort}`,
    port: boundPort,
    appcode,
    apiKey,
    apiSecret,
    clock,
    async close() {
      notifier.close();
      await server.close();
    },
    setOutcome: (message, opts) => flows.setOutcome(message, opts),
    setAccountStatus: (status) => {
      flows.accountStatus = checkAccountStatus(status);
    },
    injectFault: (spec) => server.addFault(validateFault(spec)),
    clearFaults: () => server.clearFaults(),
    reset() {
      flows.reset();
      server.clearFaults();
      notifier.reset();
      wechat.reset();
    },
    flow(bizToken) {
      const flow = flows.find(bizToken);
      return flow ? flows.snapshot(flow) : undefined;
    },
    notifies: () => notifier.list(),
    settleNotifies: () => notifier.settle(),
    setWechatOutcome: (verifyRet, verifyId) => wechat.setOutcome(verifyRet, verifyId),
    wechatVerify: (verifyId) => wechat.verify(verifyId),
    spoilWechatTokens: (how) => wechat.spoilTokens(how),
    wechatCalls: () => ({ ...wechat.calls }),
    wechatVerification: (verifyId) => wechat.snapshot(verifyId),
  };
}
