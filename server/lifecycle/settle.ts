/** Ending what was left live (a dead token, a stopped token request), and which records may be deleted. */
import { FaceIdError, toClientError } from '../errors';
import type { GetResultOk, VerificationStatus } from '../../miniprogram/shared/events';
import type { Services } from '../runtime';
import { tryFirstDelivery, newDelivery } from './outbox';
import { isStaleRequest, isTokenDead, type TokenRecord, type VerificationRecord } from './states';

/** Reads an `issued` record's result (a page reader's getResult). */
type ReadRecord = (record: TokenRecord) => Promise<GetResultOk>;

/**
 * Brings a record left in a live state up to date: an `issued` record whose token died is read once more
 * (finished, cancelled or expired), a `requesting` record older than getBizToken's time-out becomes
 * `unconfirmed` (its function was stopped after the request may have left: the unit stays spent). Resolves the
 * record as it now stands.
 */
export async function settle(
  record: VerificationRecord,
  services: Services,
  read: ReadRecord,
): Promise<VerificationRecord> {
  const { store, now } = services;
  const at = now();
  if (record.status === 'issued' && isTokenDead(record, at)) {
    try {
      await read(record);
    } catch (err) {
      services.log.warn({
        fn: services.fn,
        event: 'settle-failed',
        bizNo: record.bizNo,
        code: toClientError(err).code,
      });
      return record;
    }
  } else if (record.status === 'requesting' && isStaleRequest(record, at)) {
    if (await store.unconfirm(record, 'UPSTREAM_TIMEOUT', at, newDelivery(record, services, at))) {
      const ended = await store.getById(record._id);
      if (ended) await tryFirstDelivery(ended, services);
      return ended ?? record;
    }
  } else {
    return record;
  }
  return (await store.getById(record._id)) ?? record;
}

/** The state a person is shown: an `issued` record whose token died is over (expired), never in progress. */
export function shownStatus(record: VerificationRecord, at: number): VerificationStatus {
  return record.status === 'issued' && isTokenDead(record, at) ? 'expired' : record.status;
}

function beingBought(): FaceIdError {
  return new FaceIdError('VERIFICATION_IN_PROGRESS', { param: 'bizNo' });
}

/**
 * Deletes a record as it was read, never while its token is being bought (`requesting`): resolves the version
 * deleted (its files are the caller's to delete), or undefined when it was gone.
 */
export async function deleteRecord(
  record: VerificationRecord,
  services: Services,
): Promise<VerificationRecord | undefined> {
  let current: VerificationRecord | undefined = record;
  for (let round = 0; current && round < 3; round++) {
    if (current.status === 'requesting') throw beingBought();
    if (await services.store.deleteAsRead(current)) return current;
    current = await services.store.getById(record._id);
  }
  if (current) throw beingBought();
  return undefined;
}
