/** The cloud functions (bundles) with WeChat 人脸核身 2.0 behind FACEID_PROVIDER=wechat, against WeChat's double. */
import { DEFAULT_WECHAT_SECRET, sandboxCertHash } from '../../dev/sandbox';
import { CONSENT, startHarness, type Harness } from '../support/harness';

type Answer = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const ID = { idcardName: '张三', idcardNumber: '11010519491231002X' };
const GET_VERIFY_ID = '/cityservice/face/identify/getverifyid';
const QUERY = '/cityservice/face/identify/queryverifyinfo';
const STABLE_TOKEN = '/cgi-bin/stable_token';
let h: Harness;

beforeEach(async () => {
  h = await startHarness({ FACEID_PROVIDER: 'wechat', FACEID_WECHAT_APPSECRET: DEFAULT_WECHAT_SECRET });
  delete process.env.FACEID_APPCODE;
});
afterEach(async () => {
  await h.close();
});

const start = (event: Record<string, unknown> = {}, caller?: string | null) =>
  h.call<Answer>('getBizToken', { ...CONSENT, mode: 'idcard', ...ID, ...event }, caller);
const bodyOf = (path: string, index = 0): Answer =>
  JSON.parse(h.upstream.calls(path)[index].body.toString('utf8')) as Answer;

describe('getBizToken → wx.requestFacialVerify → getResult', () => {
  it('passes: the verify_id goes to the page, the result is read with cert_hash, nothing in clear is stored', async () => {
    const issued = await start({ bizNo: 'wx-biz-0001' });
    expect(issued).toMatchObject({
      ok: true,
      provider: 'wechat',
      bizNo: 'wx-biz-0001',
      client: { kind: 'wechat', verifyId: issued.bizToken },
    });
    expect(bodyOf(GET_VERIFY_ID)).toEqual({
      out_seq_no: 'wx-biz-0001',
      cert_info: { cert_type: 'IDENTITY_CARD', cert_name: '张三', cert_no: '11010519491231002X' },
      openid: 'o-user-1',
    });
    const record = await h.record('wx-biz-0001');
    expect(record).toMatchObject({
      status: 'issued',
      maskedName: '张*',
      maskedIdNumber: '1101**********002X',
    });
    expect(JSON.stringify(record)).not.toMatch(/张三|11010519491231002X/);

    // Before the person went through WeChat's check: not started, nothing final.
    expect(await h.call<Answer>('getResult', { bizToken: issued.bizToken })).toMatchObject({
      ok: true,
      outcome: 'not_started',
      finished: false,
    });

    expect(h.sandbox.wechatVerify(issued.bizToken)).toEqual({ errCode: 0, verifyRet: 10000 });
    const result = await h.call<Answer>('getResult', { bizToken: issued.bizToken });
    expect(result).toMatchObject({
      ok: true,
      outcome: 'passed',
      resultCode: 1000,
      finished: true,
      idcard: { name: '张*', idcardNumber: '1101**********002X' },
    });
    expect(bodyOf(QUERY, 1)).toEqual({
      verify_id: issued.bizToken,
      out_seq_no: 'wx-biz-0001',
      cert_hash: sandboxCertHash('IDENTITY_CARD', '张三', '11010519491231002X'),
      openid: 'o-user-1',
    });
    // A final answer is kept: reading it again asks WeChat nothing.
    await h.call<Answer>('getResult', { bizToken: issued.bizToken });
    expect(h.upstream.calls(QUERY)).toHaveLength(2);
    expect(await h.record('wx-biz-0001')).toMatchObject({ status: 'finished' });
  });

  it.each([
    [90004, 'cancelled', 'USER_CANCEL', true],
    [90008, 'liveness_failed', 'CAMERA_DENIED', true],
    [90010, 'liveness_failed', 'CAMERA_MICROPHONE_DENIED', true],
    [90109, 'liveness_failed', 'DEVICE_UNSUPPORTED', false],
    [90012, 'liveness_failed', 'WECHAT_NETWORK_ERROR', true],
    [90199, 'liveness_failed', 'WECHAT_SYSTEM_ERROR', true],
    [90013, 'liveness_failed', 'FACE_DATA_INVALID', true],
    [90107, 'liveness_failed', 'VERIFY_TIMEOUT', true],
  ])(
    'verify_ret %i: outcome %s (%s), retryable %s, final',
    async (verifyRet, outcome, message, retryable) => {
      const issued = await start();
      h.sandbox.setWechatOutcome(verifyRet, issued.bizToken);
      expect(h.sandbox.wechatVerify(issued.bizToken)).toEqual({ errCode: verifyRet, verifyRet });
      expect(await h.call<Answer>('getResult', { bizToken: issued.bizToken })).toMatchObject({
        ok: true,
        outcome,
        resultMessage: message,
        retryable,
        finished: true,
      });
      const record = await h.record(issued.bizNo);
      expect(record?.status).toBe(outcome === 'cancelled' ? 'cancelled' : 'finished');
    },
  );
});

