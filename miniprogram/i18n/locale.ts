/** The two locales of the mini-program's copy, and how a FaceID product is told the person's language. */

import type { TokenOptions } from '../shared/events';

export type Locale = 'zh' | 'en';

export const LOCALES: readonly Locale[] = ['zh', 'en'];

/** The locale for WeChat's language setting (`zh_CN`, `zh_TW`, `en`, …): Chinese for any Chinese, else English. */
export function localeOf(wechatLanguage: string | undefined): Locale {
  return /^zh/i.test(wechatLanguage ?? 'zh') ? 'zh' : 'en';
}

/**
 * The token option that sets the language of a product's own pages: the overseas H5 product (docs/providers.md#doc-megvii-overseas) takes a
 * language word, the raw product (docs/providers.md#doc-megvii-raw) 0 for English and 1 for Chinese; the others take no such option.
 */
export function languageOptions(provider: string | undefined, locale: Locale): TokenOptions {
  if (provider === 'megvii-overseas') return { language: locale };
  if (provider === 'megvii-raw') return { language: locale === 'zh' ? 1 : 0 };
  return {};
}
