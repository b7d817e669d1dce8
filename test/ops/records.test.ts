import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CloudDatabase } from '../../server/store/cloudbase';
import { VERIFICATIONS_COLLECTION, type FinishedRecord } from '../../server/store/types';
import { cloudEnvironment, startCloudBase, type CloudBaseStandIn } from '../../dev/cloudbase';
import { PROJECT_COLLECTIONS } from '../../dev/local-cloud';
import { hashOpenid, publicView, type RecordsDeps } from '../../ops/records';
import { useSdkInThisProcess } from '../support/cloudbase';

const DAY = 24 * 60 * 60 * 1000;
const T0 = Date.parse('2026-03-01T00:00:00Z');
const OPENID = 'oABCdefGhijk-secret-openid';
const TOKEN = '1772323200,0123456789abcdef0123456789abcdef';
const NAMES = ['张三丰', '李四', '王小二'];
const ID_NUMBERS = ['11010519491231002X', '110105194912310021', '440305199001011234'];

function record(i: number, extra: Partial<FinishedRecord> = {}): FinishedRecord {
  return {
    _id: `biz-${i}`,
    bizNo: `biz-${i}`,
    bizToken: `${TOKEN}${i}`,
    resultRef: `ref-secret-${i}`,
    client: { kind: 'component', token: `${TOKEN}${i}` },
    openid: i % 2 ? OPENID : null,
    mode: 'idcard',
    provider: 'fidlite',
    status: 'finished',
    attempt: 1,
    expiresAt: T0 + i * DAY + 3_600_000,
    result: {
      bizToken: `${TOKEN}${i}`,
      bizNo: `biz-${i}`,
      outcome: 'passed',
      resultCode: 1000,
      resultMessage: 'SUCCESS',
      retryable: false,
      finished: true,
    },
    maskedName: '张**',
    maskedIdNumber: '1101**********002X',
    createdAt: T0 + i * DAY,
    endedAt: T0 + i * DAY + 60_000,
    ...extra,
  };
}

/** Records 0..4 (one a day from T0); record 3 holds unmasked data as a broken writer might leave it. */
async function seed(db: CloudDatabase, imageFileIDs: string[]): Promise<void> {
  const broken = record(3, {
    maskedName: NAMES[0],
    maskedIdNumber: ID_NUMBERS[0],
    result: { ...record(3).result, bizToken: TOKEN, idcard: { name: NAMES[1], idcardNumber: ID_NUMBERS[1] } },
  });
  for (let i = 0; i < 5; i++) {
    const data = i === 3 ? broken : i === 0 ? record(0, { imageFileIDs }) : record(i);
    await db.collection(VERIFICATIONS_COLLECTION).add({ data: { ...data } });
  }
}

function expectNothingSecret(text: string): void {
  for (const secret of [...NAMES, ...ID_NUMBERS, OPENID, TOKEN, 'ref-secret'])
    expect(text).not.toContain(secret);
}

interface Backend {
  name: string;
  /** `flags`: what the operator adds to every command to pick the backend. */
  setup(): Promise<{ deps: RecordsDeps; flags: string[]; deletedFiles(): string[]; files: string[] }>;
}

const cleanup: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const step of cleanup.splice(0).reverse()) await step();
});

/** Seeds records 0..4 and two evidence images through wx-server-sdk into a stand-in; resolves the fileIDs. */
async function seedThroughSdk(
  standIn: CloudBaseStandIn,
  variables = standIn.sdkEnvironment(),
): Promise<string[]> {
  const { sdk, restore } = useSdkInThisProcess(variables);
  try {
    const files = [
      standIn.putFile('faceid-evidence/biz-0/a.jpg', Buffer.from('a')),
      standIn.putFile('faceid-evidence/biz-0/b.jpg', Buffer.from('b')),
    ];
    await seed(sdk.database(), files);
    return files;
  } finally {
    restore();
  }
}

