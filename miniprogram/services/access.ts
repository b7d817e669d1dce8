/**
 * The camera and microphone: wx.getSetting before a step that needs them, wx.authorize while undetermined, and
 * wx.openSetting (only from a tap, in access-screen) once the person said no, since WeChat never asks again.
 */
import { privacyProblemOf, type PrivacyProblem } from './privacy';

type Scope = 'scope.camera' | 'scope.record';

/** The FaceID check films the face and records the voice reading digits. */
export const FACE_CHECK_SCOPES: readonly Scope[] = ['scope.camera', 'scope.record'];
/** A reference photo is taken with the camera (or chosen from the album). */
export const PHOTO_SCOPES: readonly Scope[] = ['scope.camera'];

/** Why a step cannot go on: a permission said no to, or WeChat's privacy authorization. */
export type AccessProblem = 'camera' | 'record' | PrivacyProblem;

type Access = { ok: true } | { ok: false; problem: AccessProblem };

const DENIED: Record<Scope, AccessProblem> = { 'scope.camera': 'camera', 'scope.record': 'record' };

/** A refused permission in a failed call's errMsg (`…:fail auth deny`, `…:fail auth denied`). */
function isAuthDeny(err: unknown): boolean {
  return /auth den(y|ied)|authorize no response/.test((err as { errMsg?: string } | undefined)?.errMsg ?? '');
}

/** What a failed privacy-scoped call means for the person, or undefined for any other failure. */
export function accessProblemOf(err: unknown, scope: Scope = 'scope.camera'): AccessProblem | undefined {
  return privacyProblemOf(err) ?? (isAuthDeny(err) ? DENIED[scope] : undefined);
}

function authSetting(): Promise<Record<string, boolean | undefined>> {
  return wx.getSetting({}).then(
    (res) => res.authSetting as Record<string, boolean | undefined>,
    () => ({}),
  );
}

/** Checks each scope: granted goes on, undetermined is asked for with wx.authorize, denied says which. */
export async function ensureAccess(scopes: readonly Scope[]): Promise<Access> {
  const setting = await authSetting();
  for (const scope of scopes) {
    if (setting[scope] === true) continue;
    if (setting[scope] === false) return { ok: false, problem: DENIED[scope] };
    try {
      await wx.authorize({ scope });
    } catch (err) {
      return { ok: false, problem: accessProblemOf(err, scope) ?? DENIED[scope] };
    }
  }
  return { ok: true };
}
