import { FaceIdError } from '../../miniprogram/domain/errors';
import { uploadDirFor, type WhoAmIOk } from '../../miniprogram/domain/events';
import { providerNameFromEnv } from '../providers';
import type { Services } from '../runtime';
import { retentionDays } from './records';

/**
 * The caller's openid and upload folder, and what the consent screen must state about this deployment: how long
 * records are kept (the purge's own FACEID_RETENTION_DAYS), the FaceID product, and whether images are kept.
 */
export async function whoami(_event: unknown, { caller, env }: Services): Promise<WhoAmIOk> {
  if (caller.openid === null) {
    throw new FaceIdError('FORBIDDEN', {
      detail: 'no WeChat user in this call',
      messageZh: '请在小程序中打开',
    });
  }
  return {
    ok: true,
    openid: caller.openid,
    uploadDir: uploadDirFor(caller.openid),
    retentionDays: retentionDays(env),
    provider: providerNameFromEnv(env),
    keepsImages: env.FACEID_KEEP_IMAGES?.trim() === '1',
  };
}