const backends: Backend[] = [
  {
    name: 'the stand-in data of npm start (--local, DATA_DIR), while npm start is stopped',
    async setup() {
      const dir = mkdtempSync(join(tmpdir(), 'records-'));
      cleanup.push(() => rmSync(dir, { recursive: true, force: true }));
      const standIn = await startCloudBase({
        dataDir: join(dir, 'cloudbase'),
        collections: PROJECT_COLLECTIONS,
      });
      const files = await seedThroughSdk(standIn);
      await standIn.close();
      const onDisk = (id: string) => join(dir, 'cloudbase', 'storage', id.replace(/^cloud:\/\/[^/]+\//, ''));
      expect(files.every((id) => existsSync(onDisk(id)))).toBe(true);
      return {
        deps: { env: { DATA_DIR: dir } },
        flags: ['--local'],
        deletedFiles: () => files.filter((id) => !existsSync(onDisk(id))),
        files,
      };
    },
  },
  {
    name: 'the stand-in of a running npm start (--data-dir)',
    async setup() {
      const dir = mkdtempSync(join(tmpdir(), 'records-'));
      const standIn = await startCloudBase({
        dataDir: join(dir, 'cloudbase'),
        collections: PROJECT_COLLECTIONS,
      });
      cleanup.push(() => rmSync(dir, { recursive: true, force: true }));
      cleanup.push(() => standIn.close());
      const files = await seedThroughSdk(standIn);
      return {
        deps: { env: {} },
        flags: ['--data-dir', dir],
        deletedFiles: () => files.filter((id) => standIn.readFile(id) === undefined),
        files,
      };
    },
  },
  {
    name: 'CloudBase (TCB_ENV, TCB_SECRET_ID, TCB_SECRET_KEY)',
    async setup() {
      // The stand-in plays the real environment: it refuses requests for another env or signed with another key.
      const account = { envId: 'prod-1a2b', secretId: 'AKIDexample', secretKey: 'secret-key-example' };
      const standIn = await startCloudBase({ ...account, collections: PROJECT_COLLECTIONS });
      cleanup.push(() => standIn.close());
      const files = await seedThroughSdk(standIn);
      // Only the endpoint comes from the variables: the CLI must bring the env and key pair itself.
      const {
        TENCENTCLOUD_SECRETID: _id,
        TENCENTCLOUD_SECRETKEY: _key,
        ...endpoint
      } = cloudEnvironment({
        url: standIn.url,
        envId: 'another-env',
      });
      const { restore } = useSdkInThisProcess(endpoint);
      const savedKeys = [process.env.TENCENTCLOUD_SECRETID, process.env.TENCENTCLOUD_SECRETKEY];
      delete process.env.TENCENTCLOUD_SECRETID;
      delete process.env.TENCENTCLOUD_SECRETKEY;
      cleanup.push(() => {
        restore();
        [process.env.TENCENTCLOUD_SECRETID, process.env.TENCENTCLOUD_SECRETKEY] = savedKeys;
      });
      return {
        deps: {
          env: { TCB_ENV: account.envId, TCB_SECRET_ID: account.secretId, TCB_SECRET_KEY: account.secretKey },
        },
        flags: [],
        deletedFiles: () => files.filter((id) => standIn.readFile(id) === undefined),
        files,
      };
    },
  },
];

/** Runs the CLI as its own process would: a fresh module registry, so a fresh wx-server-sdk each run. */
async function run(argv: string[], deps: RecordsDeps) {
  const out: string[] = [];
  const err: string[] = [];
  let code = -1;
  await jest.isolateModulesAsync(async () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { records } = require('../../ops/records') as typeof import('../../ops/records');
    code = await records(argv, { ...deps, out: (l) => out.push(l), err: (l) => err.push(l) });
  });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

describe.each(backends)('records CLI with $name', (backend) => {
  let env: Awaited<ReturnType<Backend['setup']>>;
  beforeEach(async () => {
    env = await backend.setup();
  });
  const cli = (argv: string[]) => run([...argv, ...env.flags], env.deps);

  it('lists the newest records as a table, masked, openids hashed', async () => {
    const r = await cli(['list', '--limit', '3']);
    expect(r.code).toBe(0);
    const lines = r.out.split('\n');
    expect(lines[0]).toMatch(/^\| createdAt +\| bizNo +\| user +\| mode/);
    expect(lines.slice(2, 5).map((l) => l.split('|')[2].trim())).toEqual(['biz-4', 'biz-3', 'biz-2']);
    expect(r.out).toContain(hashOpenid(OPENID));
    expect(r.out).toContain('张**');
    expect(r.out).toContain('1101**********002X');
    expect(r.out).toContain('3 record(s)');
    expectNothingSecret(r.out);
  });

  it('lists as JSON lines', async () => {
    const r = await cli(['list', '--json']);
    const rows = r.out.split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(rows.map((x) => x.bizNo)).toEqual(['biz-4', 'biz-3', 'biz-2', 'biz-1', 'biz-0']);
    expect(rows[4]).toMatchObject({ user: 'console', images: 2, createdAt: '2026-03-01T00:00:00.000Z' });
    expectNothingSecret(r.out);
  });

  it('shows one record, masking whatever the store holds', async () => {
    const r = await cli(['show', 'biz-3']);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/\| maskedName +\| 张\*\* +\|/);
    expect(r.out).toMatch(/\| idcardNumber +\| 1101\*{10}0021 +\|/);
    expect(r.out).toMatch(/\| resultMessage +\| SUCCESS +\|/);
    expectNothingSecret(r.out);
    const json = await cli(['show', 'biz-3', '--json']);
    expect(JSON.parse(json.out)).toMatchObject({
      bizNo: 'biz-3',
      maskedIdNumber: '1101**********002X',
      idcardName: '李*',
    });
    expectNothingSecret(json.out);
  });

  it('answers exit 1 for an unknown bizNo', async () => {
    const r = await cli(['show', 'nope']);
    expect(r.code).toBe(1);
    expect(r.out).toContain('no record nope');
  });

  it('exports records created since a date as JSON lines', async () => {
    const r = await cli(['export', '--since', '2026-03-03']);
    expect(r.code).toBe(0);
    expect(r.out.split('\n').map((l) => (JSON.parse(l) as { bizNo: string }).bizNo)).toEqual([
      'biz-4',
      'biz-3',
      'biz-2',
    ]);
    expectNothingSecret(r.out);
    const all = await cli(['export']);
    expect(all.out.split('\n')).toHaveLength(5);
  });

  it('purges only with --yes, with the stored images', async () => {
    const dry = await cli(['purge', '--before', '2026-03-03T00:00:00Z']);
    expect(dry.code).toBe(2);
    expect(dry.out).toContain('would delete 2 record(s) created before 2026-03-03T00:00:00.000Z; add --yes');
    expect(env.deletedFiles()).toEqual([]);

    const r = await cli(['purge', '--before', '2026-03-03T00:00:00Z', '--yes']);
    expect(r.code).toBe(0);
    expect(r.out).toBe('deleted 2 record(s) and 2 image(s) created before 2026-03-03T00:00:00.000Z');
    expect(env.deletedFiles().sort()).toEqual([...env.files].sort());
    const left = await cli(['export']);
    expect(left.out.split('\n').map((l) => (JSON.parse(l) as { bizNo: string }).bizNo)).toEqual([
      'biz-4',
      'biz-3',
      'biz-2',
    ]);
  });
});

describe('credentials: production is the only default', () => {
  it('without TCB_ENV, TCB_SECRET_ID and TCB_SECRET_KEY and without --local, exits 2 naming them and reads no local data', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'records-nocreds-'));
    cleanup.push(() => rmSync(dir, { recursive: true, force: true }));
    const standIn = await startCloudBase({
      dataDir: join(dir, 'cloudbase'),
      collections: PROJECT_COLLECTIONS,
    });
    cleanup.push(() => standIn.close());
    await seedThroughSdk(standIn);
    standIn.resetRequestCounts();
    for (const argv of [['list'], ['purge', '--before', '2030-01-01', '--yes']]) {
      const r = await run(argv, { env: { DATA_DIR: dir } });
      expect(r.code).toBe(2);
      expect(r.err).toContain('set TCB_ENV, TCB_SECRET_ID, TCB_SECRET_KEY');
      expect(r.err).toContain('add --local');
      expect(r.out).toBe('');
    }
    expect(standIn.requestCounts()).toEqual({});
    const missing = join(dir, 'never-created');
    expect((await run(['list'], { env: { DATA_DIR: missing } })).code).toBe(2);
    expect(existsSync(missing)).toBe(false);
  });
});

