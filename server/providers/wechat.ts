/**
 * WeChat 人脸核身 2.0 (developers.weixin.qq.com/miniprogram/dev/server/API/face/): getVerifyId issues the verify_id
 * the page hands to wx.requestFacialVerify, queryVerifyInfo reads the result. Both are HTTPS calls with an access
 * token of the mini-program (getStableAccessToken; "本接口不支持云调用"), kept in the database and shared by
 * instances. WeChat keeps the images: nothing but the result comes back.
 */
import { createHash } from 'node:crypto';
import { FaceIdError } from '../errors';
import type { ErrorCode } from '../../miniprogram/shared/errors';
import { wechatResult } from '../../miniprogram/shared/result-codes';
import { callUpstream } from './http';
import { validated } from './options';
import { numeric, requireValue } from './rules';
import type {
  FaceIdProvider,
  IssuedToken,
  NotifyRef,
  ProviderResult,
  ResultRef,
  TokenRequest,
  ValidTokenRequest,
} from './types';

/** WeChat's API host. */
export const WECHAT_DEFAULT_BASE_URL = 'https://api.weixin.qq.com';

/** getVerifyId's `out_seq_no`: 5–32 characters of digits, letters, `_` and `-`, unique per AppID. */
const OUT_SEQ_NO = /^[A-Za-z0-9_-]{5,32}$/;

/** getVerifyId's `cert_type` for a mainland ID card. */
const CERT_TYPE_ID_CARD = 'IDENTITY_CARD';

/** verify_id's validity when getVerifyId's `expires_in` is absent: 3600 s (its documented default). */
const VERIFY_ID_DEFAULT_TTL_S = 3600;

/** Longest verify_id getVerifyId returns: 256 characters. */
const VERIFY_ID_MAX_LENGTH = 256;

/** The only passed result: errcode 0 and verify_ret 10000. */
const VERIFY_RET_PASSED = 10000;

/** errcodes of an access token that is invalid or not the latest (40001) or expired (42001): renewed once. */
const ACCESS_TOKEN_ERRCODES: ReadonlySet<number> = new Set([40001, 42001]);

/** A stored token is used until this long before its end (WeChat renews it 5 minutes early). */
const ACCESS_TOKEN_MARGIN_MS = 60_000;

/** An access token as kept in the database: `_id` is the AppID. */
export interface StoredAccessToken {
  accessToken: string;
  /** Epoch milliseconds. */
  expiresAt: number;
}

/** Where access tokens are kept, shared by every function instance (collection faceid_tokens). */
export interface AccessTokenStore {
  read(appid: string): Promise<StoredAccessToken | undefined>;
  write(appid: string, token: StoredAccessToken): Promise<void>;
}

interface WechatConfig {
  /** The calling mini-program's AppID (the caller's, else FACEID_MINIPROGRAM_APPID); read when a call needs it. */
  appid: () => string;
  /** FACEID_WECHAT_APPSECRET, read when a call needs it; never logged or returned. */
  secret: () => string;
  baseUrl: string;
  timeoutMs: number;
  accessTokens: AccessTokenStore;
  now: () => number;
}

/**
 * queryVerifyInfo's `cert_hash`: each cert_info field in standard base64, joined as
 * `cert_type=…&cert_name=…&cert_no=…`, SHA-256 in lower-case hex (the document's example is a test vector).
 */
function certHash(certType: string, certName: string, certNo: string): string {
  const b64 = (value: string) => Buffer.from(value, 'utf8').toString('base64');
  return createHash('sha256')
    .update(`cert_type=${b64(certType)}&cert_name=${b64(certName)}&cert_no=${b64(certNo)}`)
    .digest('hex');
}

/** What the record keeps to read the result: the AppID the verify_id was issued under and the cert_hash. */
interface WechatResultRef {
  appid: string;
  certHash: string;
}

