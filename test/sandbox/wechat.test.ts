/** WeChat's double in the sandbox refuses what WeChat refuses (getStableAccessToken, getVerifyId, queryVerifyInfo). */
import {
  DEFAULT_WECHAT_APPID,
  DEFAULT_WECHAT_SECRET,
  sandboxCertHash,
  type Sandbox,
} from '../../dev/sandbox';
import { answer, start, type Json } from './helpers';

let sb: Sandbox;
beforeAll(async () => {
  sb = await start();
});
afterAll(() => sb.close());
beforeEach(() => sb.reset());

const post = async (path: string, body: unknown, raw = false): Promise<Json> =>
  (
    await answer(
      await fetch(`${sb.url}${path}`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: raw ? (body as string) : JSON.stringify(body),
      }),
    )
  ).body;

const token = async (over: Json = {}): Promise<string> =>
  (
    await post('/cgi-bin/stable_token', {
      grant_type: 'client_credential',
      appid: DEFAULT_WECHAT_APPID,
      secret: DEFAULT_WECHAT_SECRET,
      ...over,
    })
  ).access_token as string;

const CERT = { cert_type: 'IDENTITY_CARD', cert_name: '张三', cert_no: '11010519491231002X' };
const HASH = sandboxCertHash('IDENTITY_CARD', '张三', '11010519491231002X');
const getVerifyId = (at: string, body: Json) =>
  post(`/cityservice/face/identify/getverifyid?access_token=${at}`, body);
const query = (at: string, body: Json) =>
  post(`/cityservice/face/identify/queryverifyinfo?access_token=${at}`, body);

describe('stable_token', () => {
  it('normal mode answers the same live token; force_refresh replaces it and the old one answers 40001', async () => {
    const first = await token();
    expect(first).toMatch(/^\S{32,}$/);
    expect(await token()).toBe(first);
    const forced = await token({ force_refresh: true });
    expect(forced).not.toBe(first);
    expect(
      await getVerifyId(first, { out_seq_no: 'biz-00001', cert_info: CERT, openid: 'o-1' }),
    ).toMatchObject({
      errcode: 40001,
    });
  });

  it.each([
    [{ grant_type: 'password' }, 40002],
    [{ appid: 'wx0000000000000000' }, 40013],
    [{ secret: 'wrong' }, 40125],
  ])('refuses %j with %i', async (over, errcode) => {
    expect(
      await post('/cgi-bin/stable_token', {
        grant_type: 'client_credential',
        appid: DEFAULT_WECHAT_APPID,
        secret: DEFAULT_WECHAT_SECRET,
        ...over,
      }),
    ).toMatchObject({ errcode });
  });
});

describe('getverifyid and queryverifyinfo', () => {
  it('issues a verify_id for 3600 s; the result is readable only with its out_seq_no, openid and cert_hash', async () => {
    const at = await token();
    const issued = await getVerifyId(at, { out_seq_no: 'biz-00001', cert_info: CERT, openid: 'o-1' });
    expect(issued).toMatchObject({ errcode: 0, verify_id: expect.any(String), expires_in: 3600 });
    const ask = { verify_id: issued.verify_id, out_seq_no: 'biz-00001', cert_hash: HASH, openid: 'o-1' };
    expect(await query(at, ask)).toEqual({ errcode: 0, errmsg: 'ok' });
    sb.setWechatOutcome(90008);
    expect(sb.wechatVerify(issued.verify_id as string)).toEqual({ errCode: 90008, verifyRet: 90008 });
    expect(await query(at, ask)).toEqual({ errcode: 0, errmsg: 'ok', verify_ret: 90008 });
    expect((await query(at, { ...ask, cert_hash: HASH.replace(/^./, '0') })).errcode).toBe(40097);
    expect((await query(at, { ...ask, openid: 'o-2' })).errcode).toBe(40003);
    expect((await query(at, { ...ask, out_seq_no: 'biz-00002' })).errcode).toBe(40097);
    expect((await query(at, { ...ask, verify_id: 'unknown' })).errcode).toBe(40097);
    expect(() => sb.wechatVerify(issued.verify_id as string)).toThrow('UNKNOWN_VERIFY_ID');
  });

  it.each([
    [{ out_seq_no: 'abcd' }, 40097],
    [{ out_seq_no: 'b'.repeat(33) }, 40097],
    [{ cert_info: { ...CERT, cert_type: 'PASSPORT' } }, 40097],
    [{ cert_info: { ...CERT, cert_no: '1101' } }, 40097],
    [{ cert_info: 'x' }, 47001],
    [{ openid: '' }, 40003],
  ])('refuses %j with %i', async (over, errcode) => {
    const at = await token();
    expect(
      await getVerifyId(at, { out_seq_no: 'biz-00001', cert_info: CERT, openid: 'o-1', ...over }),
    ).toMatchObject({
      errcode,
    });
  });

  it('an out_seq_no is unique per AppID; a body that is not JSON is 47001; no token 41001; an expired one 42001', async () => {
    const at = await token();
    const body = { out_seq_no: 'biz-00001', cert_info: CERT, openid: 'o-1' };
    expect((await getVerifyId(at, body)).errcode).toBe(0);
    expect((await getVerifyId(at, body)).errcode).toBe(40097);
    expect(
      (await post(`/cityservice/face/identify/getverifyid?access_token=${at}`, 'not json', true)).errcode,
    ).toBe(47001);
    expect((await post('/cityservice/face/identify/getverifyid', body)).errcode).toBe(41001);
    sb.spoilWechatTokens('expired');
    expect((await getVerifyId(at, { ...body, out_seq_no: 'biz-00002' })).errcode).toBe(42001);
    expect(sb.wechatCalls()).toEqual({ stableToken: 1, getVerifyId: 4, queryVerifyInfo: 0 });
  });

  it('the outcome is chosen through /__sandbox/wechat/outcome and the person checks through /__sandbox/wechat/verify', async () => {
    const at = await token();
    const issued = await getVerifyId(at, { out_seq_no: 'biz-00001', cert_info: CERT, openid: 'o-1' });
    expect(
      await post('/__sandbox/wechat/outcome', { verify_ret: 90004, verify_id: issued.verify_id }),
    ).toEqual({
      ok: true,
    });
    expect(await post('/__sandbox/wechat/outcome', { verify_ret: 12345 })).toMatchObject({
      error: expect.any(String),
    });
    expect(await post('/__sandbox/wechat/verify', { verify_id: issued.verify_id })).toEqual({
      errCode: 90004,
      verifyRet: 90004,
    });
    expect(sb.wechatVerification(issued.verify_id as string)).toMatchObject({ verifyRet: 90004 });
  });
});
