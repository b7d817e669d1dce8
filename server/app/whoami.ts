import { FaceIdError } from '../errors';
import { uploadDirFor, type WhoAmIOk } from '../../miniprogram/shared/events';
import { PRODUCTS } from '../../miniprogram/shared/token-options';
import type { Services } from '../runtime';

/**
 * The caller's openid and upload folder, and what the consent screen must state about this deployment: how long
 * records are kept (the purge's own FACEID_RETENTION_DAYS), the FaceID product and the modes it offers, whether
 * images are kept, and who the operator is (the privacy policy's 我们) with its contact.
 */
export async function whoami(_event: unknown, { caller, config }: Services): Promise<WhoAmIOk> {
  if (caller.kind !== 'user') {
    throw new FaceIdError('FORBIDDEN', {
      detail: 'no WeChat user in this call',
      reason: 'OUTSIDE_MINIPROGRAM',
    });
  }
  return {
    ok: true,
    openid: caller.openid,
    uploadDir: uploadDirFor(caller.openid),
    retentionDays: config.FACEID_RETENTION_DAYS,
    provider: config.FACEID_PROVIDER,
    modes: PRODUCTS[config.FACEID_PROVIDER].modes,
    processor: PRODUCTS[config.FACEID_PROVIDER].processor,
    keepsImages: config.FACEID_KEEP_IMAGES,
    operator: { name: config.FACEID_OPERATOR_NAME, contact: config.FACEID_OPERATOR_CONTACT },
  };
}
