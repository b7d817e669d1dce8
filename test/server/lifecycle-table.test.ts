/**
 * The record's lifecycle as a table: (state, event, clock) → (state, answer). Each row builds its state through
 * the use cases (getBizToken, getResult, list, delete, purge, notify) in this process, over the store on the real
 * wx-server-sdk and the CloudBase stand-in, with FaceID answered by the sandbox behind a recording proxy; only
 * the clock is the row's own.
 */
import { readConfig } from '../../server/config';
import { toClientError } from '../../server/errors';
import { consoleLogger } from '../../server/log';
import type { Services } from '../../server/runtime';
import { PhotoRegistry } from '../../server/photos';
import { openStore } from '../../server/store';
import { VERIFICATIONS_COLLECTION, type VerificationStore } from '../../server/store/types';
import { PAGE_READER, readResult, recordId, type RequestingRecord } from '../../server/lifecycle';
import { getBizToken } from '../../server/app/get-biz-token';
import { getResult } from '../../server/app/get-result';
import { deleteVerification, listVerifications, purgeVerifications } from '../../server/app/records';
import { faceidNotify } from '../../server/app/notify';
import { leaveVerification } from '../../server/app/leave';
import { completeFlow } from '../support/component-driver';
import { CONSENT } from '../support/harness';
import { sdkOverStandIn, type SdkOverStandIn } from '../support/cloudbase';
import { useSandboxUpstream } from '../support/recording-upstream';

type Answer = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const USER = 'o-table';
const BIZ_NO = 'order-table';
const ID = {
  ...CONSENT,
  mode: 'idcard',
  idcardName: '张三',
  idcardNumber: '11010519491231002X',
  bizNo: BIZ_NO,
};
const HOUR = 60 * 60_000;
const STALE = 5 * 60_000;

const faceid = useSandboxUpstream();
let cloud: SdkOverStandIn;
let store: VerificationStore;
let offset = 0;
let keepImages = false;

beforeEach(async () => {
  cloud = await sdkOverStandIn();
  store = openStore(cloud.sdk.database());
  offset = 0;
  keepImages = false;
});
afterEach(() => cloud.close());

/** The services a use case gets in the cloud, with this row's clock. */
function services(fn: string, openid: string | null = USER, files = cloud.sdk): Services {
  const config = readConfig({
    FACEID_PROVIDER: 'fidlite',
    FACEID_APPCODE: faceid.sandbox.appcode,
    FACEID_BASE_URL: faceid.upstream.url,
    FACEID_NOTIFY_URL: 'http://127.0.0.1:9/notify',
    FACEID_RETURN_URL: 'https://example.invalid/return',
    FACEID_TIMEOUT_MS: '1000',
    FACEID_RATE_LIMIT: '100/600',
    FACEID_LOG: 'off',
    FACEID_KEEP_IMAGES: keepImages ? '1' : undefined,
  });
  return {
    fn,
    caller: openid === null ? { kind: 'operator' } : { kind: 'user', openid },
    store,
    photos: new PhotoRegistry(cloud.sdk.database()),
    now: () => Date.now() + offset,
    config,
    files,
    log: consoleLogger(false),
  };
}

/** Runs a use case as the cloud function would answer it: failures as `{ ok: false, error }`. */
async function run(
  fn: string,
  useCase: (event: unknown, s: Services) => Promise<object>,
  event: unknown,
  openid?: string | null,
): Promise<Answer> {
  return useCase(event, services(fn, openid)).catch((err: unknown) => ({
    ok: false,
    error: toClientError(err),
  }));
}

const record = () => store.getByBizNo(USER, BIZ_NO);
const token = async () => ((await record()) as Answer | undefined)?.bizToken as string;
const paidCalls = () => faceid.upstream.calls('/lite/v1/get_biz_token').length;
const resultCalls = () => faceid.upstream.calls('/lite/v1/get_result').length;

