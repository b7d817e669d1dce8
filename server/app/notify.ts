import { FaceIdError } from '../errors';
import { createProvider } from '../providers';
import type { Services } from '../runtime';
import { formFields, httpHandler, textAnswer, type HttpAnswer, type HttpEvent } from './http';
import { refreshResult } from './get-result';
import { NOTIFY_READER } from '../lifecycle';

/**
 * FaceID's notify callback. The body only says which verification ended: the outcome is always read with
 * get_result (a reader that must read), so a forged notify cannot change a record. An unknown token costs one
 * database read; a finished record makes no upstream call; notifies of one token make at most one get_result
 * call per NOTIFY_READ_INTERVAL_MS across instances.
 */
async function handleNotify(http: HttpEvent, services: Services): Promise<HttpAnswer> {
  if (http.httpMethod !== 'POST') return textAnswer(405, 'POST only');
  const fields = formFields(http);
  const provider = createProvider({ config: services.config, now: services.now, purpose: 'result' });
  const ref = provider.readNotify(fields);
  const record = ref.bizToken
    ? await services.store.getByBizToken(ref.bizToken)
    : ref.resultRef
      ? await services.store.getByResultRef(ref.resultRef)
      : undefined;
  if (!record) throw new FaceIdError('NOT_FOUND', { param: 'biz_token' });
  const alreadyFinished = record.status !== 'issued';
  const answer = await refreshResult(record, services, NOTIFY_READER);
  services.log.info({
    fn: 'faceidNotify',
    event: alreadyFinished ? 'repeat' : 'updated',
    bizNo: record.bizNo,
    outcome: answer.outcome,
  });
  return textAnswer(200, 'success');
}

/** The notify handler behind CloudBase HTTP access. */
export const faceidNotify = httpHandler(handleNotify);