describe('bad arguments', () => {
  const deps: RecordsDeps = { env: {} };
  it.each([
    [[], 'a command is required'],
    [['drop'], 'unknown command drop'],
    [['show'], 'show needs exactly one bizNo'],
    [['show', 'a', 'b'], 'show needs exactly one bizNo'],
    [['list', 'x'], 'list takes no x'],
    [['list', '--limit', '0'], '--limit needs a whole number'],
    [['list', '--limit', 'many'], '--limit needs a whole number'],
    [['list', '--yes'], 'list does not take --yes'],
    [['list', '--json=yes'], '--json takes no value'],
    [['list', '--local=yes'], '--local takes no value'],
    [['list', '--colour'], 'list does not take --colour'],
    [['export', '--since', 'yesterday'], '--since needs an ISO date'],
    [['export', '--since'], '--since needs an ISO date'],
    [['purge'], 'purge needs --before'],
    [['purge', '--before', '2026-02-30'], '--before needs an ISO date'],
    [['purge', '--before', '31/01/2026', '--yes'], '--before needs an ISO date'],
  ])('%j exits 2 with a clear message', async (argv, message) => {
    const r = await run(argv, deps);
    expect(r.code).toBe(2);
    expect(r.err).toContain(message);
    expect(r.err).toContain('usage: npm run records');
  });

  it.each([
    [{ TCB_ENV: 'e', TCB_SECRET_ID: 'i' }, 'TCB_SECRET_KEY'],
    [{ TCB_ENV: 'e', TCB_SECRET_KEY: 'k' }, 'TCB_SECRET_ID'],
    [{ TCB_SECRET_ID: 'i', TCB_SECRET_KEY: 'k' }, 'TCB_ENV'],
  ])('names the missing or bad variable (%j)', async (env, message) => {
    const r = await run(['list'], { env });
    expect(r.code).toBe(2);
    expect(r.err).toContain(message);
  });
});

