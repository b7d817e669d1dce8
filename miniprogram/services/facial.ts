/**
 * WeChat 人脸核身 2.0 on the page: wx.checkIsSupportFacialRecognition and wx.requestFacialVerify (base library
 * 3.8.12 on; neither has a Promise style), and wx.openSetting for a denied camera or microphone.
 */

import { compareVersions } from './base-library';

/** The base library WeChat's face verification needs (wx.requestFacialVerify). */
const FACIAL_VERIFY_SDK = '3.8.12';

interface Callbacks {
  success?: (res: { errCode?: number; errMsg?: string }) => void;
  fail?: (res: { errCode?: number; errMsg?: string }) => void;
}

interface FacialApi {
  checkIsSupportFacialRecognition?: (o: Callbacks) => void;
  requestFacialVerify?: (o: Callbacks & { verifyId: string }) => void;
}

const facialWx = (): FacialApi => wx;

/** Why WeChat's face verification cannot run here: an old base library (`update`), the device, or nothing. */
export async function facialSupport(): Promise<'ok' | 'update' | 'device'> {
  let sdk = '0';
  try {
    sdk = wx.getAppBaseInfo().SDKVersion;
  } catch {
    // unknown: treated as too old
  }
  const api = facialWx();
  if (
    compareVersions(sdk, FACIAL_VERIFY_SDK) < 0 ||
    typeof api.checkIsSupportFacialRecognition !== 'function' ||
    typeof api.requestFacialVerify !== 'function'
  )
    return 'update';
  const check = api.checkIsSupportFacialRecognition;
  return new Promise((resolve) => {
    check({ success: () => resolve('ok'), fail: () => resolve('device') });
  });
}

/** Runs WeChat's face check for a verify_id; resolves its errCode (0: it ran to its end; the result is the server's). */
export function requestFacialVerify(verifyId: string): Promise<number> {
  const request = facialWx().requestFacialVerify;
  if (typeof request !== 'function') return Promise.resolve(-1);
  return new Promise((resolve) => {
    request({
      verifyId,
      success: (res) => resolve(res?.errCode ?? 0),
      fail: (res) => resolve(typeof res?.errCode === 'number' ? res.errCode : -1),
    });
  });
}

/** Opens WeChat's settings (only from a tap); resolves whether the camera and the microphone are allowed now. */
export function openCameraSettings(): Promise<boolean> {
  return new Promise((resolve) => {
    wx.openSetting({
      success: (res) => {
        const auth = res.authSetting as Record<string, boolean | undefined>;
        resolve(auth['scope.camera'] !== false && auth['scope.record'] !== false);
      },
      fail: () => resolve(false),
    });
  });
}
