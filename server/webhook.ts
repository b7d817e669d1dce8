/**
 * The webhook's wire format (docs/webhook.md): a JSON POST of `{ id, ...ResultNotice }`, signed with
 * HMAC-SHA256 over "<t>.<raw body>". A 2xx answer within WEBHOOK_TIMEOUT_MS is delivered; anything else is not.
 */
import { createHmac } from 'node:crypto';
import type { ResultNotice } from './lifecycle/notice';

/** How long the receiver has to answer 2xx. */
export const WEBHOOK_TIMEOUT_MS = 5000;

/** The `X-FaceID-Signature` header's value for a body sent at `t` (unix seconds). */
function webhookSignature(secret: string, t: number, body: string): string {
  const v1 = createHmac('sha256', secret).update(`${t}.${body}`).digest('hex');
  return `t=${t},v1=${v1}`;
}

/** What one send met: delivered (2xx), or what went wrong, in a word the outbox keeps. */
export interface SendResult {
  delivered: boolean;
  result: string;
}

/** Posts one delivery to the receiver, waiting at most `timeoutMs`; never throws. */
export async function sendWebhook(
  url: URL,
  secret: string,
  deliveryId: string,
  notice: ResultNotice,
  now: number,
  timeoutMs: number,
): Promise<SendResult> {
  const body = JSON.stringify({ id: deliveryId, ...notice });
  const t = Math.floor(now / 1000);
  try {
    const res = await fetch(url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-faceid-delivery': deliveryId,
        'x-faceid-signature': webhookSignature(secret, t, body),
      },
      body,
      redirect: 'manual',
      signal: AbortSignal.timeout(Math.max(1, Math.min(timeoutMs, WEBHOOK_TIMEOUT_MS))),
    });
    await res.body?.cancel().catch(() => undefined);
    return { delivered: res.status >= 200 && res.status < 300, result: String(res.status) };
  } catch (err) {
    const name = (err as Error)?.name;
    const code = (err as { cause?: { code?: string } })?.cause?.code;
    if (name === 'TimeoutError' || name === 'AbortError') return { delivered: false, result: 'timeout' };
    return { delivered: false, result: code === 'ECONNREFUSED' ? 'refused' : 'unreachable' };
  }
}
