/** The person leaving the verify step: an `issued` record keeps its live token and is marked left (未完成). */
import type { Services } from '../runtime';
import { isTokenDead, type TokenRecord, type VerificationRecord } from './states';

/**
 * Marks an `issued` record whose token lives as left at the server's time: a compare-and-set on its id, state,
 * attempt and token, so a record that ended or moved on meanwhile is not touched. An ended record, or one whose
 * token died (settled when listed or by the daily timer), stays as it is. Resolves the record as it now stands.
 */
export async function leave(record: TokenRecord, services: Services): Promise<VerificationRecord> {
  const at = services.now();
  if (record.status !== 'issued' || isTokenDead(record, at)) return record;
  if (!(await services.store.leave(record, at))) return (await services.store.getById(record._id)) ?? record;
  return { ...record, leftAt: at };
}