describe('the access token', () => {
  it('is kept in the database for every instance and function, and renewed once on 40001 and on 42001', async () => {
    const first = await start();
    await h.call<Answer>('getResult', { bizToken: first.bizToken });
    // Two getBizToken at once run in two instances; getResult is another function: one token for all.
    await Promise.all([start(), start()]);
    expect(h.upstream.calls(STABLE_TOKEN)).toHaveLength(1);
    expect(bodyOf(STABLE_TOKEN)).toEqual({
      grant_type: 'client_credential',
      appid: 'wx00000000000local',
      secret: DEFAULT_WECHAT_SECRET,
      force_refresh: false,
    });

    // Replaced elsewhere (40001): one renewal, the call sent once more, the same verify_id promise.
    expect(h.sandbox.spoilWechatTokens('invalid')).toBe(1);
    const renewed = await start({ bizNo: 'after-40001' });
    expect(renewed).toMatchObject({ ok: true, client: { kind: 'wechat' } });
    expect(h.upstream.calls(STABLE_TOKEN)).toHaveLength(2);
    expect(h.sandbox.wechatCalls().getVerifyId).toBe(5);

    h.sandbox.spoilWechatTokens('expired');
    h.sandbox.wechatVerify(renewed.bizToken);
    expect(await h.call<Answer>('getResult', { bizToken: renewed.bizToken })).toMatchObject({
      outcome: 'passed',
    });
    expect(h.upstream.calls(STABLE_TOKEN)).toHaveLength(3);
  });

  it('a wrong AppSecret is the service authorisation failing: nothing bought, the unit given back', async () => {
    h.setEnv({ FACEID_WECHAT_APPSECRET: 'not-the-secret', FACEID_RATE_LIMIT: '1/600' });
    const refused = await start({ bizNo: 'wrong-secret' });
    expect(refused).toMatchObject({ ok: false, error: { code: 'AUTHENTICATION_ERROR' } });
    expect(JSON.stringify(refused)).not.toContain('not-the-secret');
    expect(h.upstream.calls(GET_VERIFY_ID)).toHaveLength(0);
    expect(await h.record('wrong-secret')).toMatchObject({ status: 'failed' });
    h.setEnv({ FACEID_WECHAT_APPSECRET: DEFAULT_WECHAT_SECRET });
    expect(await start({ bizNo: 'wrong-secret' })).toMatchObject({ ok: true });
  });

  it('a missing AppSecret is CONFIG_MISSING before any call', async () => {
    h.setEnv({ FACEID_WECHAT_APPSECRET: undefined });
    expect(await start()).toMatchObject({
      ok: false,
      error: { code: 'CONFIG_MISSING', param: 'FACEID_WECHAT_APPSECRET' },
    });
    expect(h.upstream.requests).toHaveLength(0);
  });
});

describe('the promises every product keeps', () => {
  it('one verify_id per bizNo: a repeated request gets the same one, WeChat asked once', async () => {
    const a = await start({ bizNo: 'same-biz-01' });
    const b = await start({ bizNo: 'same-biz-01' });
    expect(b.bizToken).toBe(a.bizToken);
    expect(h.upstream.calls(GET_VERIFY_ID)).toHaveLength(1);
  });

  it('the rate limit counts verify_ids', async () => {
    h.setEnv({ FACEID_RATE_LIMIT: '2/600' });
    expect((await start()).ok).toBe(true);
    expect((await start()).ok).toBe(true);
    expect(await start()).toMatchObject({ ok: false, error: { code: 'RATE_LIMITED' } });
    expect(h.upstream.calls(GET_VERIFY_ID)).toHaveLength(2);
  });

  it('consent is checked on the server before WeChat is asked anything', async () => {
    const answer = await h.call<Answer>('getBizToken', { mode: 'idcard', ...ID });
    expect(answer).toMatchObject({ ok: false, error: { code: 'CONSENT_REQUIRED' } });
    expect(h.upstream.requests).toHaveLength(0);
  });

  it.each([
    ['abcd', 'too short'],
    ['a'.repeat(33), 'too long'],
  ])('a bizNo WeChat cannot take as out_seq_no (%s: %s) is refused offline', async (bizNo) => {
    expect(await start({ bizNo })).toMatchObject({
      ok: false,
      error: {
        code: 'INVALID_EVENT',
        param: 'bizNo',
        message: '业务流水号须为 5 到 32 位字母、数字、_ 或 -',
      },
    });
    expect(h.upstream.requests).toHaveLength(0);
  });

  it('other modes are refused offline, and the operator (no openid) cannot start one', async () => {
    expect(await start({ mode: 'ocr' })).toMatchObject({
      ok: false,
      error: { code: 'INVALID_EVENT', param: 'mode' },
    });
    expect(await start({}, null)).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    expect(h.upstream.requests).toHaveLength(0);
  });
});
