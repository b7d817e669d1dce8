import type { Locale, TokenOptions } from '../../miniprogram/shared/events';
import { PRODUCTS, type ProductName, type ProductSpec } from '../../miniprogram/shared/token-options';

/**
 * The caller's options with the product's language options filled in for the person's locale (PRODUCTS'
 * `fromLocale`); an option the caller gave is kept as given.
 */
export function withLocaleOptions(
  product: ProductName,
  options: TokenOptions,
  locale: Locale | undefined,
): TokenOptions {
  if (locale === undefined) return options;
  const filled: Record<string, string | number> = {};
  for (const [key, option] of Object.entries((PRODUCTS[product] as ProductSpec).options))
    if (option.fromLocale) filled[key] = option.fromLocale[locale];
  return { ...(filled as TokenOptions), ...options };
}
