/**
 * `npm run records -- list | show <bizNo | reference> | export [--since <date>] | purge --before <date> [--yes] |
 * deliveries | redeliver <bizNo | reference>`: the
 * operators' view of verification records, through wx-server-sdk: in CloudBase (TCB_ENV, TCB_SECRET_ID,
 * TCB_SECRET_KEY, required), or, only with `--local` or `--data-dir`, in the CloudBase stand-in data of `npm start`
 * (`--data-dir`, else DATA_DIR, else .data, as `npm start` reads them).
 * Prints masked fields only; openids are shown hashed; tokens and provider handles are never printed.
 */
import { createHash } from 'node:crypto';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { deleteCreatedBefore } from '../server/app/records';
import { deliveryId, isNoticeRecord } from '../server/lifecycle';
import { maskIdNumber, maskName } from '../server/mask';
import type { CloudSdk } from '../server/runtime';
import { openStore } from '../server/store';
import type { VerificationRecord, VerificationStore } from '../server/store/types';
import {
  cloudEnvironment,
  DEFAULT_ENV_ID,
  DEFAULT_SECRET_ID,
  DEFAULT_SECRET_KEY,
  runningStandIn,
  startCloudBase,
} from '../dev/cloudbase';
import { PROJECT_COLLECTIONS } from '../dev/local-cloud';
import { markdownTable } from './text-table';
import { UsageError, dataDirFrom, standInDataDir } from '../pipeline/cli';

const USAGE = `usage: npm run records -- <command> [--json] [--local | --data-dir <dir>]
  list [--limit <1..1000>]          newest records (default 20)
  show <bizNo | reference>          one record, by its bizNo or the 8-character support reference
                                    (客服查询编号, the bizNo's last 8 characters) the result page shows
  export [--since <ISO date>]       every record created since the date, as JSON lines
  purge --before <ISO date> [--yes] delete records created before the date, and their stored images
  deliveries [--limit <1..1000>]    webhook deliveries pending (not yet received) and dead (given up)
  redeliver <bizNo | reference>     queue a record's webhook delivery again (deliverResults sends it within a minute)
  without --local: CloudBase, with TCB_ENV, TCB_SECRET_ID and TCB_SECRET_KEY (all three required)
  --local                           npm start's data instead (its folder: DATA_DIR, else .data)
  --data-dir <dir>                  npm start's data in that folder (implies --local)
  --help                            this text`;

/** What the CLI works on: a store and the storage that holds evidence images. */
interface RecordsBackend {
  store: VerificationStore;
  deleteFile(options: { fileList: string[] }): Promise<unknown>;
  describe: string;
  close(): Promise<void>;
}

export interface RecordsDeps {
  env?: NodeJS.ProcessEnv;
  out?: (line: string) => void;
  err?: (line: string) => void;
}

function requiredVar(env: NodeJS.ProcessEnv, name: string): string {
  const value = env[name]?.trim();
  if (!value)
    throw new UsageError(`environment variable ${name} is not set (needed for the CloudBase database)`);
  return value;
}

/** wx-server-sdk initialised outside the cloud with an environment and a key pair (one SDK for every tool). */
function connectSdk(config: { env: string; secretId: string; secretKey: string }): CloudSdk {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const sdk = require('wx-server-sdk') as CloudSdk;
  sdk.init(config);
  return sdk;
}

const CLOUDBASE_VARIABLES = ['TCB_ENV', 'TCB_SECRET_ID', 'TCB_SECRET_KEY'] as const;

/** Where the CLI reads: CloudBase (production, the default) or the stand-in data of `npm start` in `dataDir`. */
type RecordsTarget = { local: false } | { local: true; dataDir: string };

/**
 * Opens CloudBase with TCB_ENV, TCB_SECRET_ID and TCB_SECRET_KEY (a usage error naming them when any is missing);
 * for a local target, the stand-in data of `npm start`: through the running stand-in when `npm start` is up, else
 * through one started here over the folder.
 */
