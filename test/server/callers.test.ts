/**
 * The three kinds of caller, as the platform presents them (WX_* through WX_CONTEXT_KEYS, the web SDK's TCB_*),
 * against every function on the production path: a user of this mini-program, the operator, and anyone else,
 * who is refused before any database request, storage request or FaceID call.
 */
import { LOCAL_APPID, type Caller } from '../../dev/local-cloud/functions';
import { completeFlow } from '../support/component-driver';
import { CONSENT, startHarness, type Harness } from '../support/harness';

type Answer = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const USER = 'o-user-1';
const ID = { mode: 'idcard', idcardName: '张三', idcardNumber: '11010519491231002X' };
const OTHER_APPID = 'wx1111111111111111';

/** Callers that are neither a user of this mini-program nor the operator, as the platform would present them. */
const OTHERS: [string, Caller][] = [
  [
    'a user of another mini-program sharing the environment',
    { WX_FROM_OPENID: USER, WX_FROM_APPID: OTHER_APPID },
  ],
  [
    'a user of another account with the same openid field set',
    { WX_OPENID: USER, WX_APPID: LOCAL_APPID, WX_FROM_OPENID: 'o-from', WX_FROM_APPID: OTHER_APPID },
  ],
  ['a web-SDK caller', { TCB_UUID: 'tcb-uuid-0001' }],
  ['a web-SDK custom login', { TCB_UUID: 'tcb-uuid-0002', TCB_CUSTOM_USER_ID: 'member-7' }],
  ['a web-SDK anonymous login', { TCB_ISANONYMOUS_USER: 'true', TCB_SOURCE: 'web' }],
  ['a WeChat context with an APPID and no OPENID', { WX_APPID: LOCAL_APPID }],
  ['a WeChat context with a UNIONID and no OPENID', { WX_UNIONID: 'union-1' }],
  ['a user of another mini-program (APPID not ours)', { WX_OPENID: USER, WX_APPID: OTHER_APPID }],
];

let h: Harness;
let issued: Answer;

beforeAll(async () => {
  h = await startHarness({ FACEID_MINIPROGRAM_APPID: LOCAL_APPID });
  issued = await h.call<Answer>('getBizToken', { ...CONSENT, ...ID, bizNo: 'order-user-1' }, USER);
  expect(issued.ok).toBe(true);
});
afterAll(() => h.close());

const traffic = () => h.traffic();

const notifyEvent = (bizToken: string) => ({
  httpMethod: 'POST',
  path: '/faceid/notify',
  headers: { 'content-type': 'application/x-www-form-urlencoded' },
  body: `data=${encodeURIComponent(JSON.stringify({ biz_token: bizToken }))}`,
});

describe('anyone else', () => {
  const events: [string, () => unknown][] = [
    ['getBizToken', () => ({ ...CONSENT, ...ID })],
    ['getResult', () => ({ bizToken: issued.bizToken })],
    ['whoami', () => ({})],
    ['listVerifications', () => ({})],
    ['deleteVerification', () => ({ bizNo: issued.bizNo })],
    ['leaveVerification', () => ({ bizToken: issued.bizToken })],
    ['purgeVerifications', () => ({})],
    ['preparePhoto', () => ({})],
    [
      'faceidResults',
      () => ({
        httpMethod: 'GET',
        path: '/faceidResults',
        headers: { authorization: 'Bearer any-key' },
        queryStringParameters: { bizNo: issued.bizNo },
        body: '',
      }),
    ],
  ];

  describe.each(OTHERS)('%s', (_name, caller) => {
    it.each(events)(
      '%s answers FORBIDDEN before any database, storage or FaceID request',
      async (fn, event) => {
        const before = traffic();
        const answer = await h.call<Answer>(fn, event(), caller);
        expect(answer).toMatchObject({
          ok: false,
          error: {
            code: 'FORBIDDEN',
            reason: 'OTHER_CALLER',
            message: '请在本小程序中使用',
            retryable: false,
          },
        });
        expect(JSON.stringify(answer)).not.toContain(issued.bizToken);
        expect(traffic()).toEqual(before);
      },
    );
  });

  it("leaves the user's record as it was (0 leaks, 0 deletions)", async () => {
    expect(await h.record(issued.bizNo, USER)).toMatchObject({
      status: 'issued',
      openid: USER,
      bizToken: issued.bizToken,
    });
    const mine = await h.call<Answer>('listVerifications', {}, USER);
    expect(mine.items.map((item: Answer) => item.bizNo)).toContain(issued.bizNo);
  });
});

