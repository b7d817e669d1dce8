/**
 * Concurrent verifications end to end (getBizToken → component endpoints → getResult) through the local host of
 * `npm start`, versus the same flows straight against the sandbox; then every issued token is checked against the
 * records the host persisted.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RESULT_CODES, type Outcome } from '../miniprogram/shared/result-codes';
import { openStore } from '../server/store';
import { useSdkInThisProcess } from '../test/support/cloudbase';
import { completeFlow } from '../test/support/component-driver';
import { startCloudBase } from '../dev/cloudbase';
import { SESSION_COOKIE } from '../dev/local-cloud/host';
import { startSandbox } from '../dev/sandbox';
import { startApp } from '../dev/start';
import { IDCARD_EVENT, bareGetBizToken, bareGetResult } from './latency';

/** The outcomes the flows end with, in turn. */
const OUTCOMES = ['SUCCESS', 'PASS_LIVING_NOT_THE_SAME', 'NO_ID_CARD_NUMBER'];

function expectedOutcome(message: string): Outcome {
  const row = RESULT_CODES.find((r) => r.message === message);
  if (!row) throw new Error(`no result code for ${message}`);
  return row.outcome;
}

export interface LoadFigures {
  flows: number;
  hostSeconds: number;
  sandboxSeconds: number;
  hostPerSecond: number;
  sandboxPerSecond: number;
  /** Flows whose calls failed (errors, not outcomes). */
  hostFailed: number;
  sandboxFailed: number;
  issued: number;
  /** Issued tokens without a finished record carrying the flow's outcome. */
  lost: number;
}

async function callFunction(
  base: string,
  openid: string,
  name: string,
  data: unknown,
): Promise<Record<string, unknown>> {
  const res = await fetch(`${base}/api/callFunction`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', cookie: `${SESSION_COOKIE}=${openid}` },
    body: JSON.stringify({ name, data }),
  });
  const body = (await res.json()) as { result?: Record<string, unknown> };
  if (res.status !== 200 || body.result?.ok !== true)
    throw new Error(
      `${name} answered ${res.status} ${JSON.stringify((body.result as { error?: unknown })?.error)}`,
    );
  return body.result;
}

async function runAll(
  flows: number,
  flow: (i: number) => Promise<void>,
): Promise<{ seconds: number; failed: number }> {
  const start = process.hrtime.bigint();
  const settled = await Promise.allSettled(Array.from({ length: flows }, (_, i) => flow(i)));
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  return { seconds, failed: settled.filter((s) => s.status === 'rejected').length };
}

/** Runs `flows` concurrent verifications through startApp and straight against a sandbox. */
export async function measureLoad(flows: number): Promise<LoadFigures> {
  const sandbox = await startSandbox({ port: 0, quiet: true });
  let sandboxRun: { seconds: number; failed: number };
  try {
    sandboxRun = await runAll(flows, async (i) => {
      const token = await bareGetBizToken(sandbox.url, sandbox.appcode, `bench-load-${i}`);
      await completeFlow(sandbox.url, token, OUTCOMES[i % OUTCOMES.length]);
      const result = await bareGetResult(sandbox.url, sandbox.appcode, token);
      if (result.result_message !== OUTCOMES[i % OUTCOMES.length]) throw new Error('wrong outcome');
    });
  } finally {
    await sandbox.close();
  }

  const dataDir = mkdtempSync(join(tmpdir(), 'bench-app-'));
  const issued = new Map<string, Outcome>();
  const savedLog = process.env.FACEID_LOG;
  process.env.FACEID_LOG = 'off';
  let hostRun: { seconds: number; failed: number };
  try {
    const app = await startApp({ port: 0, dataDir, quiet: true });
    try {
      hostRun = await runAll(flows, async (i) => {
        const openid = `o-local-bench${String(i).padStart(5, '0')}`;
        const message = OUTCOMES[i % OUTCOMES.length];
        const token = await callFunction(app.url, openid, 'getBizToken', IDCARD_EVENT);
        const bizToken = token.bizToken as string;
        issued.set(bizToken, expectedOutcome(message));
        await completeFlow(app.url, bizToken, message);
        const result = await callFunction(app.url, openid, 'getResult', { bizToken });
        if (result.outcome !== expectedOutcome(message)) throw new Error('wrong outcome');
      });
    } finally {
      await app.close();
    }
    // The records as the host left them on disk, read back through wx-server-sdk from a fresh stand-in.
    const cloudbase = await startCloudBase({ dataDir: join(dataDir, 'cloudbase') });
    const { sdk, restore } = useSdkInThisProcess(cloudbase.sdkEnvironment());
    let lost = 0;
    try {
      const persisted = openStore(sdk.database());
      for (const [bizToken, outcome] of issued) {
        const record = await persisted.getByBizToken(bizToken);
        if (record?.status !== 'finished' || record.result.outcome !== outcome) lost++;
      }
    } finally {
      restore();
      await cloudbase.close();
    }
    return {
      flows,
      hostSeconds: hostRun.seconds,
      sandboxSeconds: sandboxRun.seconds,
      hostPerSecond: flows / hostRun.seconds,
      sandboxPerSecond: flows / sandboxRun.seconds,
      hostFailed: hostRun.failed,
      sandboxFailed: sandboxRun.failed,
      issued: issued.size,
      lost,
    };
  } finally {
    if (savedLog === undefined) delete process.env.FACEID_LOG;
    else process.env.FACEID_LOG = savedLog;
    rmSync(dataDir, { recursive: true, force: true });
  }
}
