import type { FormValue } from './http';
import { refuseImage } from './megvii-common';
import { createH5Provider, type H5Config } from './megvii-h5';
import { optionFields, validated } from './options';
import { checkMaxBytes, requireValue } from './rules';
import type { FaceIdProvider, TokenRequest, ValidTokenRequest } from './types';

/** The host of docs/providers.md#doc-megvii-overseas (FaceID overseas premium, H5). */
export const OVERSEAS_DEFAULT_BASE_URL = 'https://api-idn.megvii.com';

/** The rules of docs/providers.md#doc-megvii-overseas beyond the option table, offline (values its table lost are checked for form only, see docs/providers.md). */
function overseasRules(req: TokenRequest): void {
  refuseImage(req, 'megvii-overseas');
  checkMaxBytes('biz_no', requireValue('biz_no', req.bizNo), 128);
  checkMaxBytes('uuid', requireValue('uuid', req.uuid), 512);
  if (req.mode === 'reference') requireValue('image_ref1', req.images?.ref1);
}

/** Checks a request against the product's option table and rules, offline (no call). */
const validateOverseas = (req: TokenRequest): ValidTokenRequest =>
  validated('megvii-overseas', req, overseasRules);

function overseasFields(req: ValidTokenRequest): Record<string, FormValue> {
  const comparing = req.mode === 'reference';
  return {
    biz_no: req.bizNo,
    ...optionFields('megvii-overseas', req),
    comparison_type: comparing ? 0 : -1,
    uuid: req.uuid,
    image_ref1: comparing ? req.images?.ref1 : undefined,
    image_ref2: comparing ? req.images?.ref2 : undefined,
  };
}

/** Megvii FaceID overseas H5 (docs/providers.md#doc-megvii-overseas): Lite's protocol on api-idn, with liveness-only (comparison_type -1). */
export function createMegviiOverseasProvider(config: H5Config): FaceIdProvider {
  return createH5Provider(config, {
    name: 'megvii-overseas',
    validate: validateOverseas,
    fields: overseasFields,
  });
}
