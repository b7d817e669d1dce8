/** The WeChat 人脸核身 2.0 provider against WeChat's double: the documents' rules, cert_hash, the access token. */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { FaceIdError } from '../../../server/errors';
import {
  createWechatProvider,
  type AccessTokenStore,
  type StoredAccessToken,
} from '../../../server/providers/wechat';
import type { FaceIdProvider, TokenRequest } from '../../../server/providers/types';
import {
  DEFAULT_WECHAT_APPID,
  DEFAULT_WECHAT_SECRET,
  sandboxCertHash as certHash,
  type Sandbox,
} from '../../../dev/sandbox';
import { VERIFY_RETS } from '../../../dev/sandbox/wechat';
import { WECHAT_RESULTS } from '../../../miniprogram/shared/result-codes';
import { useSandboxUpstream, type RecordingUpstream } from '../../support/recording-upstream';

const NOW = 1_700_000_000_000;
let sandbox: Sandbox;
let upstream: RecordingUpstream;
let tokens: Map<string, StoredAccessToken>;
let provider: FaceIdProvider;

/** An access-token store in memory, as the collection faceid_tokens holds it. */
function memoryTokens(): AccessTokenStore {
  return {
    read: async (appid) => tokens.get(appid),
    write: async (appid, token) => void tokens.set(appid, token),
  };
}

type WechatConfig = Parameters<typeof createWechatProvider>[0];

function configFor(baseUrl: string, over: Partial<WechatConfig> = {}): WechatConfig {
  return {
    appid: () => DEFAULT_WECHAT_APPID,
    secret: () => DEFAULT_WECHAT_SECRET,
    baseUrl,
    timeoutMs: 3000,
    accessTokens: memoryTokens(),
    now: () => NOW,
    ...over,
  };
}

const request = (over: Partial<TokenRequest> = {}): TokenRequest => ({
  mode: 'idcard',
  bizNo: 'fid20260101abcdef0123456789',
  idcard: { name: '张三', number: '11010519491231002X' },
  openid: 'o-user-1',
  options: {},
  ...over,
});

const issue = (req: TokenRequest = request(), by: FaceIdProvider = provider) =>
  by.issueToken(by.validate(req));

const pair = useSandboxUpstream();

beforeEach(() => {
  ({ sandbox, upstream } = pair);
  tokens = new Map();
  provider = createWechatProvider(configFor(upstream.url));
});

describe('cert_hash (api_queryverifyinfo, 注意事项)', () => {
  it("the double's cert_hash, which the provider's queryVerifyInfo must match, is the document's example", () => {
    expect(certHash('IDENTITY_CARD', '张三', '310101199801011234')).toBe(
      '3c241f7ff324977aeb91f173bb2a7b06569e6fd784d5573db34a636d8671108b',
    );
  });
});

