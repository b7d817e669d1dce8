import { FaceIdError, toClientError } from '../errors';
import { declaredTimeoutMs } from '../config';
import { createProvider } from '../providers';
import type { Services } from '../runtime';
import { deadTokens, sendDelivery, staleRequests, type SendOutcome } from '../lifecycle';
import { refreshResult } from './get-result';
import { settleOne } from './records';

/** A live token not read for this long is read again by the timer (a product without a daily budget). */
const REPULL_INTERVAL_MS = 5 * 60 * 1000;
/** The same for a product with a daily budget of get_result calls (Megvii Lite's 3). */
const REPULL_BUDGETED_INTERVAL_MS = 30 * 60 * 1000;
/** A live token is left to the person and the notify for this long before the timer reads it. */
const REPULL_AFTER_MS = 5 * 60 * 1000;
const BATCH = 50;
const PARALLEL_SENDS = 8;

/** What one run of the timer did. */
interface DeliverReport {
  /** Records moved to an end state (by a re-read, a dead token, a stale request). */
  settled: number;
  /** Live tokens read again because their flow may have ended without a notify. */
  repulled: number;
  delivered: number;
  retried: number;
  dead: number;
}

/**
 * Brings records whose flow may have ended without a notify to their end state: dead tokens and stale requests
 * (as the purge does), and live tokens nobody read lately, within the product's rules (a budgeted product's live
 * token less often, by the page reader's policy, which leaves the day's last call to the notify).
 */
async function repull(services: Services, report: DeliverReport, deadline: number): Promise<void> {
  const { store, now } = services;
  const at = now();
  for (const record of await store.listUnsettled(deadTokens(at), staleRequests(at), BATCH)) {
    if (now() >= deadline) return;
    const after = await settleOne(record, services);
    if (after.status !== record.status) report.settled++;
  }
  const perDay = createProvider({ config: services.config, now, purpose: 'result' }).resultCallsPerDay;
  const readBefore = at - (perDay === undefined ? REPULL_INTERVAL_MS : REPULL_BUDGETED_INTERVAL_MS);
  for (const record of await store.listUnread(readBefore, at - REPULL_AFTER_MS, BATCH)) {
    if (now() >= deadline) return;
    report.repulled++;
    try {
      const answer = await refreshResult(record, services);
      if (answer.finished) report.settled++;
    } catch (err) {
      services.log.warn({
        fn: services.fn,
        event: 'repull-failed',
        bizNo: record.bizNo,
        code: toClientError(err).code,
      });
    }
  }
}

/** Sends every delivery due now, a few at a time, each once whatever other instance runs beside this one. */
async function sendDue(services: Services, report: DeliverReport, deadline: number): Promise<void> {
  const due = await services.store.listDueDeliveries(services.now(), BATCH);
  const count: Record<SendOutcome, () => void> = {
    delivered: () => report.delivered++,
    retry: () => report.retried++,
    dead: () => report.dead++,
    skipped: () => undefined,
  };
  let next = 0;
  const worker = async () => {
    while (next < due.length && services.now() < deadline) count[await sendDelivery(due[next++], services)]();
  };
  await Promise.all(Array.from({ length: PARALLEL_SENDS }, worker));
}

/**
 * The timer of every minute: re-reads what FaceID may never announce, then sends the webhook deliveries that are
 * due (with back-off, dead after 24 hours). Only the operator (the timer, the console) may run it.
 */
export async function deliverResults(
  _event: unknown,
  services: Services,
): Promise<{ ok: true } & DeliverReport> {
  if (services.caller.kind !== 'operator')
    throw new FaceIdError('FORBIDDEN', { detail: 'deliverResults runs from its timer or the console' });
  const deadline = services.now() + declaredTimeoutMs(services.fn) - 10_000;
  const report: DeliverReport = { settled: 0, repulled: 0, delivered: 0, retried: 0, dead: 0 };
  try {
    await repull(services, report, deadline);
  } catch (err) {
    // Deliveries already recorded still go out when FaceID or its configuration fails.
    services.log.warn({ fn: services.fn, event: 'repull-failed', code: toClientError(err).code });
  }
  if (services.config.FACEID_WEBHOOK_URL) await sendDue(services, report, deadline);
  services.log.info({ fn: services.fn, event: 'delivered', count: report.delivered });
  return { ok: true, ...report };
}
