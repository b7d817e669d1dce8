/** Where a person gets help and reads the full privacy policy: set per deployment in SUPPORT_CONFIG. */

export const SUPPORT_CONFIG = {
  /** A support phone number shown under WeChat's customer-service button; '' shows none. */
  phone: '',
  /**
   * The full privacy policy: a page of this mini-program, or an https address (opened in web-view, so its host
   * must be one of the mini-program's business domains).
   */
  privacyPolicy: '/pages/privacy/privacy',
};

/** Errors whose message tells the person to contact support: the page shows WeChat's customer-service button. */
const CONTACT_CODES: ReadonlySet<string> = new Set([
  'AUTHENTICATION_ERROR',
  'AUTHORIZATION_ERROR',
  'API_NOT_FOUND',
  'CONFIG_MISSING',
  'CONFIG_INVALID',
]);

/** Whether an error's message sends the person to support. */
export function needsSupport(code: string): boolean {
  return CONTACT_CODES.has(code);
}

/** The support reference a person reads to an operator: the last 8 characters of the bizNo. */
export function supportReference(bizNo: string | undefined): string {
  return bizNo ? bizNo.slice(-8) : '';
}

/** Opens the phone's dialler with the support number. */
export function callSupport(phone: string = SUPPORT_CONFIG.phone): void {
  if (phone) wx.makePhoneCall({ phoneNumber: phone, fail: () => undefined });
}

/** Opens the full privacy policy: the configured page, or the configured address in web-view. */
export function openPrivacyPolicy(target: string = SUPPORT_CONFIG.privacyPolicy): void {
  const url = /^https:\/\//.test(target) ? '/pages/webview/webview?doc=privacy' : target;
  void wx.navigateTo({ url });
}
