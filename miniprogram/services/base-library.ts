/** The WeChat base library the person's WeChat runs, against what the package needs. */

/**
 * The oldest base library the package runs on: WeChat's privacy API (wx.getPrivacySetting,
 * wx.onNeedPrivacyAuthorization, wx.openPrivacyContract, the agreePrivacyAuthorization button) since 2.32.3.
 */
const MIN_BASE_LIBRARY = '2.32.3';

/** Compares dotted versions numerically: negative, 0 or positive as `a` is older, equal or newer. */
export function compareVersions(a: string, b: string): number {
  const x = a.split('.').map(Number);
  const y = b.split('.').map(Number);
  for (let i = 0; i < Math.max(x.length, y.length); i++) {
    const d = (x[i] || 0) - (y[i] || 0);
    if (d !== 0) return d;
  }
  return 0;
}

/** The base library's version (wx.getAppBaseInfo().SDKVersion); '' when it cannot be read. */
function baseLibraryVersion(): string {
  try {
    return wx.getAppBaseInfo().SDKVersion ?? '';
  } catch {
    return '';
  }
}

/** Whether WeChat must be updated for a step that needs base library `min` (an unreadable version is let through). */
export function needsNewerWeChat(min: string = MIN_BASE_LIBRARY): boolean {
  const version = baseLibraryVersion();
  return version !== '' && compareVersions(version, min) < 0;
}
