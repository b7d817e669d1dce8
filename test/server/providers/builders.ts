/** The provider tests' shared set-up: requests as getBizToken builds them, and each product's settings. */
import type { MegviiConfig } from '../../../server/providers/megvii-common';
import type { H5Config } from '../../../server/providers/megvii-h5';
import type { FaceIdProvider, TokenRequest } from '../../../server/providers/types';
import { JPEG } from '../../support/megvii';

/** A fixed clock for tests that read a token's expiry. */
export const NOW = 1_700_000_000_000;

/** Issues as getBizToken does: the provider's one validation, then the token call (the current provider by default). */
export function issueThrough(current: () => FaceIdProvider) {
  return async (req: TokenRequest, by: FaceIdProvider = current()) => by.issueToken(by.validate(req));
}

/** A token request with no person's data (OCR), with what a test overrides. */
export const tokenRequest = (over: Partial<TokenRequest> = {}): TokenRequest => ({
  mode: 'ocr',
  bizNo: 'biz-1',
  options: {},
  ...over,
});

/** A request with a typed name and ID number. */
export const idcardRequest = (over: Partial<TokenRequest> = {}): TokenRequest =>
  tokenRequest({ mode: 'idcard', idcard: { name: '张三', number: '11010519491231002X' }, ...over });

/** A request against one reference photo, for the person's uuid. */
export const referenceRequest = (over: Partial<TokenRequest> = {}): TokenRequest =>
  tokenRequest({ mode: 'reference', uuid: 'user-1', images: { ref1: JPEG }, ...over });

/** A Megvii product's settings against a host (the sandbox's, usually). */
export const megviiConfigFor = (baseUrl: string, over: Partial<MegviiConfig> = {}): MegviiConfig => ({
  apiKey: 'api-key',
  apiSecret: 'api-secret',
  baseUrl,
  timeoutMs: 3000,
  now: Date.now,
  ...over,
});

/** An H5 product's settings: the Megvii ones, return and notify URLs, the 1e-4 band, no images. */
export const h5ConfigFor = (baseUrl: string, over: Partial<H5Config> = {}): H5Config => ({
  ...megviiConfigFor(baseUrl),
  returnUrl: 'https://example.invalid/return',
  notifyUrl: 'https://example.invalid:443/notify',
  threshold: '1e-4',
  returnImage: 0,
  ...over,
});
