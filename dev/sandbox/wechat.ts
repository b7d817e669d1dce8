/**
 * WeChat 人脸核身 2.0 as WeChat's host serves it, with its own tables written from WeChat's documents
 * (developers.weixin.qq.com: getStableAccessToken `POST /cgi-bin/stable_token`; getVerifyId and queryVerifyInfo
 * under `/cityservice/face/identify/`), plus the person's side of `wx.requestFacialVerify` under
 * `/__sandbox/wechat/`. JSON bodies, answers `{ errcode, errmsg, … }` with HTTP 200.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { SandboxClock } from './clock';
import type { RequestContext, RouteRegistry } from './server';

/** The mini-program the sandbox knows by default: the local function runner's APPID, with this AppSecret. */
export const DEFAULT_WECHAT_APPID = 'wx00000000000local';
export const DEFAULT_WECHAT_SECRET = 'sandbox-wechat-appsecret';

/** An access token lives 7200 s; normal mode hands out a new one within its last 5 minutes (old one stays valid). */
const ACCESS_TOKEN_TTL_MS = 7200 * 1000;
const ACCESS_TOKEN_EARLY_MS = 5 * 60 * 1000;
/** verify_id's validity (getVerifyId's `expires_in` default). */
const VERIFY_ID_TTL_S = 3600;

/** WeChat's global errcodes the sandbox answers with. */
const WECHAT_ERRCODES = {
  ok: 0,
  /** invalid credential, access_token is invalid or not latest */
  invalidToken: 40001,
  invalidGrantType: 40002,
  invalidOpenid: 40003,
  invalidAppid: 40013,
  invalidArgs: 40097,
  invalidSecret: 40125,
  /** access_token missing */
  missingToken: 41001,
  /** access_token expired */
  expiredToken: 42001,
  /** data format error */
  badFormat: 47001,
} as const;

/** queryVerifyInfo's verify_ret table (api_queryverifyinfo, 4. 枚举信息). */
export const VERIFY_RETS: Readonly<Record<number, string>> = {
  10000: '识别成功',
  90001: '设备不支持人脸检测',
  90002: '用户在教程页取消',
  90003: '用户在初始化时取消',
  90004: '用户在识别过程中取消',
  90005: '用户在上传时取消',
  90006: '用户在释放时取消',
  90007: '网络错误',
  90008: '相机权限未授权',
  90009: '麦克风权限未授权',
  90010: '相机和麦克风权限都未授权',
  90011: '人脸数据采集无效',
  90012: '人脸数据上传失败',
  90013: '人脸数据采集无效',
  90014: '人脸数据采集无效',
  90017: '识别过程超时',
  90018: '系统错误',
  90104: '获取人脸配置失败',
  90105: '获取确认数据失败',
  90106: '相机失败',
  90107: '用户检测超时',
  90109: '设备不支持人脸检测',
  90110: '获取协议信息失败',
  90199: '用户系统错误',
};

/** The sandbox's own cert_hash (api_queryverifyinfo, 注意事项): base64 of each field, joined, SHA-256 hex. */
export function sandboxCertHash(type: string, name: string, no: string): string {
  const b = (v: string) => Buffer.from(v, 'utf8').toString('base64');
  return createHash('sha256')
    .update(`cert_type=${b(type)}&cert_name=${b(name)}&cert_no=${b(no)}`)
    .digest('hex');
}

interface AccessToken {
  appid: string;
  token: string;
  expiresAt: number;
  /** Replaced by a forced refresh (or made invalid from the control API): answers 40001. */
  invalid: boolean;
}

interface Verification {
  verifyId: string;
  appid: string;
  openid: string;
  outSeqNo: string;
  certHash: string;
  issuedAt: number;
  expiresAt: number;
  /** Set once the person went through wx.requestFacialVerify. */
  verifyRet?: number;
}

/** Calls each WeChat API answered, for tests: how many access tokens were asked for, and so on. */
export interface WechatCalls {
  stableToken: number;
  getVerifyId: number;
  queryVerifyInfo: number;
}

class WechatRefusal extends Error {
  constructor(
    readonly errcode: number,
    readonly errmsg: string,
  ) {
    super(errmsg);
  }
}

/** The sandbox's WeChat: its apps, access tokens, verifications and chosen outcomes. */
export class WechatSandbox {
  private readonly apps = new Map<string, string>();
  private tokens = new Map<string, AccessToken>();
  private verifications = new Map<string, Verification>();
  private outSeqNos = new Set<string>();
  private nextOutcome: number | null = null;
  private outcomes = new Map<string, number>();
  calls: WechatCalls = { stableToken: 0, getVerifyId: 0, queryVerifyInfo: 0 };

