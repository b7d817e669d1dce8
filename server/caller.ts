/**
 * Who called, decided once per invocation from what the platform sets, never from the event. Three kinds:
 * - a WeChat user of this mini-program: `OPENID` from `cloud.getWXContext()` (and its `APPID` equal to
 *   FACEID_MINIPROGRAM_APPID when that is set);
 * - the operator (the cloud console, CI, the daily timer): no user identity of any kind;
 * - anyone else, refused before the function runs: a user of another mini-program or official account sharing
 *   the environment (`FROM_OPENID`/`FROM_APPID`/`FROM_UNIONID`, no `OPENID`), a CloudBase web-SDK caller
 *   (`TCB_UUID`, `TCB_CUSTOM_USER_ID`, anonymous login), a QQ mini-program user, or an `APPID` that is not ours.
 */
import { FaceIdError } from './errors';
import type { Env } from './config';
import type { VerificationRecord } from './store/types';

/** A WeChat user of this mini-program. */
interface UserCaller {
  kind: 'user';
  openid: string;
  /** The mini-program's AppID the call came from (`APPID`), when the context carries it. */
  appid?: string;
}

/** The operator: the cloud console, CI or the timer. */
interface OperatorCaller {
  kind: 'operator';
}

/** A caller the functions serve. */
export type Caller = UserCaller | OperatorCaller;

/** What `cloud.getWXContext()` returns (its WX_* variables without the prefix, plus ENV and SOURCE). */
type WxContext = Record<string, unknown>;

/** Fields of the WeChat context that name a person or an account; any of them means the call is not the operator's. */
const WX_IDENTITY_FIELDS = [
  'OPENID',
  'APPID',
  'UNIONID',
  'FROM_OPENID',
  'FROM_APPID',
  'FROM_UNIONID',
] as const;

/** Fields of another account's user (environment sharing): never a user of this mini-program. */
const WX_FOREIGN_FIELDS = ['FROM_OPENID', 'FROM_APPID', 'FROM_UNIONID'] as const;

/**
 * Variables CloudBase sets for a caller signed in with its own accounts (the web SDK: `TCB_UUID`, custom login's
 * `TCB_CUSTOM_USER_ID`, anonymous login's `TCB_ISANONYMOUS_USER`; a QQ mini-program's `QQ_OPENID`), as
 * @cloudbase/node-sdk's getUserInfo reads them. wx-server-sdk's getWXContext does not return them.
 */
const CLOUDBASE_IDENTITY_VARIABLES = ['TCB_UUID', 'TCB_CUSTOM_USER_ID', 'QQ_OPENID', 'QQ_APPID'] as const;

/** A context value as text (getWXContext turns all-digit values into numbers); '' when absent. */
function text(value: unknown): string {
  return typeof value === 'string' || typeof value === 'number' ? String(value).trim() : '';
}

function present(value: unknown): boolean {
  return text(value) !== '';
}

/** Why a call is nobody this deployment serves, or undefined when it is a user of ours or the operator. */
function refusal(wx: WxContext, env: Env, appid: string | undefined): string | undefined {
  const foreign = WX_FOREIGN_FIELDS.find((field) => present(wx[field]));
  if (foreign) return `a user of another account (${foreign})`;
  if (!present(wx.OPENID)) {
    const signedIn = CLOUDBASE_IDENTITY_VARIABLES.find((name) => present(env[name]));
    if (signedIn) return `a CloudBase sign-in (${signedIn})`;
    if (env.TCB_ISANONYMOUS_USER === 'true') return 'a CloudBase anonymous sign-in';
    const partial = WX_IDENTITY_FIELDS.find((field) => present(wx[field]));
    if (partial) return `a WeChat context without OPENID (${partial})`;
    return undefined;
  }
  if (appid !== undefined && text(wx.APPID) !== appid) return 'a user of another mini-program (APPID)';
  return undefined;
}

/**
 * The caller of this invocation from the WeChat context and the variables CloudBase set for it; FORBIDDEN for
 * anyone else. `appid` is this mini-program's (FACEID_MINIPROGRAM_APPID), when the deployment names it.
 */
export function decideCaller(wx: WxContext, env: Env, appid: string | undefined): Caller {
  const why = refusal(wx, env, appid);
  if (why)
    throw new FaceIdError('FORBIDDEN', {
      detail: `caller refused: ${why}`,
      reason: 'OTHER_CALLER',
    });
  if (!present(wx.OPENID)) return { kind: 'operator' };
  return present(wx.APPID)
    ? { kind: 'user', openid: text(wx.OPENID), appid: text(wx.APPID) }
    : { kind: 'user', openid: text(wx.OPENID) };
}

/** The openid a record is kept under: the user's, or null for the operator's own verifications. */
export function ownerOf(caller: Caller): string | null {
  return caller.kind === 'user' ? caller.openid : null;
}

/** Whether the caller may see the record: its owner, or the operator (who may see every record). */
export function canRead(caller: Caller, record: VerificationRecord): boolean {
  return caller.kind === 'operator' || record.openid === caller.openid;
}