describe('validate: getVerifyId rules, offline', () => {
  it.each([
    ['a bizNo under 5 characters', request({ bizNo: 'abcd' }), 'INVALID_EVENT', 'bizNo'],
    ['a bizNo over 32 characters', request({ bizNo: 'b'.repeat(33) }), 'INVALID_EVENT', 'bizNo'],
    ['a bizNo with a dot', request({ bizNo: 'biz.00001' }), 'INVALID_EVENT', 'bizNo'],
    [
      'no name',
      request({ idcard: { name: '', number: '11010519491231002X' } }),
      'MISSING_ARGUMENTS',
      'idcard_name',
    ],
    ['no openid (the operator)', request({ openid: undefined }), 'FORBIDDEN', undefined],
    ['another mode', request({ mode: 'reference' }), 'INVALID_EVENT', 'mode'],
  ])('refuses %s', (_what, req, code, param) => {
    let error: unknown;
    try {
      provider.validate(req);
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(FaceIdError);
    expect(error).toMatchObject({ code, param });
  });

  it('takes 5 and 32 characters of letters, digits, _ and -', () => {
    expect(() => provider.validate(request({ bizNo: 'a_b-1' }))).not.toThrow();
    expect(() => provider.validate(request({ bizNo: 'Z9'.repeat(16) }))).not.toThrow();
  });
});

describe('issueToken and fetchResult', () => {
  it('the verify_id lives expires_in seconds; the result handle holds the AppID and cert_hash, not the name', async () => {
    const issued = await issue();
    expect(issued).toEqual({
      bizToken: expect.stringMatching(/^[0-9a-f]{48}$/),
      expiresAt: NOW + 3600 * 1000,
      client: { kind: 'wechat', verifyId: issued.bizToken },
      resultRef: JSON.stringify({
        appid: DEFAULT_WECHAT_APPID,
        certHash: certHash('IDENTITY_CARD', '张三', '11010519491231002X'),
      }),
    });
    expect(issued.resultRef).not.toMatch(/张三|11010519491231002X/);
    const ref = {
      bizToken: issued.bizToken,
      resultRef: issued.resultRef,
      bizNo: request().bizNo,
      openid: 'o-user-1',
    };
    expect(await provider.fetchResult(ref)).toMatchObject({
      resultCode: 9000,
      resultMessage: 'LIVING_NOT_START',
    });
    sandbox.wechatVerify(issued.bizToken);
    expect(await provider.fetchResult(ref)).toEqual({
      bizToken: issued.bizToken,
      bizNo: request().bizNo,
      resultCode: 1000,
      resultMessage: 'SUCCESS',
      comparedByProvider: true,
    });
  });

  it("WeChat refuses a cert_hash or openid that is not getVerifyId's (an errcode, never a verify_ret)", async () => {
    const issued = await issue();
    sandbox.wechatVerify(issued.bizToken);
    const wrongHash = JSON.stringify({
      appid: DEFAULT_WECHAT_APPID,
      certHash: certHash('IDENTITY_CARD', '李四', '11010519491231002X'),
    });
    await expect(
      provider.fetchResult({
        bizToken: issued.bizToken,
        resultRef: wrongHash,
        bizNo: request().bizNo,
        openid: 'o-user-1',
      }),
    ).rejects.toMatchObject({ code: 'BAD_ARGUMENTS', nothingBought: true });
    await expect(
      provider.fetchResult({
        bizToken: issued.bizToken,
        resultRef: issued.resultRef,
        bizNo: request().bizNo,
        openid: 'o-other',
      }),
    ).rejects.toMatchObject({ code: 'BAD_ARGUMENTS' });
  });

  it('an out_seq_no WeChat already has is refused by WeChat, nothing bought', async () => {
    await issue();
    await expect(issue()).rejects.toMatchObject({ code: 'BAD_ARGUMENTS', nothingBought: true });
  });

  it('a failure getting the access token proves nothing was bought', async () => {
    const down = createWechatProvider(configFor('http://127.0.0.1:9'));
    await expect(issue(request(), down)).rejects.toMatchObject({
      code: 'NETWORK_ERROR',
      nothingBought: true,
    });
    const wrong = createWechatProvider(configFor(upstream.url, { secret: () => 'wrong' }));
    await expect(issue(request(), wrong)).rejects.toMatchObject({
      code: 'AUTHENTICATION_ERROR',
      nothingBought: true,
    });
    expect(upstream.calls('/cityservice/face/identify/getverifyid')).toHaveLength(0);
  });

  it('a stored token that lives is used without asking WeChat; one near its end is renewed', async () => {
    await issue();
    await issue(request({ bizNo: 'second-biz' }));
    expect(upstream.calls('/cgi-bin/stable_token')).toHaveLength(1);
    const kept = tokens.get(DEFAULT_WECHAT_APPID)!;
    expect(kept.expiresAt).toBe(NOW + 7200 * 1000);
    tokens.set(DEFAULT_WECHAT_APPID, { ...kept, expiresAt: NOW + 30_000 });
    await issue(request({ bizNo: 'third-biz' }));
    expect(upstream.calls('/cgi-bin/stable_token')).toHaveLength(2);
  });
});

describe('renewal on 40001/42001 happens once', () => {
  let server: Server;
  let base: string;
  const seen: string[] = [];

  beforeAll(async () => {
    // A WeChat that calls every access token invalid: the provider renews once, retries once, then gives up.
    server = createServer((req, res) => {
      seen.push(req.url ?? '');
      const body = req.url?.startsWith('/cgi-bin/stable_token')
        ? { access_token: `t${seen.length}`, expires_in: 7200 }
        : { errcode: 40001, errmsg: 'invalid credential' };
      res.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify(body));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('a second 40001 is AUTHENTICATION_ERROR after exactly two calls and one renewal', async () => {
    seen.length = 0;
    const stubborn = createWechatProvider(configFor(base));
    await expect(issue(request(), stubborn)).rejects.toMatchObject({
      code: 'AUTHENTICATION_ERROR',
      nothingBought: true,
    });
    expect(seen.map((url) => url.split('?')[0])).toEqual([
      '/cgi-bin/stable_token',
      '/cityservice/face/identify/getverifyid',
      '/cgi-bin/stable_token',
      '/cityservice/face/identify/getverifyid',
    ]);
  });
});

describe("the verify_ret table (api_queryverifyinfo's enum)", () => {
  it("maps every value the document lists (the sandbox's own copy) onto one outcome family, and no other", () => {
    const backend = WECHAT_RESULTS.flatMap((row) => row.verifyRets).sort();
    expect(backend).toEqual(Object.keys(VERIFY_RETS).map(Number).sort());
    expect(new Set(backend).size).toBe(backend.length);
    expect(WECHAT_RESULTS.filter((row) => row.outcome === 'passed').map((row) => row.verifyRets)).toEqual([
      [10000],
    ]);
  });
});