async function openBackend(env: NodeJS.ProcessEnv, target: RecordsTarget): Promise<RecordsBackend> {
  if (!target.local) {
    if (CLOUDBASE_VARIABLES.every((name) => !env[name]?.trim()))
      throw new UsageError(
        `no CloudBase environment: set ${CLOUDBASE_VARIABLES.join(', ')} (a CAM key allowed to use the environment), or add --local to read npm start's data`,
      );
    const config = {
      env: requiredVar(env, 'TCB_ENV'),
      secretId: requiredVar(env, 'TCB_SECRET_ID'),
      secretKey: requiredVar(env, 'TCB_SECRET_KEY'),
    };
    const sdk = connectSdk(config);
    return {
      store: openStore(sdk.database()),
      deleteFile: async (options) => sdk.deleteFile(options),
      describe: `CloudBase ${config.env}`,
      close: async () => undefined,
    };
  }
  const standInDir = standInDataDir(target.dataDir);
  const running = runningStandIn(standInDir);
  const standIn = running
    ? undefined
    : await startCloudBase({ dataDir: standInDir, collections: PROJECT_COLLECTIONS });
  // The stand-in is reached the way a function reaches CloudBase: through the variables the cloud sets.
  Object.assign(process.env, cloudEnvironment({ url: running?.url ?? standIn?.url ?? '' }));
  const sdk = connectSdk({ env: DEFAULT_ENV_ID, secretId: DEFAULT_SECRET_ID, secretKey: DEFAULT_SECRET_KEY });
  return {
    store: openStore(sdk.database()),
    deleteFile: async (options) => sdk.deleteFile(options),
    describe: `${standInDir}${running ? ` (npm start, process ${running.pid})` : ''}`,
    close: async () => standIn?.close(),
  };
}

/** A short, stable stand-in for an openid (never the openid itself). */
export function hashOpenid(openid: string | null): string {
  return openid === null ? 'console' : `u:${createHash('sha256').update(openid).digest('hex').slice(0, 10)}`;
}

const iso = (ms: number | undefined): string | undefined =>
  typeof ms === 'number' && Number.isFinite(ms) ? new Date(ms).toISOString() : undefined;

/** The record's state in an operator's words. */
function stateInWords(record: VerificationRecord): string {
  switch (record.status) {
    case 'requesting':
      return 'buying a token';
    case 'failed':
      return `no token: ${record.errorCode}`;
    case 'unconfirmed':
      return `answer lost, a token may have been bought: ${record.errorCode}`;
    case 'issued':
      return record.leftAt === undefined
        ? `in progress until ${iso(record.expiresAt) ?? '?'}`
        : `left unfinished at ${iso(record.leftAt) ?? '?'}, resumable until ${iso(record.expiresAt) ?? '?'}`;
    case 'finished':
      return `finished: ${record.result.outcome}`;
    case 'cancelled':
      return 'left by the person';
    case 'expired':
      return 'token died without a result';
  }
}

/** What the CLI may print of a record: masked (again, whatever the store holds), no token, no provider handle. */
export function publicView(record: VerificationRecord): Record<string, string | number | undefined> {
  const r = record.status === 'finished' || record.status === 'cancelled' ? record.result : undefined;
  const view: Record<string, string | number | undefined> = {
    bizNo: record.bizNo,
    ref: supportReferenceOf(record.bizNo),
    createdAt: iso(record.createdAt),
    finishedAt: 'endedAt' in record ? iso(record.endedAt) : undefined,
    expiresAt: 'expiresAt' in record ? iso(record.expiresAt) : undefined,
    leftAt: 'leftAt' in record ? iso(record.leftAt) : undefined,
    user: hashOpenid(record.openid),
    mode: record.mode,
    provider: record.provider,
    status: record.status,
    state: stateInWords(record),
    outcome: r?.outcome,
    resultCode: r?.resultCode,
    resultMessage: r?.resultMessage,
    errorCode: record.status === 'failed' || record.status === 'unconfirmed' ? record.errorCode : undefined,
    consentVersion: record.consentVersion,
    consentedAt: iso(record.consentedAt),
    maskedName: record.maskedName && maskName(record.maskedName),
    maskedIdNumber: record.maskedIdNumber && maskIdNumber(record.maskedIdNumber),
    level: r?.verification?.level,
    confidence: r?.verification?.confidence,
    idcardName: r?.idcard?.name && maskName(r.idcard.name),
    idcardNumber: r?.idcard?.idcardNumber && maskIdNumber(r.idcard.idcardNumber),
    images: record.status === 'finished' ? (record.imageFileIDs?.length ?? 0) : 0,
    photos: record.photoFileIDs?.length ?? 0,
    delivery: record.delivery?.state,
    deliveryTries: record.delivery?.tries,
    deliveryDue: record.delivery?.state === 'pending' ? iso(record.delivery.due) : undefined,
    deliveryLast: record.delivery?.lastResult,
    deliveredAt: iso(record.delivery?.deliveredAt),
  };
  return Object.fromEntries(Object.entries(view).filter(([, v]) => v !== undefined && v !== ''));
}

