/** The locales of the mini-program's copy, and which one a WeChat language setting means. */

import type { Locale } from '../shared/events';

export { LOCALES, type Locale } from '../shared/events';

/** The locale for WeChat's language setting (`zh_CN`, `zh_TW`, `en`, …): Chinese for any Chinese, else English. */
export function localeOf(wechatLanguage: string | undefined): Locale {
  return /^zh/i.test(wechatLanguage ?? 'zh') ? 'zh' : 'en';
}