function readResultRef(value: string | undefined): WechatResultRef {
  try {
    const ref = JSON.parse(value ?? '') as Partial<WechatResultRef>;
    if (typeof ref.appid === 'string' && typeof ref.certHash === 'string')
      return { appid: ref.appid, certHash: ref.certHash };
  } catch {
    // answered below
  }
  throw new FaceIdError('INTERNAL', { detail: 'the record holds no WeChat result handle' });
}

/** The product's error for a WeChat errcode; every errcode answer is WeChat's own, so nothing was bought. */
function errcodeError(api: string, errcode: number): FaceIdError {
  const codes: Record<number, ErrorCode> = {
    [-1]: 'SERVICE_BUSY',
    40001: 'AUTHENTICATION_ERROR',
    42001: 'AUTHENTICATION_ERROR',
    40013: 'AUTHENTICATION_ERROR',
    40125: 'AUTHENTICATION_ERROR',
    40164: 'AUTHORIZATION_ERROR',
    48001: 'AUTHORIZATION_ERROR',
    45009: 'CONCURRENCY_LIMIT_EXCEEDED',
    45011: 'CONCURRENCY_LIMIT_EXCEEDED',
    40003: 'BAD_ARGUMENTS',
    40097: 'BAD_ARGUMENTS',
    47001: 'BAD_ARGUMENTS',
  };
  return new FaceIdError(codes[errcode] ?? 'UPSTREAM_ERROR', {
    raw: `${api} errcode ${errcode}`,
    nothingBought: true,
  });
}

function errcodeOf(body: Record<string, unknown>): number {
  return body.errcode === undefined ? 0 : (numeric(body.errcode) ?? NaN);
}

/** The same failure, proven to have bought nothing (it happened before the paid call left). */
function beforePaidCall(err: unknown): unknown {
  if (!(err instanceof FaceIdError) || err.nothingBought) return err;
  return new FaceIdError(err.code, {
    status: err.status,
    raw: err.raw,
    detail: err.message,
    nothingBought: true,
  });
}

/** getVerifyId's rules, offline: name and number, the bizNo as out_seq_no, the person's openid. */
function wechatRules(req: TokenRequest): void {
  requireValue('idcard_name', req.idcard?.name);
  requireValue('idcard_number', req.idcard?.number);
  if (!OUT_SEQ_NO.test(req.bizNo))
    throw new FaceIdError('INVALID_EVENT', {
      param: 'bizNo',
      detail: 'WeChat out_seq_no is 5-32 characters of letters, digits, _ and -',
      reason: 'BIZ_NO_FORMAT',
    });
  if (!req.openid)
    throw new FaceIdError('FORBIDDEN', {
      detail: 'WeChat face verification is bound to the openid of the person in the mini-program',
      reason: 'WECHAT_SELF_ONLY',
    });
}

/** Checks a request against WeChat's rules, offline (no call). */
const validateWechat = (req: TokenRequest): ValidTokenRequest => validated('wechat', req, wechatRules);

