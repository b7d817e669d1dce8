import { FaceIdError } from '../errors';
import type { LeaveVerificationOk } from '../../miniprogram/shared/events';
import type { Services } from '../runtime';
import { leave, shownStatus } from '../lifecycle';
import { eventObject, requiredString } from './input';
import { readableRecord } from './get-result';

/**
 * The person left the verify step of their own verification (`bizToken`) without an answer: its record says so
 * (未完成, resumable while the token lives). Another caller's token is NOT_FOUND; no upstream call is made.
 */
export async function leaveVerification(event: unknown, services: Services): Promise<LeaveVerificationOk> {
  const bizToken = requiredString(eventObject(event), 'bizToken', 256);
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\s]/.test(bizToken)) throw new FaceIdError('INVALID_EVENT', { param: 'bizToken' });
  const record = await readableRecord(services.store, services.caller, bizToken);
  const after = await leave(record, services);
  services.log.info({ fn: services.fn, event: 'left', bizNo: after.bizNo });
  const leftAt = after.status === 'issued' ? after.leftAt : undefined;
  return { ok: true, bizNo: after.bizNo, status: shownStatus(after, services.now()), leftAt };
}