describe('show by the support reference the result page shows (客服查询编号, the last 8 characters of the bizNo)', () => {
  const BIZ_NOS = [
    'fid20260301a1b2c3d4e5f60718',
    'fid20260302ffee0000deadbeef',
    'order-east-00000042',
    'order-west-00000042',
  ];
  let deps: RecordsDeps;
  let dataDir: string;
  const withDir = (argv: string[]): string[] => [...argv, '--data-dir', dataDir];

  beforeEach(async () => {
    const dir = mkdtempSync(join(tmpdir(), 'records-ref-'));
    cleanup.push(() => rmSync(dir, { recursive: true, force: true }));
    const standIn = await startCloudBase({
      dataDir: join(dir, 'cloudbase'),
      collections: PROJECT_COLLECTIONS,
    });
    cleanup.push(() => standIn.close());
    const { sdk, restore } = useSdkInThisProcess(standIn.sdkEnvironment());
    try {
      const db = sdk.database();
      for (const [i, bizNo] of BIZ_NOS.entries())
        await db
          .collection(VERIFICATIONS_COLLECTION)
          .add({ data: { ...record(i), _id: bizNo, bizNo, result: { ...record(i).result, bizNo } } });
    } finally {
      restore();
    }
    deps = { env: {} };
    dataDir = dir;
  });

  it('finds the record by the reference a person reads out, in either letter case', async () => {
    for (const reference of ['e5f60718', 'E5F60718']) {
      const r = await run(withDir(['show', reference, '--json']), deps);
      expect(r.code).toBe(0);
      expect(JSON.parse(r.out)).toMatchObject({ bizNo: BIZ_NOS[0], ref: 'e5f60718', maskedName: '张**' });
      expectNothingSecret(r.out);
    }
  });

  it('still finds a record by its full bizNo', async () => {
    const r = await run(withDir(['show', BIZ_NOS[1]]), deps);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/\| ref +\| deadbeef +\|/);
  });

  it('lists every record a shared reference matches and exits 1, asking for the full bizNo', async () => {
    const r = await run(withDir(['show', '00000042']), deps);
    expect(r.code).toBe(1);
    expect(r.out).toContain(BIZ_NOS[2]);
    expect(r.out).toContain(BIZ_NOS[3]);
    expect(r.out).toContain('2 records end with 00000042; show one by its bizNo');
  });

  it('trims the reference an operator pastes with spaces', async () => {
    const r = await run(withDir(['show', '  e5f60718 ', '--json']), deps);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.out)).toMatchObject({ bizNo: BIZ_NOS[0] });
  });

  it('purges nothing and exits 0 when no record is that old, without asking for --yes', async () => {
    const r = await run(withDir(['purge', '--before', '2000-01-01']), deps);
    expect(r.code).toBe(0);
    expect(r.out).toContain('nothing to delete');
    expect(r.out).not.toContain('--yes');
  });

  it('answers exit 1 for a reference no record has', async () => {
    const r = await run(withDir(['show', '12345678']), deps);
    expect(r.code).toBe(1);
    expect(r.out).toContain('no record 12345678');
  });
});

