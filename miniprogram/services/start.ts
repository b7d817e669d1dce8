/** Starting a verification: one token for the input, then the page that runs it. Shared by entry and result. */

import type { ClientError } from '../shared/errors';
import type { GetBizTokenEvent } from '../shared/events';
import { languageOptions } from '../i18n/locale';
import { currentLocale } from '../i18n/index';
import { getBizToken } from './cloud';
import { knownDeploymentFacts } from './deployment';
import { startIssuedFlow } from './flow';

type Started = { ok: true; page: string } | { ok: false; error: ClientError } | { ok: false; sdkOnly: true };

/** The event with the product's language option for the person's locale (only products that take one). */
export function withLanguage(input: GetBizTokenEvent): GetBizTokenEvent {
  const language = languageOptions(knownDeploymentFacts()?.provider, currentLocale());
  if (Object.keys(language).length === 0) return input;
  return { ...input, options: { ...input.options, ...language } };
}

/** Asks for a token and starts the flow it opens; says why when it cannot. */
export async function startVerification(input: GetBizTokenEvent): Promise<Started> {
  const res = await getBizToken(withLanguage(input));
  if (!res.ok) return { ok: false, error: res.error };
  const started = startIssuedFlow(input, res);
  if (!started.ok) return { ok: false, sdkOnly: true };
  return { ok: true, page: started.page };
}