const request = () => run('getBizToken', getBizToken, ID);
const read = async () => run('getResult', getResult, { bizToken: await token() });
const list = () => run('listVerifications', listVerifications, {});
const remove = () => run('deleteVerification', deleteVerification, { bizNo: BIZ_NO });
const purge = () => run('purgeVerifications', purgeVerifications, {}, null);
const leave = async () => run('leaveVerification', leaveVerification, { bizToken: await token() });
const notify = async () =>
  run(
    'faceidNotify',
    faceidNotify,
    {
      httpMethod: 'POST',
      path: '/faceidNotify',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ data: JSON.stringify({ biz_token: await token() }) }).toString(),
    },
    null,
  );

/** A token request a stopped function left behind (requested at the row's time 0). */
async function stoppedRequest(): Promise<void> {
  const stopped: RequestingRecord = {
    _id: recordId(USER, BIZ_NO),
    openid: USER,
    bizNo: BIZ_NO,
    mode: 'idcard',
    provider: 'fidlite',
    maskedName: '张*',
    status: 'requesting',
    attempt: 1,
    requestedAt: Date.now(),
    createdAt: Date.now(),
  };
  expect(await store.begin(stopped)).toBe(true);
}

const STATES: Record<string, () => Promise<void>> = {
  none: async () => {},
  requesting: stoppedRequest,
  issued: async () => void (await request()),
  'issued, person left': async () => {
    await request();
    await leave();
  },
  'issued, person passed': async () => {
    await request();
    await completeFlow(faceid.sandbox.url, await token(), 'SUCCESS');
  },
  failed: async () => {
    faceid.sandbox.injectFault({ kind: 'status', status: 500, path: '/lite/v1/get_biz_token' });
    await request();
  },
  unconfirmed: async () => {
    faceid.upstream.loseNext('/lite/v1/get_biz_token', 'reset');
    await request();
  },
  finished: async () => {
    await request();
    await completeFlow(faceid.sandbox.url, await token(), 'SUCCESS');
    await read();
  },
  expired: async () => {
    await request();
    offset = 2 * HOUR;
    await read();
    offset = 0;
  },
};

const EVENTS: Record<string, () => Promise<Answer>> = {
  request,
  'request, answer lost (reset)': () => {
    faceid.upstream.loseNext('/lite/v1/get_biz_token', 'reset');
    return request();
  },
  'request, answer lost (gateway 502 page)': () => {
    faceid.upstream.loseNext('/lite/v1/get_biz_token', 'gateway-502');
    return request();
  },
  'request, FaceID refuses (500 JSON)': () => {
    faceid.sandbox.injectFault({ kind: 'status', status: 500, path: '/lite/v1/get_biz_token' });
    return request();
  },
  read,
  notify,
  list,
  delete: remove,
  purge,
  leave,
};

/** A row; `paid`: the token calls the event makes (null: not the row's concern). */
type Row = [state: string, event: string, clock: number, after: string, answer: object, paid: number | null];