describe('webhook deliveries', () => {
  const MINUTE = 60_000;
  let dataDir: string;
  const withDir = (argv: string[]): string[] => [...argv, '--data-dir', dataDir];
  const delivery = (state: 'pending' | 'delivered' | 'dead', tries: number) => ({
    id: `delivery-${state}`,
    state,
    tries,
    due: T0 + 5 * MINUTE,
    since: T0,
    claimedUntil: 0,
    lastResult: state === 'delivered' ? '200' : '500',
  });

  beforeEach(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'records-deliveries-'));
    cleanup.push(() => rmSync(dataDir, { recursive: true, force: true }));
    const standIn = await startCloudBase({
      dataDir: join(dataDir, 'cloudbase'),
      collections: PROJECT_COLLECTIONS,
    });
    cleanup.push(() => standIn.close());
    const { sdk, restore } = useSdkInThisProcess(standIn.sdkEnvironment());
    try {
      const db = sdk.database();
      const rows = [
        record(1, { delivery: delivery('pending', 2) }),
        record(2, { delivery: delivery('delivered', 1) }),
        record(3, { delivery: delivery('dead', 13) }),
        record(4),
      ];
      for (const row of rows) await db.collection(VERIFICATIONS_COLLECTION).add({ data: { ...row } });
    } finally {
      restore();
    }
  });

  it('lists the pending and the dead ones, never one the receiver took', async () => {
    const r = await run(withDir(['deliveries', '--json']), { env: {} });
    expect(r.code).toBe(0);
    const rows = r.out.split('\n').map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(rows.map((row) => [row.bizNo, row.delivery, row.deliveryTries, row.deliveryLast])).toEqual([
      ['biz-1', 'pending', 2, '500'],
      ['biz-3', 'dead', 13, '500'],
    ]);
    expectNothingSecret(r.out);
    const table = await run(withDir(['deliveries']), { env: {} });
    expect(table.out).toContain('1 pending, 1 dead');
  });

  it('redeliver queues a dead delivery again, due now, under the same id', async () => {
    const before = Date.now();
    const r = await run(withDir(['redeliver', 'biz-3']), { env: {} });
    expect(r.code).toBe(0);
    expect(r.out).toContain('queued the delivery of biz-3; deliverResults sends it within a minute');
    const shown = JSON.parse((await run(withDir(['show', 'biz-3', '--json']), { env: {} })).out) as Record<
      string,
      string | number
    >;
    expect(shown).toMatchObject({ delivery: 'pending', deliveryTries: 0 });
    expect(Date.parse(String(shown.deliveryDue))).toBeGreaterThanOrEqual(before - 1000);
    const listed = await run(withDir(['deliveries', '--json']), { env: {} });
    expect(listed.out).not.toContain('"dead"');
  });

  it('redeliver records a delivery for an ended record that has none (the webhook came later)', async () => {
    const r = await run(withDir(['redeliver', 'biz-4']), { env: {} });
    expect(r.code).toBe(0);
    const listed = await run(withDir(['deliveries', '--json']), { env: {} });
    expect(listed.out).toContain('"bizNo":"biz-4"');
  });

  it('redeliver refuses a bizNo it does not know, and needs one', async () => {
    expect((await run(withDir(['redeliver', 'nobody-here']), { env: {} })).code).toBe(1);
    expect((await run(withDir(['redeliver']), { env: {} })).code).toBe(2);
  });
});

describe('help', () => {
  it.each([[['--help']], [['-h']], [['show', '--help']]])(
    '%j prints the usage and exits 0 without opening any database',
    async (argv) => {
      const r = await run(argv, { env: { TCB_ENV: 'e' } });
      expect(r.code).toBe(0);
      expect(r.out).toContain('usage: npm run records');
      expect(r.out).toContain('show <bizNo | reference>');
      expect(r.err).toBe('');
    },
  );
});

describe('a flow the person left, as the operator reads it', () => {
  it('states when it was left and until when it can be resumed; list shows leftAt', () => {
    const { result: _result, endedAt: _endedAt, ...issued } = record(7);
    const leftAt = T0 + 7 * DAY + 120_000;
    const view = publicView({
      ...issued,
      status: 'issued',
      leftAt,
      readingUntil: 0,
      readStartedAt: 0,
      notifyReadAt: 0,
      lastReadAt: 0,
    });
    expect(view).toMatchObject({
      status: 'issued',
      leftAt: new Date(leftAt).toISOString(),
      state: `left unfinished at ${new Date(leftAt).toISOString()}, resumable until ${new Date(issued.expiresAt).toISOString()}`,
    });
    expect(JSON.stringify(view)).not.toContain(TOKEN);
  });
});