const LIST_COLUMNS = [
  'createdAt',
  'bizNo',
  'user',
  'mode',
  'status',
  'leftAt',
  'outcome',
  'resultCode',
  'maskedName',
  'maskedIdNumber',
  'images',
];

function parseDate(flag: string, value: string | undefined): number {
  const shape = /^\d{4}-\d{2}-\d{2}(?:T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,3})?)?(?:Z|[+-]\d{2}:\d{2})?)?$/;
  const ms = value && shape.test(value) ? Date.parse(value) : NaN;
  const [y, m, d] = (value ?? '').slice(0, 10).split('-').map(Number);
  if (Number.isNaN(ms) || new Date(Date.UTC(y, m - 1, d)).getUTCDate() !== d)
    throw new UsageError(`${flag} needs an ISO date such as 2026-01-31 or 2026-01-31T08:00:00Z`);
  return ms;
}

const DELIVERY_COLUMNS = [
  'bizNo',
  'ref',
  'status',
  'delivery',
  'deliveryTries',
  'deliveryDue',
  'deliveryLast',
];

const COMMANDS = ['list', 'show', 'export', 'purge', 'deliveries', 'redeliver'] as const;

interface Parsed {
  command: (typeof COMMANDS)[number];
  json: boolean;
  yes: boolean;
  limit: number;
  /** A full bizNo, or the 8-character support reference the result page shows. */
  bizNo?: string;
  since?: number;
  before?: number;
  /** Read `npm start`'s stand-in data (`--local`, or implied by `--data-dir`) instead of CloudBase. */
  local: boolean;
  /** `npm start`'s data folder, for the stand-in. */
  dataDir?: string;
}

const OPTIONS = {
  json: { type: 'boolean' },
  yes: { type: 'boolean' },
  local: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
  limit: { type: 'string' },
  since: { type: 'string' },
  before: { type: 'string' },
  'data-dir': { type: 'string' },
} as const;

const TAKES: Record<(typeof COMMANDS)[number], readonly string[]> = {
  list: ['json', 'limit', 'local', 'data-dir'],
  show: ['json', 'local', 'data-dir'],
  export: ['json', 'since', 'local', 'data-dir'],
  purge: ['json', 'before', 'yes', 'local', 'data-dir'],
  deliveries: ['json', 'limit', 'local', 'data-dir'],
  redeliver: ['json', 'local', 'data-dir'],
};

