import { FaceIdError } from '../errors';
import type { Config } from '../config';
import { callUpstream, type FormValue, type UpstreamResponse } from './http';
import type { FaceIdProvider, ProviderName, TokenRequest } from './types';

/** What every Megvii product needs: the api_key pair, the host and the clock. */
export interface MegviiConfig {
  apiKey: string;
  apiSecret: string;
  baseUrl: string;
  timeoutMs: number;
  now: () => number;
}

/** FACEID_API_KEY, FACEID_API_SECRET (CONFIG_MISSING when absent), FACEID_BASE_URL or the product's host. */
export function megviiConfig(config: Config, now: () => number, defaultBaseUrl: string): MegviiConfig {
  return {
    apiKey: config.FACEID_API_KEY,
    apiSecret: config.FACEID_API_SECRET,
    baseUrl: config.FACEID_BASE_URL ?? defaultBaseUrl,
    timeoutMs: config.FACEID_TIMEOUT_MS,
    now,
  };
}

/** POSTs a Megvii form as multipart/form-data (the seeds' "form-data") and returns the JSON answer. */
export function postForm(
  config: MegviiConfig,
  path: string,
  form: Record<string, FormValue>,
): Promise<UpstreamResponse> {
  return callUpstream({
    method: 'POST',
    url: `${config.baseUrl.replace(/\/+$/, '')}${path}`,
    form,
    multipart: true,
    timeoutMs: config.timeoutMs,
  });
}

/** A non-empty string member of an answer, or BAD_UPSTREAM_RESPONSE naming it. */
export function answerString(body: Record<string, unknown>, key: string, api: string): string {
  const value = body[key];
  if (typeof value !== 'string' || value === '') {
    throw new FaceIdError('BAD_UPSTREAM_RESPONSE', { detail: `${api} answered without ${key}` });
  }
  return value;
}

/** Throws BAD_ARGUMENTS:<param> when a value is given where the seed does not take it. */
export function onlyWith(param: string, value: unknown, allowed: boolean, condition: string): void {
  if (value !== undefined && !allowed) {
    throw new FaceIdError('BAD_ARGUMENTS', { param, detail: `${param} is only taken with ${condition}` });
  }
}

/** Refuses the App-only face photo `image` for products that take none. */
export function refuseImage(req: TokenRequest, product: ProviderName): void {
  if (req.images?.image) {
    throw new FaceIdError('INVALID_EVENT', { param: 'image', detail: `${product} takes no face photo` });
  }
}

/**
 * fetchResult and readNotify of a product whose results the client SDK receives: how the server reads them, and
 * any notify, are not in the seeds, so both throw INVALID_EVENT without a call.
 */
export function sdkOnly(
  product: ProviderName,
  where: string,
): Pick<FaceIdProvider, 'fetchResult' | 'readNotify'> {
  return {
    fetchResult: async () => {
      throw new FaceIdError('INVALID_EVENT', {
        param: 'bizToken',
        detail: `${product}: results come from ${where}, which the seeds do not specify`,
        reason: 'RESULT_FROM_SDK',
      });
    },
    readNotify: () => {
      throw new FaceIdError('INVALID_EVENT', { detail: `${product} sends no notify callback in the seeds` });
    },
  };
}