/** WeChat 人脸核身 2.0 behind the common interface. */
export function createWechatProvider(config: WechatConfig): FaceIdProvider {
  const base = config.baseUrl.replace(/\/+$/, '');

  /** A fresh token from getStableAccessToken (normal mode: WeChat's current token), kept for every instance. */
  async function renewAccessToken(appid: string): Promise<string> {
    const { body } = await callUpstream({
      method: 'POST',
      url: `${base}/cgi-bin/stable_token`,
      json: { grant_type: 'client_credential', appid, secret: config.secret(), force_refresh: false },
      timeoutMs: config.timeoutMs,
    });
    const errcode = errcodeOf(body);
    if (errcode !== 0) throw errcodeError('stable_token', errcode);
    const token = body.access_token;
    const expiresIn = numeric(body.expires_in);
    if (typeof token !== 'string' || token === '' || expiresIn === undefined || expiresIn <= 0)
      throw new FaceIdError('BAD_UPSTREAM_RESPONSE', { detail: 'stable_token answered without a token' });
    await config.accessTokens.write(appid, {
      accessToken: token,
      expiresAt: config.now() + expiresIn * 1000,
    });
    return token;
  }

  /** The AppID's access token: the one kept in the database while it lives (and is not `stale`), else a new one. */
  async function accessToken(appid: string, stale?: string): Promise<string> {
    const kept = await config.accessTokens.read(appid);
    if (kept && kept.accessToken !== stale && kept.expiresAt - ACCESS_TOKEN_MARGIN_MS > config.now())
      return kept.accessToken;
    return renewAccessToken(appid);
  }

  /**
   * One WeChat API call with the AppID's access token; on 40001/42001 the token is renewed once and the call
   * sent once more. Failures before the call left (getting the token) prove nothing was bought.
   */
  async function callWechat(appid: string, api: string, json: Record<string, unknown>) {
    let token: string;
    try {
      token = await accessToken(appid);
    } catch (err) {
      throw beforePaidCall(err);
    }
    for (let renewed = false; ; renewed = true) {
      const { body } = await callUpstream({
        method: 'POST',
        url: `${base}${api}?access_token=${encodeURIComponent(token)}`,
        json,
        timeoutMs: config.timeoutMs,
      });
      const errcode = errcodeOf(body);
      if (errcode === 0) return body;
      if (renewed || !ACCESS_TOKEN_ERRCODES.has(errcode)) throw errcodeError(api, errcode);
      try {
        token = await accessToken(appid, token);
      } catch (err) {
        throw beforePaidCall(err);
      }
    }
  }

  async function issueToken(req: ValidTokenRequest): Promise<IssuedToken> {
    const appid = config.appid();
    const name = req.idcard?.name ?? '';
    const number = req.idcard?.number ?? '';
    const body = await callWechat(appid, '/cityservice/face/identify/getverifyid', {
      out_seq_no: req.bizNo,
      cert_info: { cert_type: CERT_TYPE_ID_CARD, cert_name: name, cert_no: number },
      openid: req.openid,
    });
    const verifyId = body.verify_id;
    if (typeof verifyId !== 'string' || verifyId === '' || verifyId.length > VERIFY_ID_MAX_LENGTH)
      throw new FaceIdError('BAD_UPSTREAM_RESPONSE', { detail: 'getverifyid answered without verify_id' });
    const expiresIn = numeric(body.expires_in) ?? VERIFY_ID_DEFAULT_TTL_S;
    const ref: WechatResultRef = { appid, certHash: certHash(CERT_TYPE_ID_CARD, name, number) };
    return {
      bizToken: verifyId,
      expiresAt: config.now() + expiresIn * 1000,
      client: { kind: 'wechat', verifyId },
      resultRef: JSON.stringify(ref),
    };
  }

  async function fetchResult(ref: ResultRef): Promise<ProviderResult> {
    const { appid, certHash: hash } = readResultRef(ref.resultRef);
    if (!ref.bizNo || !ref.openid)
      throw new FaceIdError('INTERNAL', { detail: 'a WeChat result needs the bizNo and the openid' });
    const body = await callWechat(appid, '/cityservice/face/identify/queryverifyinfo', {
      verify_id: ref.bizToken,
      out_seq_no: ref.bizNo,
      cert_hash: hash,
      openid: ref.openid,
    });
    const base = { bizToken: ref.bizToken, bizNo: ref.bizNo };
    if (body.verify_ret === undefined)
      return { ...base, resultCode: 9000, resultMessage: 'LIVING_NOT_START' };
    const verifyRet = numeric(body.verify_ret);
    const row = verifyRet === undefined ? undefined : wechatResult(verifyRet);
    if (!row)
      throw new FaceIdError('BAD_UPSTREAM_RESPONSE', {
        detail: `unknown verify_ret ${JSON.stringify(body.verify_ret)}`,
      });
    return {
      ...base,
      resultCode: row.code,
      resultMessage: row.message,
      comparedByProvider: verifyRet === VERIFY_RET_PASSED || undefined,
    };
  }

  function readNotify(): NotifyRef {
    throw new FaceIdError('NOT_FOUND', { detail: 'WeChat face verification sends no notify' });
  }

  return { name: 'wechat', validate: validateWechat, issueToken, fetchResult, readNotify };
}
