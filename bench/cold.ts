/**
 * Each bundled cloud function: its size and the time a fresh Node process takes to require it; and the cold start
 * of a fresh process that loads getBizToken (wx-server-sdk included) and serves one call on the production path,
 * against one that only loads wx-server-sdk and makes the bare FaceID call.
 */
import { execFile, execFileSync } from 'node:child_process';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { buildFunctions } from '../pipeline/build-functions';
import { startCloudBase } from '../dev/cloudbase';
import { PROJECT_COLLECTIONS } from '../dev/local-cloud';
import { LOCAL_APPID } from '../dev/local-cloud/functions';
import { startSandbox } from '../dev/sandbox';
import { APPCODE, functionEnv, IDCARD_EVENT, tokenForm, upstreamHeaders } from './latency';
import { quantile, summarize, type Series } from './stats';

const ROOT = resolve(__dirname, '..');
const run = promisify(execFile);

// Loaded in the fresh process: the bundle alone (its wx-server-sdk starts at the first call), timed.
const PROBE = `
const { performance } = require('perf_hooks');
const start = performance.now();
const mod = require(process.argv[1]);
const took = performance.now() - start;
if (typeof mod.main !== 'function') throw new Error('no exports.main');
process.stdout.write(String(took));
`;

interface BundleFigures {
  name: string;
  bytes: number;
  /** Part of bytes: this project's own code. */
  ownBytes: number;
  /** Median cold require time over `runs` fresh processes, in milliseconds. */
  requireMs: number;
}

/** Size of each cloudfunctions/<name>/index.js in bytes, and of its own code (built again, written if changed). */
export async function bundleSizes(): Promise<{ name: string; bytes: number; ownBytes: number }[]> {
  return Object.entries(await buildFunctions()).map(([name, size]) => ({ name, ...size }));
}

/** Sizes and median cold require times (each in `runs` fresh processes). */
export async function measureBundles(runs: number): Promise<BundleFigures[]> {
  return (await bundleSizes()).map(({ name, bytes, ownBytes }) => {
    const bundle = join(ROOT, 'cloudfunctions', name, 'index.js');
    const times: number[] = [];
    for (let i = 0; i < runs; i++)
      times.push(Number(execFileSync(process.execPath, ['-e', PROBE, bundle], { encoding: 'utf8' })));
    return { name, bytes, ownBytes, requireMs: quantile(times, 0.5) };
  });
}

// A fresh process that loads the function (wx-server-sdk inside, started at its first call) and serves one call;
// prints the milliseconds since the process started.
const FUNCTION_COLD = `
const { performance } = require('perf_hooks');
require(process.argv[1]).main(JSON.parse(process.argv[2]), {}).then((answer) => {
  if (!answer || answer.ok !== true) { console.error(JSON.stringify(answer)); process.exit(3); }
  process.stdout.write(String(performance.now()));
});
`;

// A fresh process that loads wx-server-sdk (initialised as a function does) and makes the bare FaceID call.
const BARE_COLD = `
const { performance } = require('perf_hooks');
const cloud = require('wx-server-sdk');
cloud.init({ env: cloud.DYNAMIC_CURRENT_ENV });
const [url, headers, body] = process.argv.slice(1);
fetch(url, { method: 'POST', headers: JSON.parse(headers), body }).then(async (res) => {
  const answer = await res.json();
  if (!answer.biz_token) { console.error(JSON.stringify(answer)); process.exit(3); }
  process.stdout.write(String(performance.now()));
});
`;

export interface ColdStartFigures {
  /** Fresh process: load getBizToken, serve one call (ms since the process started). */
  function: Series;
  /** Fresh process: load wx-server-sdk, make the bare get_biz_token call. */
  bare: Series;
}

/**
 * Cold starts in `runs` fresh processes each, alternating, with the CloudBase stand-in taking `databaseMs` a
 * request and the sandbox `upstreamMs` a FaceID call.
 */
export async function measureColdStart(
  runs: number,
  { upstreamMs, databaseMs }: { upstreamMs: number; databaseMs: number },
): Promise<ColdStartFigures> {
  const sandbox = await startSandbox({ port: 0, appcode: APPCODE, quiet: true });
  sandbox.injectFault({ kind: 'latency', ms: upstreamMs, path: '/lite/v1/get_biz_token', times: 1_000_000 });
  const cloudbase = await startCloudBase({ collections: PROJECT_COLLECTIONS, latencyMs: databaseMs });
  const bundle = join(ROOT, 'cloudfunctions', 'getBizToken', 'index.js');
  const env = (openid: string) => ({
    PATH: process.env.PATH ?? '',
    ...cloudbase.sdkEnvironment(),
    ...functionEnv(sandbox.url),
    WX_CONTEXT_KEYS: 'WX_OPENID,WX_APPID',
    WX_OPENID: openid,
    WX_APPID: LOCAL_APPID,
  });
  const fn: number[] = [];
  const bare: number[] = [];
  try {
    for (let i = 0; i < runs; i++) {
      const openid = `o-bench-cold-${i}`;
      const a = await run(process.execPath, ['-e', FUNCTION_COLD, bundle, JSON.stringify(IDCARD_EVENT)], {
        cwd: ROOT,
        env: env(openid),
        encoding: 'utf8',
      });
      fn.push(Number(a.stdout));
      const b = await run(
        process.execPath,
        [
          '-e',
          BARE_COLD,
          `${sandbox.url}/lite/v1/get_biz_token`,
          JSON.stringify(upstreamHeaders(APPCODE, true)),
          tokenForm(`bench-cold-${i}`).toString(),
        ],
        { cwd: ROOT, env: env(openid), encoding: 'utf8' },
      );
      bare.push(Number(b.stdout));
    }
    return { function: summarize(fn), bare: summarize(bare) };
  } finally {
    await cloudbase.close();
    await sandbox.close();
  }
}