/** Parses the command line (`--help` anywhere asks for the usage); throws a usage error naming the problem. */
function parseRecordsArgs(argv: string[]): Parsed | { command: 'help' } {
  const { tokens } = parseArgs({
    args: argv,
    options: OPTIONS,
    strict: false,
    allowPositionals: true,
    tokens: true,
  });
  if (tokens.some((t) => t.kind === 'option' && t.name === 'help')) return { command: 'help' };
  const positional = tokens.flatMap((t) => (t.kind === 'positional' ? [t.value] : []));
  const command = COMMANDS.find((c) => c === positional[0]);
  if (!command)
    throw new UsageError(positional[0] ? `unknown command ${positional[0]}` : 'a command is required');
  const parsed: Parsed = { command, json: false, yes: false, local: false, limit: 20 };
  for (const token of tokens) {
    if (token.kind !== 'option') continue;
    if (!TAKES[command].includes(token.name))
      throw new UsageError(`${command} does not take ${token.rawName}`);
    const takesValue = OPTIONS[token.name as keyof typeof OPTIONS].type === 'string';
    if (!takesValue && token.value !== undefined) throw new UsageError(`${token.rawName} takes no value`);
    if (token.name === 'json') parsed.json = true;
    else if (token.name === 'yes') parsed.yes = true;
    else if (token.name === 'local') parsed.local = true;
    else if (token.name === 'since') parsed.since = parseDate('--since', token.value);
    else if (token.name === 'before') parsed.before = parseDate('--before', token.value);
    else if (token.name === 'data-dir') {
      if (!token.value?.trim()) throw new UsageError('--data-dir must name a folder');
      parsed.dataDir = token.value;
      parsed.local = true;
    } else if (token.name === 'limit') {
      parsed.limit = Number(token.value);
      if (!token.value || !/^\d+$/.test(token.value) || parsed.limit < 1 || parsed.limit > 1000)
        throw new UsageError('--limit needs a whole number from 1 to 1000');
    }
  }
  const operands = positional.slice(1);
  if (command === 'show' || command === 'redeliver') {
    if (operands.length !== 1 || !operands[0]?.trim())
      throw new UsageError(`${command} needs exactly one bizNo or support reference`);
    parsed.bizNo = operands[0].trim();
  } else if (operands.length) throw new UsageError(`${command} takes no ${operands[0]}`);
  if (command === 'purge' && parsed.before === undefined)
    throw new UsageError('purge needs --before <ISO date>');
  return parsed;
}

const PAGE = 100;

async function* newestFirst(
  store: VerificationStore,
  stopBefore = -Infinity,
): AsyncGenerator<VerificationRecord> {
  for (let skip = 0; ; skip += PAGE) {
    const page = await store.listRecent({ skip, limit: PAGE });
    for (const record of page) {
      if (record.createdAt < stopBefore) return;
      yield record;
    }
    if (page.length < PAGE) return;
  }
}

/** The 8-character support reference (客服查询编号) the result page shows for a bizNo. */
const supportReferenceOf = (bizNo: string): string => bizNo.slice(-8);

const REFERENCE_LENGTH = 8;

/**
 * The records of a bizNo (each owner has their own); failing that, for an 8-character argument, every record whose support reference it is
 * (letter case ignored, as a person reads it aloud), newest first.
 */
async function findRecord(store: VerificationStore, bizNoOrReference: string): Promise<VerificationRecord[]> {
  const records = await store.listByBizNo(bizNoOrReference, 20);
  if (records.length) return records;
  if (bizNoOrReference.length !== REFERENCE_LENGTH) return [];
  const reference = bizNoOrReference.toLowerCase();
  const found: VerificationRecord[] = [];
  for await (const candidate of newestFirst(store))
    if (supportReferenceOf(candidate.bizNo).toLowerCase() === reference) found.push(candidate);
  return found;
}