describe('a user of this mini-program', () => {
  it('gets a token, its result, its openid and only its own records; the purge is refused', async () => {
    expect(await h.call<Answer>('whoami', {}, USER)).toMatchObject({ ok: true, openid: USER });
    expect(await h.call<Answer>('getResult', { bizToken: issued.bizToken }, USER)).toMatchObject({
      ok: true,
      bizNo: issued.bizNo,
    });
    const someoneElse = await h.call<Answer>('getBizToken', { ...CONSENT, ...ID }, 'o-user-2');
    const listed = await h.call<Answer>('listVerifications', {}, USER);
    expect(listed.items.map((item: Answer) => item.bizNo)).not.toContain(someoneElse.bizNo);
    expect(await h.call<Answer>('getResult', { bizToken: someoneElse.bizToken }, USER)).toMatchObject({
      ok: false,
      error: { code: 'NOT_FOUND' },
    });
    expect(await h.call<Answer>('deleteVerification', { bizNo: someoneElse.bizNo }, USER)).toMatchObject({
      ok: false,
      error: { code: 'NOT_FOUND' },
    });
    expect(await h.record(someoneElse.bizNo, 'o-user-2')).toBeDefined();
    expect(await h.call<Answer>('purgeVerifications', {}, USER)).toMatchObject({
      ok: false,
      error: { code: 'FORBIDDEN' },
    });
    const mine = await h.call<Answer>('getBizToken', { ...CONSENT, ...ID }, USER);
    expect(await h.call<Answer>('deleteVerification', { bizNo: mine.bizNo }, USER)).toMatchObject({
      ok: true,
      deleted: true,
    });
  });

  it('is refused service, not let through, while FACEID_MINIPROGRAM_APPID is misconfigured', async () => {
    h.setEnv({ FACEID_MINIPROGRAM_APPID: 'my-mini-program' });
    try {
      for (const caller of [USER, OTHERS[0][1]])
        expect(await h.call<Answer>('listVerifications', {}, caller)).toMatchObject({
          ok: false,
          error: { code: 'CONFIG_INVALID', param: 'FACEID_MINIPROGRAM_APPID' },
        });
    } finally {
      h.setEnv({ FACEID_MINIPROGRAM_APPID: LOCAL_APPID });
    }
  });

  it('is a user whatever APPID it carries while the deployment names none', async () => {
    h.setEnv({ FACEID_MINIPROGRAM_APPID: undefined });
    try {
      expect(
        await h.call<Answer>('whoami', {}, { WX_OPENID: 'o-user-3', WX_APPID: OTHER_APPID }),
      ).toMatchObject({ ok: true, openid: 'o-user-3' });
    } finally {
      h.setEnv({ FACEID_MINIPROGRAM_APPID: LOCAL_APPID });
    }
  });
});

describe('the operator (console, CI, timer: no identity)', () => {
  it("reads, lists and deletes every user's records, runs the purge, and has no WeChat identity", async () => {
    const theirs = await h.call<Answer>('getBizToken', { ...CONSENT, ...ID }, 'o-user-4');
    expect(await h.call<Answer>('getResult', { bizToken: theirs.bizToken }, null)).toMatchObject({
      ok: true,
      bizNo: theirs.bizNo,
    });
    const everyone = await h.call<Answer>('listVerifications', { pageSize: 50 }, null);
    expect(everyone.items.map((item: Answer) => item.bizNo)).toEqual(
      expect.arrayContaining([theirs.bizNo, issued.bizNo]),
    );
    const named = await h.call<Answer>('listVerifications', { openid: 'o-user-4' }, null);
    expect(named.items.map((item: Answer) => item.bizNo)).toEqual([theirs.bizNo]);
    expect(await h.call<Answer>('purgeVerifications', {}, null)).toMatchObject({ ok: true });
    expect(await h.call<Answer>('whoami', {}, null)).toMatchObject({
      ok: false,
      error: { code: 'FORBIDDEN' },
    });
    expect(
      await h.call<Answer>('deleteVerification', { bizNo: theirs.bizNo, openid: 'o-user-4' }, null),
    ).toMatchObject({
      ok: true,
      deleted: true,
    });
  });

  it('buys a token without a consent version (it is not the person), recorded under no openid, not rate limited', async () => {
    h.setEnv({ FACEID_RATE_LIMIT: '1/600' });
    try {
      for (let i = 0; i < 3; i++) {
        const answer = await h.call<Answer>('getBizToken', ID, null);
        expect(answer).toMatchObject({ ok: true });
        const record = await h.record(answer.bizNo, null);
        expect(record).toMatchObject({ openid: null, status: 'issued' });
        expect(record?.consentVersion).toBeUndefined();
        expect(record?.consentedAt).toBeUndefined();
      }
    } finally {
      h.setEnv({ FACEID_RATE_LIMIT: '1000/600' });
    }
  });
});

describe('faceidNotify (HTTP access: the sender is not consulted)', () => {
  const senders: [string, Caller][] = [
    ['HTTP access (no identity)', null],
    ['a user of this mini-program', USER],
    ...OTHERS,
  ];

  it.each(senders)('reads the outcome from FaceID when %s sends it', async (_name, sender) => {
    const token = await h.call<Answer>('getBizToken', { ...CONSENT, mode: 'ocr' }, USER);
    await completeFlow(h.sandbox.url, token.bizToken, 'SUCCESS');
    expect(await h.call<Answer>('faceidNotify', notifyEvent(token.bizToken), sender)).toMatchObject({
      statusCode: 200,
      body: 'success',
    });
    expect(await h.record(token.bizNo, USER)).toMatchObject({
      status: 'finished',
      result: { outcome: 'passed' },
    });
  });

  it.each(senders)(
    'changes nothing for a verification FaceID has not ended when %s sends it',
    async (_n, sender) => {
      const token = await h.call<Answer>('getBizToken', { ...CONSENT, mode: 'ocr' }, USER);
      await h.call<Answer>('faceidNotify', notifyEvent(token.bizToken), sender);
      expect(await h.record(token.bizNo, USER)).toMatchObject({ status: 'issued' });
    },
  );
});