  constructor(
    private readonly clock: SandboxClock,
    app: { appid: string; secret: string } = { appid: DEFAULT_WECHAT_APPID, secret: DEFAULT_WECHAT_SECRET },
  ) {
    this.apps.set(app.appid, app.secret);
  }

  /** Forgets every token, verification and outcome (the apps stay). */
  reset(): void {
    this.tokens = new Map();
    this.verifications = new Map();
    this.outSeqNos = new Set();
    this.nextOutcome = null;
    this.outcomes = new Map();
    this.calls = { stableToken: 0, getVerifyId: 0, queryVerifyInfo: 0 };
  }

  /** The verify_ret the next verification (or one verify_id) gets; null: 10000 again. */
  setOutcome(verifyRet: number | null, verifyId?: string): void {
    if (verifyRet !== null && !(verifyRet in VERIFY_RETS))
      throw new RangeError(`verify_ret must be one of ${Object.keys(VERIFY_RETS).join(', ')}`);
    if (verifyId === undefined) this.nextOutcome = verifyRet;
    else if (verifyRet === null) this.outcomes.delete(verifyId);
    else this.outcomes.set(verifyId, verifyRet);
  }

  /** Makes every current access token answer 40001 (`invalid`, as a forced refresh elsewhere) or 42001. */
  spoilTokens(how: 'invalid' | 'expired'): number {
    let spoiled = 0;
    for (const token of this.tokens.values()) {
      if (how === 'invalid') token.invalid = true;
      else token.expiresAt = Math.min(token.expiresAt, this.clock.now() - 1);
      spoiled++;
    }
    return spoiled;
  }

  /** getStableAccessToken: normal mode keeps the live token (a new one in its last 5 minutes); force_refresh replaces it. */
  stableToken(body: Record<string, unknown>): { access_token: string; expires_in: number } {
    this.calls.stableToken++;
    if (body.grant_type !== 'client_credential')
      throw new WechatRefusal(WECHAT_ERRCODES.invalidGrantType, 'invalid grant_type');
    const appid = body.appid;
    if (typeof appid !== 'string' || !this.apps.has(appid))
      throw new WechatRefusal(WECHAT_ERRCODES.invalidAppid, 'invalid appid');
    if (body.secret !== this.apps.get(appid))
      throw new WechatRefusal(WECHAT_ERRCODES.invalidSecret, 'invalid appsecret');
    if (body.force_refresh !== undefined && typeof body.force_refresh !== 'boolean')
      throw new WechatRefusal(WECHAT_ERRCODES.badFormat, 'data format error: force_refresh');
    const now = this.clock.now();
    const live = [...this.tokens.values()]
      .filter((t) => t.appid === appid && !t.invalid && t.expiresAt > now)
      .sort((a, b) => b.expiresAt - a.expiresAt)[0];
    if (live && body.force_refresh !== true && live.expiresAt - now > ACCESS_TOKEN_EARLY_MS)
      return { access_token: live.token, expires_in: Math.floor((live.expiresAt - now) / 1000) };
    if (body.force_refresh === true)
      for (const t of this.tokens.values()) if (t.appid === appid) t.invalid = true;
    const token: AccessToken = {
      appid,
      token: randomBytes(48).toString('base64url'),
      expiresAt: now + ACCESS_TOKEN_TTL_MS,
      invalid: false,
    };
    this.tokens.set(token.token, token);
    return { access_token: token.token, expires_in: ACCESS_TOKEN_TTL_MS / 1000 };
  }

  /** The app an access token query parameter is good for: 41001 without one, 40001 unknown or replaced, 42001 expired. */
  private appOf(accessToken: string | null): string {
    if (!accessToken) throw new WechatRefusal(WECHAT_ERRCODES.missingToken, 'access_token missing');
    const token = this.tokens.get(accessToken);
    if (!token || token.invalid)
      throw new WechatRefusal(
        WECHAT_ERRCODES.invalidToken,
        'invalid credential, access_token is invalid or not latest',
      );
    if (token.expiresAt <= this.clock.now())
      throw new WechatRefusal(WECHAT_ERRCODES.expiredToken, 'access_token expired');
    return token.appid;
  }