const ROWS: Row[] = [
  ['none', 'request', 0, 'issued', { ok: true, bizNo: BIZ_NO }, 1],
  [
    'none',
    'request, answer lost (reset)',
    0,
    'unconfirmed',
    { error: { code: 'VERIFICATION_UNCONFIRMED' } },
    1,
  ],
  [
    'none',
    'request, answer lost (gateway 502 page)',
    0,
    'unconfirmed',
    { error: { code: 'VERIFICATION_UNCONFIRMED' } },
    1,
  ],
  ['none', 'request, FaceID refuses (500 JSON)', 0, 'failed', { error: { code: 'INTERNAL_ERROR' } }, 1],
  ['unconfirmed', 'request', 0, 'issued', { ok: true }, 1],
  ['failed', 'request', 0, 'issued', { ok: true }, 1],
  ['requesting', 'request', 0, 'requesting', { error: { code: 'SERVICE_BUSY' } }, 0],
  ['requesting', 'request', STALE + 1000, 'issued', { ok: true }, 1],
  [
    'requesting',
    'list',
    STALE + 1000,
    'unconfirmed',
    { items: [expect.objectContaining({ status: 'unconfirmed' })] },
    null,
  ],
  ['requesting', 'purge', STALE + 1000, 'unconfirmed', { ok: true, settled: 1 }, null],
  ['requesting', 'delete', 0, 'requesting', { error: { code: 'VERIFICATION_IN_PROGRESS' } }, null],
  ['issued', 'request', 0, 'issued', { ok: true }, 0],
  ['issued', 'read', 0, 'issued', { ok: true, outcome: 'not_started', finished: false }, null],
  ['issued', 'list', 0, 'issued', { items: [expect.objectContaining({ status: 'issued' })] }, null],
  ['issued', 'read', 2 * HOUR, 'expired', { ok: true, outcome: 'expired', finished: true }, null],
  ['issued', 'list', 2 * HOUR, 'expired', { items: [expect.objectContaining({ status: 'expired' })] }, null],
  ['issued', 'purge', 2 * HOUR, 'expired', { ok: true, settled: 1 }, null],
  ['issued', 'delete', 0, 'none', { ok: true, deleted: true }, null],
  ['issued', 'leave', 0, 'issued', { ok: true, status: 'issued', leftAt: expect.any(Number) }, 0],
  ['issued', 'leave', 2 * HOUR, 'issued', { ok: true, status: 'expired', leftAt: undefined }, 0],
  [
    'issued, person left',
    'list',
    0,
    'issued',
    {
      items: [
        expect.objectContaining({
          status: 'issued',
          leftAt: expect.any(Number),
          expiresAt: expect.any(Number),
          resumeToken: expect.any(String),
        }),
      ],
    },
    null,
  ],
  ['issued, person left', 'request', 0, 'issued', { ok: true, bizNo: BIZ_NO }, 0],
  ['issued, person left', 'read', 0, 'issued', { ok: true, outcome: 'not_started', finished: false }, null],
  ['issued, person left', 'leave', 0, 'issued', { ok: true, status: 'issued' }, 0],
  [
    'issued, person left',
    'list',
    2 * HOUR,
    'expired',
    { items: [expect.objectContaining({ status: 'expired', leftAt: expect.any(Number) })] },
    null,
  ],
  ['issued, person left', 'purge', 2 * HOUR, 'expired', { ok: true, settled: 1 }, null],
  ['issued, person left', 'delete', 0, 'none', { ok: true, deleted: true }, null],
  ['issued, person passed', 'read', 0, 'finished', { ok: true, outcome: 'passed' }, null],
  ['issued, person passed', 'notify', 0, 'finished', { statusCode: 200, body: 'success' }, null],
  ['issued, person passed', 'read', 2 * HOUR, 'finished', { ok: true, outcome: 'passed' }, null],
  ['finished', 'read', 0, 'finished', { ok: true, outcome: 'passed' }, null],
  ['finished', 'notify', 0, 'finished', { statusCode: 200 }, null],
  ['finished', 'request', 0, 'finished', { error: { code: 'INVALID_EVENT', param: 'bizNo' } }, 0],
  ['finished', 'delete', 0, 'none', { ok: true, deleted: true }, null],
  ['finished', 'leave', 0, 'finished', { ok: true, status: 'finished', leftAt: undefined }, 0],
  ['expired', 'leave', 0, 'expired', { ok: true, status: 'expired' }, 0],
  ['expired', 'read', 0, 'expired', { ok: true, outcome: 'expired' }, null],
  ['expired', 'request', 0, 'expired', { error: { code: 'INVALID_EVENT' } }, 0],
];

