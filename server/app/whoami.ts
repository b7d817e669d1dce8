import { FaceIdError } from '../../miniprogram/domain/errors';
import { uploadDirFor, type WhoAmIOk } from '../../miniprogram/domain/events';
import type { Services } from '../runtime';

/** The caller's openid and the folder their reference photos are uploaded to. */
export async function whoami(_event: unknown, { caller }: Services): Promise<WhoAmIOk> {
  if (caller.openid === null) {
    throw new FaceIdError('FORBIDDEN', {
      detail: 'no WeChat user in this call',
      messageZh: '请在小程序中打开',
    });
  }
  return { ok: true, openid: caller.openid, uploadDir: uploadDirFor(caller.openid) };
}