  /** getVerifyId: every field required; out_seq_no 5–32 of [A-Za-z0-9_-] and unique per appid. */
  getVerifyId(
    accessToken: string | null,
    body: Record<string, unknown>,
  ): { verify_id: string; expires_in: number } {
    this.calls.getVerifyId++;
    const appid = this.appOf(accessToken);
    const { out_seq_no: outSeqNo, cert_info: certInfo, openid } = body;
    if (typeof outSeqNo !== 'string' || !/^[A-Za-z0-9_-]{5,32}$/.test(outSeqNo))
      throw new WechatRefusal(WECHAT_ERRCODES.invalidArgs, 'invalid args: out_seq_no');
    if (this.outSeqNos.has(`${appid}:${outSeqNo}`))
      throw new WechatRefusal(WECHAT_ERRCODES.invalidArgs, 'invalid args: out_seq_no already used');
    if (!certInfo || typeof certInfo !== 'object' || Array.isArray(certInfo))
      throw new WechatRefusal(WECHAT_ERRCODES.badFormat, 'data format error: cert_info');
    const cert = certInfo as Record<string, unknown>;
    if (cert.cert_type !== 'IDENTITY_CARD')
      throw new WechatRefusal(WECHAT_ERRCODES.invalidArgs, 'invalid args: cert_type');
    if (typeof cert.cert_name !== 'string' || cert.cert_name.trim() === '')
      throw new WechatRefusal(WECHAT_ERRCODES.invalidArgs, 'invalid args: cert_name');
    if (typeof cert.cert_no !== 'string' || !/^\d{17}[\dX]$/.test(cert.cert_no))
      throw new WechatRefusal(WECHAT_ERRCODES.invalidArgs, 'invalid args: cert_no');
    if (typeof openid !== 'string' || openid === '')
      throw new WechatRefusal(WECHAT_ERRCODES.invalidOpenid, 'invalid openid');
    const now = this.clock.now();
    const verification: Verification = {
      verifyId: randomBytes(24).toString('hex'),
      appid,
      openid,
      outSeqNo,
      certHash: sandboxCertHash(cert.cert_type, cert.cert_name, cert.cert_no),
      issuedAt: now,
      expiresAt: now + VERIFY_ID_TTL_S * 1000,
    };
    this.verifications.set(verification.verifyId, verification);
    this.outSeqNos.add(`${appid}:${outSeqNo}`);
    return { verify_id: verification.verifyId, expires_in: VERIFY_ID_TTL_S };
  }

  /**
   * queryVerifyInfo: verify_id, out_seq_no, cert_hash and openid must be those of getVerifyId (an errcode, not a
   * verify_ret, otherwise). Before the person went through the check the answer has no verify_ret (the document
   * does not say; the sandbox's choice).
   */
  queryVerifyInfo(accessToken: string | null, body: Record<string, unknown>): { verify_ret?: number } {
    this.calls.queryVerifyInfo++;
    const appid = this.appOf(accessToken);
    const verification =
      typeof body.verify_id === 'string' ? this.verifications.get(body.verify_id) : undefined;
    if (!verification || verification.appid !== appid)
      throw new WechatRefusal(WECHAT_ERRCODES.invalidArgs, 'invalid args: verify_id');
    if (body.out_seq_no !== verification.outSeqNo)
      throw new WechatRefusal(WECHAT_ERRCODES.invalidArgs, 'invalid args: out_seq_no');
    if (body.openid !== verification.openid)
      throw new WechatRefusal(WECHAT_ERRCODES.invalidOpenid, 'invalid openid');
    if (body.cert_hash !== verification.certHash)
      throw new WechatRefusal(WECHAT_ERRCODES.invalidArgs, 'invalid args: cert_hash');
    return verification.verifyRet === undefined ? {} : { verify_ret: verification.verifyRet };
  }

  /**
   * The person's side of wx.requestFacialVerify({ verifyId }): the chosen outcome (10000 by default) becomes the
   * verification's verify_ret. errCode 0 when the check ran to its end, else the verify_ret; a dead or used
   * verify_id cannot start (404 from the control API).
   */
  verify(verifyId: string): { errCode: number; verifyRet: number } {
    const verification = this.verifications.get(verifyId);
    if (!verification || verification.verifyRet !== undefined || verification.expiresAt <= this.clock.now())
      throw new RangeError('UNKNOWN_VERIFY_ID');
    const verifyRet = this.outcomes.get(verifyId) ?? this.nextOutcome ?? 10000;
    verification.verifyRet = verifyRet;
    return { errCode: verifyRet === 10000 ? 0 : verifyRet, verifyRet };
  }