async function execute(args: Parsed, backend: RecordsBackend, out: (line: string) => void): Promise<number> {
  const { store } = backend;
  const print = (views: Record<string, string | number | undefined>[], columns = LIST_COLUMNS): void => {
    if (args.json) views.forEach((v) => out(JSON.stringify(v)));
    else
      out(
        markdownTable(
          columns,
          views.map((v) => columns.map((c) => String(v[c] ?? ''))),
        ),
      );
  };
  switch (args.command) {
    case 'list': {
      const rows = await store.listRecent({ skip: 0, limit: args.limit });
      print(rows.map(publicView));
      if (!args.json) out(`${rows.length} record(s) in ${backend.describe}`);
      return 0;
    }
    case 'show': {
      if (args.bizNo === undefined) throw new UsageError('show needs exactly one bizNo or support reference');
      const found = await findRecord(store, args.bizNo);
      if (found.length !== 1) {
        if (found.length) print(found.map(publicView));
        out(
          found.length
            ? `${found.length} records end with ${args.bizNo}; show one by its bizNo`
            : `no record ${args.bizNo} in ${backend.describe}`,
        );
        return 1;
      }
      const [record] = found;
      const view = publicView(record);
      if (args.json) out(JSON.stringify(view));
      else
        out(
          markdownTable(
            ['field', 'value'],
            Object.entries(view).map(([k, v]) => [k, String(v)]),
          ),
        );
      return 0;
    }
    case 'deliveries': {
      const [pending, dead] = await Promise.all([
        store.listDeliveries('pending', args.limit),
        store.listDeliveries('dead', args.limit),
      ]);
      print([...pending, ...dead].map(publicView), DELIVERY_COLUMNS);
      if (!args.json) out(`${pending.length} pending, ${dead.length} dead in ${backend.describe}`);
      return 0;
    }
    case 'redeliver': {
      if (args.bizNo === undefined)
        throw new UsageError('redeliver needs exactly one bizNo or support reference');
      const found = await findRecord(store, args.bizNo);
      if (found.length !== 1) {
        if (found.length) print(found.map(publicView));
        out(
          found.length
            ? `${found.length} records end with ${args.bizNo}; redeliver one by its bizNo`
            : `no record ${args.bizNo} in ${backend.describe}`,
        );
        return 1;
      }
      const [record] = found;
      if (!isNoticeRecord(record)) {
        out(`${record.bizNo} has not ended (${stateInWords(record)}): nothing to deliver yet`);
        return 1;
      }
      const at = Date.now();
      const queued = await store.requeueDelivery(record, {
        id: record.delivery?.id ?? deliveryId(record),
        state: 'pending',
        tries: 0,
        due: at,
        since: at,
        claimedUntil: 0,
      });
      if (!queued) {
        out(`${record.bizNo} changed meanwhile; run redeliver again`);
        return 1;
      }
      out(
        args.json
          ? JSON.stringify({ bizNo: record.bizNo, queued: true })
          : `queued the delivery of ${record.bizNo}; deliverResults sends it within a minute`,
      );
      return 0;
    }
    case 'export': {
      for await (const record of newestFirst(store, args.since)) out(JSON.stringify(publicView(record)));
      return 0;
    }
    case 'purge': {
      const before = args.before;
      if (before === undefined) throw new UsageError('purge needs --before <ISO date>');
      const when = new Date(before).toISOString();
      if (!args.yes) {
        const count = (await store.listCreatedBefore(before, 1000)).length;
        if (count === 0) {
          out(`no records created before ${when}; nothing to delete`);
          return 0;
        }
        out(
          `would delete ${count === 1000 ? 'at least 1000' : count} record(s) created before ${when}; add --yes to delete`,
        );
        return 2;
      }
      const { records, files: images } = await deleteCreatedBefore(
        store,
        (fileList) => backend.deleteFile({ fileList }),
        before,
        () => true,
      );
      const summary = { deleted: records, images, before: when };
      out(
        args.json
          ? JSON.stringify(summary)
          : `deleted ${records} record(s) and ${images} image(s) created before ${when}`,
      );
      return 0;
    }
  }
}

/** Runs the records CLI; resolves with the exit code (2 for bad arguments or configuration). */
export async function records(argv: string[], deps: RecordsDeps = {}): Promise<number> {
  const out = deps.out ?? ((line: string) => console.log(line));
  const err = deps.err ?? ((line: string) => console.error(line));
  try {
    const args = parseRecordsArgs(argv);
    if (args.command === 'help') {
      out(USAGE);
      return 0;
    }
    const env = deps.env ?? process.env;
    const backend = await openBackend(
      env,
      args.local ? { local: true, dataDir: dataDirFrom(args.dataDir, env) } : { local: false },
    );
    try {
      return await execute(args, backend, out);
    } finally {
      await backend.close();
    }
  } catch (error) {
    if (error instanceof UsageError) {
      err(`records: ${error.message}\n${USAGE}`);
      return 2;
    }
    err(`records failed: ${error instanceof Error ? error.message : String(error)}`);
    return 1;
  }
}

if (process.argv[1] && resolve(process.argv[1]) === __filename) {
  void records(process.argv.slice(2)).then((code) => process.exit(code));
}
