/** Starting a verification: one token for the input, then the page that runs it. Shared by entry and result. */

import type { ClientError } from '../shared/errors';
import type { GetBizTokenEvent } from '../shared/events';
import { currentLocale } from '../i18n/index';
import { getBizToken } from './cloud';
import { startIssuedFlow } from './flow';

type Started = { ok: true; page: string } | { ok: false; error: ClientError } | { ok: false; sdkOnly: true };

/** The event with the person's locale: the server turns it into the product's language option, if it has one. */
export function withLocale(input: GetBizTokenEvent): GetBizTokenEvent {
  return { ...input, locale: currentLocale() };
}

/** Asks for a token and starts the flow it opens; says why when it cannot. */
export async function startVerification(input: GetBizTokenEvent): Promise<Started> {
  const res = await getBizToken(withLocale(input));
  if (!res.ok) return { ok: false, error: res.error };
  const started = startIssuedFlow(input, res);
  if (!started.ok) return { ok: false, sdkOnly: true };
  return { ok: true, page: started.page };
}