  /** A verification's state for tests (no name or ID number: the sandbox keeps only the hash). */
  snapshot(verifyId: string): Record<string, unknown> | undefined {
    const v = this.verifications.get(verifyId);
    return v && { outSeqNo: v.outSeqNo, openid: v.openid, expiresAt: v.expiresAt, verifyRet: v.verifyRet };
  }
}

async function jsonBody(ctx: RequestContext): Promise<Record<string, unknown>> {
  try {
    const body = await ctx.body({ maxBytes: 1024 * 1024, json: true });
    if (body.json && typeof body.json === 'object' && !Array.isArray(body.json))
      return body.json as Record<string, unknown>;
  } catch {
    // answered below
  }
  throw new WechatRefusal(WECHAT_ERRCODES.badFormat, 'data format error');
}

function answer(ctx: RequestContext, run: () => Record<string, unknown>): void {
  try {
    ctx.raw(200, { errcode: 0, errmsg: 'ok', ...run() });
  } catch (err) {
    if (!(err instanceof WechatRefusal)) throw err;
    ctx.raw(200, { errcode: err.errcode, errmsg: `${err.errmsg} rid: ${ctx.requestId}` });
  }
}

/** Adds WeChat's three APIs and the person's side of the face check to the sandbox. */
function registerWechat(routes: RouteRegistry, wechat: WechatSandbox): void {
  const api = (
    path: string,
    run: (ctx: RequestContext, body: Record<string, unknown>) => Record<string, unknown>,
  ) =>
    routes.route({
      method: 'POST',
      path,
      async handler(ctx) {
        let body: Record<string, unknown>;
        try {
          body = await jsonBody(ctx);
        } catch (err) {
          return answer(ctx, () => {
            throw err;
          });
        }
        answer(ctx, () => run(ctx, body));
      },
    });
  const token = (ctx: RequestContext) => ctx.url.searchParams.get('access_token');
  api('/cgi-bin/stable_token', (_ctx, body) => wechat.stableToken(body));
  api('/cityservice/face/identify/getverifyid', (ctx, body) => wechat.getVerifyId(token(ctx), body));
  api('/cityservice/face/identify/queryverifyinfo', (ctx, body) => wechat.queryVerifyInfo(token(ctx), body));
}

/** The control routes of the WeChat double: outcome, the person's check, spoiling tokens, call counts. */
function registerWechatControl(routes: RouteRegistry, wechat: WechatSandbox): void {
  const control = (method: 'GET' | 'POST', path: string, run: (body: Record<string, unknown>) => unknown) =>
    routes.route({
      method,
      path: `/__sandbox/wechat${path}`,
      cors: true,
      control: true,
      async handler(ctx) {
        try {
          const body = method === 'POST' ? await jsonBody(ctx).catch(() => ({})) : {};
          ctx.raw(200, await run(body));
        } catch (err) {
          if (!(err instanceof RangeError)) throw err;
          ctx.raw(err.message === 'UNKNOWN_VERIFY_ID' ? 404 : 400, { error: err.message });
        }
      },
    });
  control('POST', '/outcome', (body) => {
    const verifyRet = body.verify_ret ?? null;
    if (verifyRet !== null && typeof verifyRet !== 'number')
      throw new RangeError('verify_ret must be a number');
    if (body.verify_id !== undefined && typeof body.verify_id !== 'string')
      throw new RangeError('verify_id must be a string');
    wechat.setOutcome(verifyRet, body.verify_id);
    return { ok: true };
  });
  control('POST', '/verify', (body) => {
    if (typeof body.verify_id !== 'string') throw new RangeError('verify_id must be a string');
    return wechat.verify(body.verify_id);
  });
  control('POST', '/access-token', (body) => {
    if (body.state !== 'invalid' && body.state !== 'expired')
      throw new RangeError('state must be invalid or expired');
    return { ok: true, spoiled: wechat.spoilTokens(body.state) };
  });
  control('GET', '/calls', () => ({ ...wechat.calls }));
}

/** The WeChat double as a sandbox provider module (its state comes with the deps). */
export const wechatProvider = {
  name: 'wechat',
  register(routes: RouteRegistry, deps: { wechat: WechatSandbox }): void {
    registerWechat(routes, deps.wechat);
    registerWechatControl(routes, deps.wechat);
  },
};
