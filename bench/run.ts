/** `npm run bench`: measures everything against the sandbox on loopback, prints it and writes bench/results.md. */
import { writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { buildFunctions } from '../pipeline/build-functions';
import { markdownTable } from '../ops/text-table';
import { BenchUsageError, parseBenchArgs, USAGE, type BenchCounts } from './args';
import { BUDGETS, verdict } from './budgets';
import { measureBundles, measureColdStart, type ColdStartFigures } from './cold';
import { measureLatency, type DatabaseRequests, type LatencyResult } from './latency';
import { measureLoad, type LoadFigures } from './load';
import { measurePackage, type PackageFigures } from './package-size';
import { kb, ms, type Series } from './stats';
import { blockExternalNetwork } from '../pipeline/offline';

// The benchmark measures loopback only; miniprogram-ci's compile would otherwise phone WeChat's servers.
blockExternalNetwork();

/** Assumed FaceID processing time for the second latency comparison (an HTTPS call to FaceID costs more). */
const UPSTREAM_MS = 20;
/** The production comparison: the CloudBase stand-in and FaceID taking realistic times. */
const PRODUCTION = { databaseMs: 10, upstreamMs: 80 };

/** Runs one part; a failure becomes "not measured: <reason>" instead of stopping the run. */
async function attempt<T>(what: string, fn: () => Promise<T>): Promise<T | string> {
  process.stdout.write(`${what} … `);
  try {
    const value = await fn();
    console.log('done');
    return value;
  } catch (error) {
    const reason = `not measured: ${error instanceof Error ? error.message : String(error)}`;
    console.log(reason);
    return reason;
  }
}

const series = (s: Series): string => `median ${ms(s.median)}, p95 ${ms(s.p95)} (n=${s.n})`;

/** Latency rows; the targets apply to the production path only (`targets`), the other rows inform. */
function latencyRows(latency: LatencyResult | string, suffix = '', targets = false): string[][] {
  if (typeof latency === 'string')
    return [
      [`getBizToken: exports.main / bare POST${suffix}`, latency, '', '—'],
      [`getResult (stored) / bare GET${suffix}`, latency, '', '—'],
    ];
  const rows: string[][] = [];
  const pairs = [
    [`getBizToken${suffix}`, 'bare POST get_biz_token', latency.getBizToken, BUDGETS.getBizTokenRatio],
    [
      `getResult (stored final result)${suffix}`,
      'bare GET get_result',
      latency.getResult,
      BUDGETS.getResultRatio,
    ],
  ] as const;
  for (const [fn, bare, { fn: f, bare: b }, limit] of pairs) {
    const ratio = f.median / b.median;
    rows.push([`${fn} through exports.main`, series(f), '', '']);
    rows.push([bare, series(b), '', '']);
    rows.push([
      `${fn}: ratio of medians`,
      `${ratio.toFixed(3)} (p95 ${(f.p95 / b.p95).toFixed(3)})`,
      targets ? `≤ ${limit}` : '',
      targets ? verdict(ratio, limit) : '',
    ]);
  }
  return rows;
}

const requests = (d: DatabaseRequests): string =>
  `${d.total.toFixed(1)} (${Object.entries(d.byAction)
    .map(([action, n]) => `${action.replace('database.', '')} ${n.toFixed(1)}`)
    .join(', ')})`;

function databaseRows(latency: LatencyResult | string, suffix: string): string[][] {
  if (typeof latency === 'string') return [[`database requests per call${suffix}`, latency, '', '']];
  return [
    [
      `getBizToken: database requests per call${suffix}`,
      requests(latency.getBizToken.database),
      `≤ ${BUDGETS.getBizTokenRequests}`,
      verdict(latency.getBizToken.database.total, BUDGETS.getBizTokenRequests),
    ],
    [
      `getResult (stored): database requests per call${suffix}`,
      requests(latency.getResult.database),
      `≤ ${BUDGETS.getResultRequests}`,
      verdict(latency.getResult.database.total, BUDGETS.getResultRequests),
    ],
  ];
}

function coldRows(cold: ColdStartFigures | string): string[][] {
  const what = `cold start (stand-in ${PRODUCTION.databaseMs} ms/request, FaceID ${PRODUCTION.upstreamMs} ms)`;
  if (typeof cold === 'string') return [[what, cold, '', '']];
  return [
    [
      `${what}: fresh process loads getBizToken (SDK included) and serves one call`,
      series(cold.function),
      '',
      '',
    ],
    [`${what}: fresh process loads wx-server-sdk and makes the bare call`, series(cold.bare), '', ''],
    [
      `${what}: ratio of medians`,
      `${(cold.function.median / cold.bare.median).toFixed(3)} (+${ms(cold.function.median - cold.bare.median)})`,
      '',
      '',
    ],
  ];
}

function packageRows(pkg: PackageFigures | string): string[][] {
  if (typeof pkg === 'string')
    return [['main package, own code', pkg, `≤ ${kb(BUDGETS.ownPackageBytes)}`, 'MISS']];
  return [
    [
      'main package, own code (miniprogram-ci compile; faceid-components and miniprogram_npm excluded)',
      `${kb(pkg.ownBytes)} in ${pkg.files} files (of which compiler helpers ${kb(pkg.helperBytes)}; whole package ${kb(pkg.totalBytes)})`,
      `≤ ${kb(BUDGETS.ownPackageBytes)}`,
      verdict(pkg.ownBytes, BUDGETS.ownPackageBytes),
    ],
  ];
}

function loadRows(load: LoadFigures | string, flows: number): string[][] {
  if (typeof load === 'string')
    return [[`${flows} concurrent verifications through npm start's host`, load, `lost = 0`, '—']];
  return [
    [
      `${load.flows} concurrent verifications, sandbox alone`,
      `${load.sandboxPerSecond.toFixed(1)} /s (${load.sandboxSeconds.toFixed(2)} s, ${load.sandboxFailed} failed)`,
      '',
      '',
    ],
    [
      `${load.flows} concurrent verifications through npm start's host`,
      `${load.hostPerSecond.toFixed(1)} /s (${load.hostSeconds.toFixed(2)} s, ${load.hostFailed} failed); ${(load.hostPerSecond / load.sandboxPerSecond).toFixed(2)}× the sandbox alone`,
      '',
      '',
    ],
    [
      'lost records (issued token without a finished record of the right outcome)',
      `${load.lost} of ${load.issued} issued`,
      `= ${BUDGETS.lostRecords}`,
      load.issued === load.flows ? verdict(load.lost, BUDGETS.lostRecords) : 'MISS',
    ],
  ];
}

async function main(counts: BenchCounts): Promise<void> {
  const {
    rounds: ROUNDS,
    warmup: WARMUP,
    'cold-runs': COLD_RUNS,
    'production-rounds': PRODUCTION_ROUNDS,
    'production-warmup': PRODUCTION_WARMUP,
    flows: FLOWS,
  } = counts;
  const started = new Date();
  await buildFunctions();
  const latency = await attempt(`latency (${ROUNDS} interleaved calls each after ${WARMUP} warm-up)`, () =>
    measureLatency(ROUNDS, WARMUP),
  );
  const realistic = await attempt(`latency with ${UPSTREAM_MS} ms of FaceID processing per call`, () =>
    measureLatency(ROUNDS, WARMUP, { upstreamMs: UPSTREAM_MS }),
  );
  const production = await attempt(
    `latency on the production path (stand-in ${PRODUCTION.databaseMs} ms, FaceID ${PRODUCTION.upstreamMs} ms)`,
    () => measureLatency(PRODUCTION_ROUNDS, PRODUCTION_WARMUP, PRODUCTION),
  );
  const cold = await attempt(`cold starts (${COLD_RUNS} fresh processes each)`, () =>
    measureColdStart(COLD_RUNS, PRODUCTION),
  );
  const bundles = await attempt(`bundles (cold require in ${COLD_RUNS} fresh processes each)`, async () =>
    measureBundles(COLD_RUNS),
  );
  const pkg = await attempt('main package (offline miniprogram-ci compile)', () => measurePackage());
  const load = await attempt(`${FLOWS} concurrent verifications`, () => measureLoad(FLOWS));

  const headers = ['measure', 'result', 'target', 'verdict'];
  const rows = [
    ...latencyRows(latency, ' (sandbox answering at once)'),
    ...latencyRows(realistic, ` (sandbox taking ${UPSTREAM_MS} ms per call)`),
    ...latencyRows(
      production,
      ` (stand-in ${PRODUCTION.databaseMs} ms/request, FaceID ${PRODUCTION.upstreamMs} ms)`,
      true,
    ),
    ...databaseRows(production, ` (stand-in ${PRODUCTION.databaseMs} ms/request)`),
    ...coldRows(cold),
    ...packageRows(pkg),
    ...loadRows(load, FLOWS),
  ];
  const bundleTable =
    typeof bundles === 'string'
      ? bundles
      : markdownTable(
          [
            'cloud function',
            'bundle size',
            `size ≤ ${kb(BUDGETS.bundleBytes)}`,
            'own code',
            `own code ≤ ${kb(BUDGETS.ownBundleBytes)}`,
            'cold require (median)',
            `require ≤ ${ms(BUDGETS.coldRequireMs)}`,
          ],
          bundles.map((b) => [
            b.name,
            kb(b.bytes),
            verdict(b.bytes, BUDGETS.bundleBytes),
            kb(b.ownBytes),
            verdict(b.ownBytes, BUDGETS.ownBundleBytes),
            ms(b.requireMs),
            verdict(b.requireMs, BUDGETS.coldRequireMs),
          ]),
        );
  const cpu = cpus()[0]?.model ?? 'unknown';
  const report = [
    '# Benchmark results',
    '',
    `Written by \`npm run bench\` (bench/run.ts) on ${started.toISOString()}: Node ${process.version}, ${cpu} ` +
      `(${cpus().length} logical CPUs), ${process.platform}/${process.arch}. Everything runs on loopback on the ` +
      'production path (each bundle in its own instance, the real wx-server-sdk, the CloudBase stand-in of ' +
      'dev/cloudbase) against the sandbox FaceID; times are of this machine and vary between runs (the bench never ' +
      'fails on them).',
    '',
    markdownTable(headers, rows),
    '',
    bundleTable,
    '',
    '## How it is measured',
    '',
    `- Latency: the bundled \`cloudfunctions/<name>/index.js\` \`exports.main\` invoked in its instance (a worker ` +
      'thread of `dev/local-cloud`, one invocation at a time, the caller in WX_OPENID), its store going through the ' +
      'real wx-server-sdk to the CloudBase stand-in, against `fetch` of the same FaceID request (same form and ' +
      `headers) from the bench process to the sandbox; ${WARMUP} untimed warm-up rounds, then ${ROUNDS} rounds with ` +
      'the order of the two alternating. The functions log nothing while timed (`FACEID_LOG=off`, also for the load ' +
      'test).',
    `- Production path: the same with the CloudBase stand-in taking ${PRODUCTION.databaseMs} ms over every request ` +
      `and the sandbox ${PRODUCTION.upstreamMs} ms over every FaceID call (assumed figures: a CloudBase database ` +
      `request from a function and an HTTPS call to FaceID), ${PRODUCTION_WARMUP} warm-up and ${PRODUCTION_ROUNDS} ` +
      'timed rounds. Database requests per call are counted by the stand-in over the warm-up and timed rounds ' +
      '(actions as wx-server-sdk sends them: getDocument is a query, modifyDocument an update).',
    `- Cold start: a fresh \`node\` process that requires \`cloudfunctions/getBizToken/index.js\` and serves one ` +
      'call (wx-server-sdk loaded at that first call, its records written to the stand-in), against a fresh process ' +
      'that requires and initialises wx-server-sdk and makes the bare get_biz_token call; each prints the ' +
      `milliseconds since its process started (Node's own start included), median of ${COLD_RUNS} of each, ` +
      `alternating, with the stand-in at ${PRODUCTION.databaseMs} ms and FaceID at ${PRODUCTION.upstreamMs} ms.`,
    `- The first pair of latency rows compares against a sandbox that answers in well under a millisecond, so the ` +
      "function's own fixed cost (input checks, the store operations, building the request) shows " +
      `as a ratio; the second pair makes the sandbox take ${UPSTREAM_MS} ms per call (an assumed figure, below what ` +
      'an HTTPS call across the internet to FaceID costs) to show that cost against a realistic upstream.',
    '- getResult reads a verification that already ended (its final answer is stored with the record), so it makes ' +
      'no upstream call; the bare call is `GET get_result` for the same token.',
    `- Bundles: size on disk (wx-server-sdk and every package under it included, minified), own code = the bytes ` +
      'from outside node_modules (esbuild metafile); cold require = time of `require()` of the bundle in a fresh ' +
      `\`node\` process (the bundled wx-server-sdk starts at the first call, not here), median of ${COLD_RUNS} ` +
      'processes.',
    '- Main package: `pipeline/build-mp.ts` (the compile of `npm run build:mp`, miniprogram-ci offline); own code = ' +
      'every compiled file outside `faceid-components/` (the vendor slot) and `miniprogram_npm/`.',
    `- Load: ${FLOWS} verifications started at once (getBizToken → get_config → video_verify → getResult, outcomes ` +
      'SUCCESS / PASS_LIVING_NOT_THE_SAME / NO_ID_CARD_NUMBER in turn), through `startApp()` of `npm start` (its HTTP ' +
      'API `/api/callFunction`, its proxied component endpoints, its function instances, its CloudBase stand-in ' +
      'persisting to a folder) and straight against a sandbox. Lost records are counted after the host closed, ' +
      'through wx-server-sdk from a fresh stand-in over the folder it left.',
    '',
  ].join('\n');
  writeFileSync(join(__dirname, 'results.md'), report);
  console.log(`\n${report}`);
  console.log('written to bench/results.md');
}

let parsed: ReturnType<typeof parseBenchArgs>;
try {
  parsed = parseBenchArgs(process.argv.slice(2), process.env);
} catch (error) {
  if (!(error instanceof BenchUsageError)) throw error;
  console.error(`bench: ${error.message}\n${USAGE}`);
  process.exit(2);
}
if (parsed.help) {
  console.log(USAGE);
  process.exit(0);
}
// build-mp's compiler leaves handles open; exit explicitly.
main(parsed.counts).then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(`bench failed: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  },
);
