/**
 * The outbox: every end of an attempt whose token request left carries its webhook delivery in the same write
 * (`Delivery` on the record), so a function stopped right after the transition never loses it. The function that
 * made the transition tries it once, bounded by FIRST_TRY_MS; the deliverResults timer sends what is due, with
 * exponential back-off, and gives up 24 hours after it was recorded. A sender claims a delivery (compare-and-set)
 * before it sends, so two instances never send one at the same time.
 */
import { createHash } from 'node:crypto';
import type { Services } from '../runtime';
import { sendWebhook, WEBHOOK_TIMEOUT_MS, type SendResult } from '../webhook';
import { isNoticeRecord, resultNotice } from './notice';
import type { Delivery, VerificationRecord } from './states';

/** The transitioning function's own try: it never delays the person longer than this. */
const FIRST_TRY_MS = 2000;
/** How long a claim holds if its sender never comes back (a stopped function). */
const DELIVERY_CLAIM_MS = WEBHOOK_TIMEOUT_MS + 10_000;
/** The first retry's delay; each next one doubles, up to MAX_RETRY_DELAY_MS. */
const FIRST_RETRY_DELAY_MS = 60_000;
const MAX_RETRY_DELAY_MS = 4 * 60 * 60 * 1000;
/** A delivery not received this long after it was recorded is dead. */
const DELIVERY_LIFETIME_MS = 24 * 60 * 60 * 1000;

/** A delivery's id: stable for one attempt of one record, whoever sends it and however often. */
export function deliveryId(record: Pick<VerificationRecord, '_id' | 'attempt'>): string {
  return createHash('sha256').update(`${record._id}:${record.attempt}`).digest('hex').slice(0, 32);
}

/** Whether a webhook is configured (an invalid URL counts: its deliveries wait until it is fixed). */
function webhookConfigured(services: Services): boolean {
  try {
    return services.config.FACEID_WEBHOOK_URL !== undefined;
  } catch {
    return true;
  }
}

/** The delivery an attempt's end records, due at once; none when no webhook is configured. */
export function newDelivery(
  record: Pick<VerificationRecord, '_id' | 'attempt'>,
  services: Services,
  at: number,
): Delivery | undefined {
  if (!webhookConfigured(services)) return undefined;
  return { id: deliveryId(record), state: 'pending', tries: 0, due: at, since: at, claimedUntil: 0 };
}

/** When a delivery that failed its `tries`-th send is due again. */
function retryDelayMs(tries: number): number {
  return Math.min(FIRST_RETRY_DELAY_MS * 2 ** Math.max(0, tries - 1), MAX_RETRY_DELAY_MS);
}

/** What one send of a delivery ended in. */
export type SendOutcome = 'delivered' | 'retry' | 'dead' | 'skipped';

/**
 * Sends a record's pending, due delivery once if this sender wins its claim, waiting at most `budgetMs`, and
 * records what happened: delivered, due again after the back-off, or dead past DELIVERY_LIFETIME_MS.
 */
export async function sendDelivery(
  record: VerificationRecord,
  services: Services,
  budgetMs: number = WEBHOOK_TIMEOUT_MS,
): Promise<SendOutcome> {
  const { store, now, log } = services;
  const delivery = record.delivery;
  if (!delivery || delivery.state !== 'pending' || !isNoticeRecord(record)) return 'skipped';
  const at = now();
  const claimedUntil = at + DELIVERY_CLAIM_MS;
  if (!(await store.claimDelivery(record, at, claimedUntil))) return 'skipped';
  let sent: SendResult;
  try {
    const url = services.config.FACEID_WEBHOOK_URL;
    if (!url) return 'skipped';
    const secret = services.config.FACEID_WEBHOOK_SECRET;
    sent = await sendWebhook(url, secret, delivery.id, resultNotice(record), at, budgetMs);
  } catch (err) {
    sent = { delivered: false, result: (err as { code?: string }).code ?? 'INTERNAL' };
  }
  const tries = delivery.tries + 1;
  const ended = now();
  const due = ended + retryDelayMs(tries);
  const outcome: SendOutcome = sent.delivered
    ? 'delivered'
    : due > delivery.since + DELIVERY_LIFETIME_MS
      ? 'dead'
      : 'retry';
  await store.endSend(record, claimedUntil, {
    ...delivery,
    state: outcome === 'retry' ? 'pending' : outcome,
    tries,
    due: outcome === 'retry' ? due : delivery.due,
    claimedUntil: 0,
    lastResult: sent.result,
    deliveredAt: sent.delivered ? ended : undefined,
  });
  log[outcome === 'delivered' ? 'info' : 'warn']({
    fn: services.fn,
    event: `delivery-${outcome}`,
    bizNo: record.bizNo,
    count: tries,
    code: sent.result,
  });
  return outcome;
}

/**
 * The transitioning function's own first try of the delivery its transition recorded, bounded by FIRST_TRY_MS;
 * whatever happens, the timer sends it later if this try did not.
 */
export async function tryFirstDelivery(record: VerificationRecord, services: Services): Promise<void> {
  if (!record.delivery) return;
  let timer: NodeJS.Timeout | undefined;
  const bound = new Promise<void>((resolve) => (timer = setTimeout(resolve, FIRST_TRY_MS)));
  const send = sendDelivery(record, services, FIRST_TRY_MS - 250).then(
    () => undefined,
    (err: unknown) => {
      services.log.warn({ fn: services.fn, event: 'delivery-failed', errorName: (err as Error)?.name });
    },
  );
  await Promise.race([send, bound]);
  clearTimeout(timer);
}
