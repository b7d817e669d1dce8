import { FaceIdError } from '../errors';
import { LITE_HOSTS, type Config } from '../config';
import type { FormValue } from './http';
import { onlyWith, refuseImage } from './megvii-common';
import { createH5Provider, type H5Config } from './megvii-h5';
import { optionFields, optionValue, validated } from './options';
import { checkMaxBytes, requireValue } from './rules';
import type { FaceIdProvider, TokenRequest, ValidTokenRequest } from './types';

/** The Lite host FACEID_REGION picks. */
export function liteHost(config: Config): string {
  return LITE_HOSTS[config.FACEID_REGION];
}

/** idcard_mode: given, or 0 when the person typed name and number, 1 (photograph the card) for OCR. */
function idcardMode(req: TokenRequest): number | undefined {
  if (req.mode === 'reference') return undefined;
  return req.options.idcardMode ?? (req.mode === 'idcard' ? 0 : 1);
}

/** The rules of docs/providers.md#doc-megvii-lite beyond the option table, offline. */
function liteRules(req: TokenRequest): void {
  refuseImage(req, 'megvii-lite');
  checkMaxBytes('biz_no', requireValue('biz_no', req.bizNo), 128);
  const procedure = optionValue('megvii-lite', req, 'procedureType');
  const prefs = req.options.livenessPreferences;
  if (prefs === 'selfie_no_metadata_check')
    onlyWith('liveness_preferences', prefs, procedure === 'selfie', 'procedure_type selfie');
  if (prefs === 'video_strict')
    onlyWith('liveness_preferences', prefs, procedure === 'video', 'procedure_type video');
  if (req.mode === 'reference') {
    checkMaxBytes('uuid', requireValue('uuid', req.uuid), 512);
    requireValue('image_ref1', req.images?.ref1);
  } else if (idcardMode(req) === 0) {
    requireValue('idcard_name', req.idcard?.name);
    requireValue('idcard_number', req.idcard?.number);
  } else if (req.mode === 'idcard') {
    throw new FaceIdError('BAD_ARGUMENTS', {
      param: 'idcard_mode',
      detail: 'mode idcard sends the name and number, which only idcard_mode 0 uses',
    });
  }
}

/** Checks a request against the product's option table and rules, offline (no call). */
const validateLite = (req: TokenRequest): ValidTokenRequest => validated('megvii-lite', req, liteRules);

function liteFields(req: ValidTokenRequest): Record<string, FormValue> {
  const fields: Record<string, FormValue> = { biz_no: req.bizNo, ...optionFields('megvii-lite', req) };
  if (req.mode === 'reference') {
    return {
      ...fields,
      comparison_type: 0,
      uuid: req.uuid,
      image_ref1: req.images?.ref1,
      image_ref2: req.images?.ref2,
    };
  }
  const mode = idcardMode(req);
  return {
    ...fields,
    comparison_type: 1,
    idcard_mode: mode,
    idcard_name: mode === 0 ? req.idcard?.name : undefined,
    idcard_number: mode === 0 ? req.idcard?.number : undefined,
  };
}

/** Megvii FaceID Lite (docs/providers.md#doc-megvii-lite): api_key/api_secret in a form-data body, an H5 page for the person. */
export function createMegviiLiteProvider(config: H5Config): FaceIdProvider {
  return createH5Provider(config, { name: 'megvii-lite', validate: validateLite, fields: liteFields });
}
