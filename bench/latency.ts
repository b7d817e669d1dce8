/** getBizToken and getResult through the bundled exports.main versus the bare upstream call they make. */
import { completeFlow } from '../test/support/component-driver';
import { CONSENT_VERSION } from '../miniprogram/shared/consent';
import { startLocalCloud } from '../dev/local-cloud';
import { startSandbox } from '../dev/sandbox';
import { interleaved, type Series } from './stats';

export const APPCODE = 'bench-appcode-0123456789';
export const IDCARD_EVENT = {
  consentVersion: CONSENT_VERSION,
  mode: 'idcard',
  idcardName: '张三',
  idcardNumber: '11010519491231002X',
} as const;
const RETURN_URL = 'https://example.invalid/return';
const NOTIFY_URL = 'http://127.0.0.1:9/notify';

/** The get_biz_token form fidlite sends for IDCARD_EVENT (server/providers/fidlite.ts, no options). */
export function tokenForm(bizNo: string): URLSearchParams {
  return new URLSearchParams({
    return_url: RETURN_URL,
    notify_url: NOTIFY_URL,
    biz_no: bizNo,
    liveness_type: 'video_number',
    comparison_type: '1',
    group: '0',
    idcard_name: IDCARD_EVENT.idcardName,
    idcard_number: IDCARD_EVENT.idcardNumber,
  });
}

/** The headers fidlite sends. */
export function upstreamHeaders(appcode: string, form: boolean): Record<string, string> {
  return {
    Accept: 'application/json',
    Authorization: `APPCODE ${appcode}`,
    ...(form ? { 'Content-Type': 'application/x-www-form-urlencoded; charset=UTF-8' } : {}),
  };
}

/** POSTs get_biz_token to `base` and resolves with the token. */
export async function bareGetBizToken(base: string, appcode: string, bizNo: string): Promise<string> {
  const res = await fetch(`${base}/lite/v1/get_biz_token`, {
    method: 'POST',
    headers: upstreamHeaders(appcode, true),
    body: tokenForm(bizNo).toString(),
  });
  const body = (await res.json()) as { biz_token?: string };
  if (!body.biz_token) throw new Error(`get_biz_token answered ${res.status}`);
  return body.biz_token;
}

/** GETs get_result for a token from `base`. */
export async function bareGetResult(
  base: string,
  appcode: string,
  bizToken: string,
): Promise<Record<string, unknown>> {
  const res = await fetch(`${base}/lite/v1/get_result?biz_token=${encodeURIComponent(bizToken)}`, {
    headers: upstreamHeaders(appcode, false),
  });
  const body = (await res.json()) as Record<string, unknown>;
  if (res.status !== 200) throw new Error(`get_result answered ${res.status}`);
  return body;
}

/** Database requests one call made, on average, by action (`database.getDocument`, …), and their total. */
export interface DatabaseRequests {
  total: number;
  byAction: Record<string, number>;
}

export interface LatencyResult {
  getBizToken: { fn: Series; bare: Series; database: DatabaseRequests };
  getResult: { fn: Series; bare: Series; database: DatabaseRequests };
}

interface LatencyOptions {
  /** Milliseconds the sandbox takes over every FaceID call. */
  upstreamMs?: number;
  /** Milliseconds the CloudBase stand-in takes over every request. */
  databaseMs?: number;
}

function perCall(counts: Record<string, number>, calls: number): DatabaseRequests {
  const byAction = Object.fromEntries(
    Object.entries(counts)
      .filter(([action]) => action.startsWith('database.'))
      .map(([action, n]) => [action, n / calls]),
  );
  return { total: Object.values(byAction).reduce((a, b) => a + b, 0), byAction };
}

/** The functions' configuration for a bench run against a sandbox. */
export function functionEnv(sandboxUrl: string): Record<string, string> {
  return {
    FACEID_PROVIDER: 'fidlite',
    FACEID_APPCODE: APPCODE,
    FACEID_BASE_URL: sandboxUrl,
    FACEID_NOTIFY_URL: NOTIFY_URL,
    FACEID_RETURN_URL: RETURN_URL,
    FACEID_RATE_LIMIT: '100000/60',
    FACEID_LOG: 'off',
  };
}

function expectOk(answer: unknown): Record<string, unknown> {
  const a = answer as Record<string, unknown>;
  if (a?.ok !== true)
    throw new Error(`function answered ${JSON.stringify((a as { error?: unknown })?.error)}`);
  return a;
}

/**
 * Runs both comparisons on the production path (the bundle in an instance, wx-server-sdk, the CloudBase stand-in)
 * against a fresh sandbox, with the functions' logging off (FACEID_LOG=off), and counts the database requests
 * each call makes.
 */
export async function measureLatency(
  rounds: number,
  warmup: number,
  { upstreamMs = 0, databaseMs = 0 }: LatencyOptions = {},
): Promise<LatencyResult> {
  const sandbox = await startSandbox({ port: 0, appcode: APPCODE, quiet: true });
  if (upstreamMs > 0) {
    for (const path of ['/lite/v1/get_biz_token', '/lite/v1/get_result'])
      sandbox.injectFault({ kind: 'latency', ms: upstreamMs, path, times: 1_000_000 });
  }
  const cloud = await startLocalCloud({
    env: functionEnv(sandbox.url),
    latencyMs: databaseMs,
    instances: 1,
  });
  try {
    const openid = 'o-bench-user';
    let seq = 0;
    cloud.cloudbase.resetRequestCounts();
    const getBizToken = await interleaved(
      async () => expectOk(await cloud.invoke('getBizToken', IDCARD_EVENT, openid)),
      () => bareGetBizToken(sandbox.url, APPCODE, `bench-bare-${++seq}`),
      rounds,
      warmup,
    );
    const tokenRequests = perCall(cloud.cloudbase.requestCounts(), rounds + warmup);

    const issued = expectOk(await cloud.invoke('getBizToken', IDCARD_EVENT, openid));
    const bizToken = issued.bizToken as string;
    await completeFlow(sandbox.url, bizToken, 'SUCCESS');
    const first = expectOk(await cloud.invoke('getResult', { bizToken }, openid));
    if (first.finished !== true) throw new Error('the flow did not finish');
    cloud.cloudbase.resetRequestCounts();
    const getResult = await interleaved(
      async () => expectOk(await cloud.invoke('getResult', { bizToken }, openid)),
      () => bareGetResult(sandbox.url, APPCODE, bizToken),
      rounds,
      warmup,
    );
    return {
      getBizToken: { fn: getBizToken.a, bare: getBizToken.b, database: tokenRequests },
      getResult: {
        fn: getResult.a,
        bare: getResult.b,
        database: perCall(cloud.cloudbase.requestCounts(), rounds + warmup),
      },
    };
  } finally {
    await cloud.close();
    await sandbox.close();
  }
}
