/** Starting a verification: one token for the input, then the page that runs it. Shared by entry and result. */

import type { ClientError } from '../shared/errors';
import type { GetBizTokenEvent } from '../shared/events';
import { currentLocale } from '../i18n/index';
import { getBizToken } from './cloud';
import { deploymentFacts } from './deployment';
import { facialSupport } from './facial';
import { startIssuedFlow } from './flow';

type Started =
  | { ok: true; page: string }
  | { ok: false; error: ClientError }
  | { ok: false; sdkOnly: true }
  /** WeChat's own face verification cannot run on this WeChat (`update`) or phone (`device`): nothing was bought. */
  | { ok: false; facial: 'update' | 'device' };

/** The event with the person's locale: the server turns it into the product's language option, if it has one. */
export function withLocale(input: GetBizTokenEvent): GetBizTokenEvent {
  return { ...input, locale: currentLocale() };
}

/**
 * Asks for a token and starts the flow it opens; says why when it cannot. Where WeChat processes the check, the
 * WeChat and the phone are asked first, so no verify_id is bought for a check that cannot run.
 */
export async function startVerification(input: GetBizTokenEvent): Promise<Started> {
  if ((await deploymentFacts())?.processor === 'wechat') {
    const support = await facialSupport();
    if (support !== 'ok') return { ok: false, facial: support };
  }
  const res = await getBizToken(withLocale(input));
  if (!res.ok) return { ok: false, error: res.error };
  const started = startIssuedFlow(input, res);
  if (!started.ok) return { ok: false, sdkOnly: true };
  return { ok: true, page: started.page };
}