describe('the lifecycle table: (state, event, clock) → (state, answer)', () => {
  it.each(ROWS)('%s + %s at +%d ms → %s', async (state, event, clock, after, answer, paid) => {
    await STATES[state]();
    const paidBefore = paidCalls();
    const readsBefore = resultCalls();
    offset = clock;
    expect(await EVENTS[event]()).toMatchObject(answer);
    expect((await record())?.status ?? 'none').toBe(after);
    if (paid !== null) expect(paidCalls() - paidBefore).toBe(paid);
    // An ended record answers from the store: no get_result call.
    if (state === 'finished' || state === 'expired') expect(resultCalls()).toBe(readsBefore);
  });
});

describe('a slow reader', () => {
  it('of an old token never writes to the record re-created under the same bizNo', async () => {
    await request();
    const old = await record();
    if (old?.status !== 'issued') throw new Error('not issued');
    await completeFlow(faceid.sandbox.url, old.bizToken, 'SUCCESS');
    expect(await remove()).toMatchObject({ deleted: true });
    await request();
    const fresh = await record();
    expect(fresh).toMatchObject({ status: 'issued', attempt: 1 });
    // The old record's reader arrives late: it reads the old token, and writes nothing.
    await expect(
      readResult(old, services('getResult'), PAGE_READER, {
        read: async () => {
          throw new Error('never called: the old token’s claim is refused');
        },
      }),
    ).rejects.toMatchObject({ code: 'NOT_FOUND' });
    expect(await record()).toMatchObject({
      status: 'issued',
      bizToken: fresh?.status === 'issued' && fresh.bizToken,
    });
  });

  it('that loses the finish deletes only the evidence it wrote: the winner’s files survive', async () => {
    keepImages = true;
    await request();
    await completeFlow(faceid.sandbox.url, await token(), 'SUCCESS');
    // Reader A (one instance) stalls while storing its evidence; its claim runs out meanwhile.
    let release!: () => void;
    const gate = new Promise<void>((done) => (release = done));
    const writtenByA: string[] = [];
    const stalled = {
      downloadFile: cloud.sdk.downloadFile.bind(cloud.sdk),
      deleteFile: cloud.sdk.deleteFile.bind(cloud.sdk),
      uploadFile: async (options: Parameters<typeof cloud.sdk.uploadFile>[0]) => {
        await gate;
        const uploaded = await cloud.sdk.uploadFile(options);
        writtenByA.push(uploaded.fileID);
        return uploaded;
      },
    } as typeof cloud.sdk;
    const a = getResult({ bizToken: await token() }, services('getResult', USER, stalled));
    while (faceid.upstream.calls('/lite/v1/get_result').length === 0)
      await new Promise((r) => setTimeout(r, 10));
    await new Promise((r) => setTimeout(r, 100));
    await cloud.sdk
      .database()
      .collection(VERIFICATIONS_COLLECTION)
      .doc(recordId(USER, BIZ_NO))
      .update({ data: { readingUntil: 0 } });
    // Reader B (another instance: its own modules) reads and finishes first.
    let other!: typeof import('../../server/app/get-result');
    jest.isolateModules(() => {
      other = require('../../server/app/get-result') as typeof import('../../server/app/get-result'); // eslint-disable-line @typescript-eslint/no-require-imports
    });
    expect(await other.getResult({ bizToken: await token() }, services('getResult'))).toMatchObject({
      outcome: 'passed',
    });
    release();
    expect(await a).toMatchObject({ outcome: 'passed' });
    const finished = await record();
    if (finished?.status !== 'finished' || !finished.imageFileIDs?.length)
      throw new Error('no evidence kept');
    for (const fileID of finished.imageFileIDs) expect(cloud.cloudbase.readFile(fileID)).toBeDefined();
    expect(writtenByA.length).toBeGreaterThan(0);
    for (const fileID of writtenByA) {
      expect(finished.imageFileIDs).not.toContain(fileID);
      expect(cloud.cloudbase.readFile(fileID)).toBeUndefined();
    }
  });
});
