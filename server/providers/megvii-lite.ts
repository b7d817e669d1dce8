import { FaceIdError } from '../../miniprogram/domain/errors';
import type { TokenOptions } from '../../miniprogram/domain/events';
import type { Env } from '../config';
import type { FormValue } from './http';
import { checkFlag, checkMode, checkPattern, onlyWith, refuseImage, WORD } from './megvii-common';
import { createH5Provider, type H5Config } from './megvii-h5';
import { checkMaxBytes, checkOneOf, requireValue } from './rules';
import type { FaceIdProvider, TokenRequest } from './types';

/** Hosts of Megvii Lite by FACEID_REGION (docs/providers.md#doc-megvii-notes): cn (default), idn, sgp. */
export const LITE_HOSTS: Readonly<Record<string, string>> = {
  cn: 'https://api.megvii.com',
  idn: 'https://api-idn.megvii.com',
  sgp: 'https://api-sgp.megvii.com',
};

/** The default Lite host for FACEID_REGION; CONFIG_INVALID for an unknown region. */
export function liteHostFromEnv(env: Env): string {
  const region = env.FACEID_REGION?.trim() || 'cn';
  const host = Object.prototype.hasOwnProperty.call(LITE_HOSTS, region) ? LITE_HOSTS[region] : undefined;
  if (!host) {
    throw new FaceIdError('CONFIG_INVALID', {
      param: 'FACEID_REGION',
      detail: `FACEID_REGION must be one of ${Object.keys(LITE_HOSTS).join(', ')}`,
    });
  }
  return host;
}

const UNEDITABLE_FIELDS = ['idcard_name', 'idcard_number', 'idcard_valid_date', 'idcard_issued_by'];

const LITE_OPTIONS: readonly (keyof TokenOptions)[] = [
  'procedureType',
  'livenessPreferences',
  'webTitle',
  'sceneId',
  'idcardMode',
  'idcardUneditableField',
  'multiOrientedDetection',
  'bizExtraData',
];

/** idcard_mode: given, or 0 when the person typed name and number, 1 (photograph the card) for OCR. */
function idcardMode(req: TokenRequest): number | undefined {
  if (req.mode === 'reference') return undefined;
  return req.options.idcardMode ?? (req.mode === 'idcard' ? 0 : 1);
}

function checkUneditable(value: string | undefined): void {
  if (value === undefined) return;
  const fields = value.split(',');
  if (!fields.every((f) => UNEDITABLE_FIELDS.includes(f)) || new Set(fields).size !== fields.length) {
    throw new FaceIdError('BAD_ARGUMENTS', {
      param: 'idcard_uneditable_field',
      detail: `idcard_uneditable_field is a comma list of ${UNEDITABLE_FIELDS.join(', ')}`,
    });
  }
}

/** The Megvii Lite document's parameter rules, offline. */
export function validateLite(req: TokenRequest): void {
  checkMode(req, ['idcard', 'ocr', 'reference'], 'megvii-lite');
  refuseImage(req, 'megvii-lite');
  const o = req.options;
  checkMaxBytes('biz_no', requireValue('biz_no', req.bizNo), 128);
  checkMaxBytes('biz_extra_data', o.bizExtraData, 4096);
  checkMaxBytes('web_title', o.webTitle, 32);
  checkPattern('scene_id', o.sceneId, WORD);
  checkOneOf('procedure_type', o.procedureType, ['video', 'selfie']);
  checkOneOf('liveness_preferences', o.livenessPreferences, [
    'none',
    'selfie_no_metadata_check',
    'video_strict',
  ]);
  const procedure = o.procedureType ?? 'video';
  const prefs = o.livenessPreferences;
  if (prefs === 'selfie_no_metadata_check')
    onlyWith('liveness_preferences', prefs, procedure === 'selfie', 'procedure_type selfie');
  if (prefs === 'video_strict')
    onlyWith('liveness_preferences', prefs, procedure === 'video', 'procedure_type video');
  checkFlag('multi_oriented_detection', o.multiOrientedDetection);
  const comparing = req.mode !== 'reference';
  onlyWith('idcard_mode', o.idcardMode, comparing, 'comparison_type 1');
  onlyWith('idcard_uneditable_field', o.idcardUneditableField, comparing, 'comparison_type 1');
  if (comparing) {
    const mode = idcardMode(req);
    checkOneOf('idcard_mode', mode, [0, 1, 2, 3, 4]);
    if (mode === 0) {
      requireValue('idcard_name', req.idcard?.name);
      requireValue('idcard_number', req.idcard?.number);
    } else if (req.mode === 'idcard') {
      throw new FaceIdError('BAD_ARGUMENTS', {
        param: 'idcard_mode',
        detail: 'mode idcard sends the name and number, which only idcard_mode 0 uses',
      });
    }
    checkUneditable(o.idcardUneditableField);
  } else {
    checkMaxBytes('uuid', requireValue('uuid', req.uuid), 512);
    requireValue('image_ref1', req.images?.ref1);
  }
}

function liteFields(req: TokenRequest): Record<string, FormValue> {
  const o = req.options;
  const fields: Record<string, FormValue> = {
    biz_no: req.bizNo,
    biz_extra_data: o.bizExtraData,
    web_title: o.webTitle,
    scene_id: o.sceneId,
    procedure_type: o.procedureType,
    liveness_preferences: o.livenessPreferences,
    multi_oriented_detection: o.multiOrientedDetection,
  };
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
    idcard_uneditable_field: o.idcardUneditableField,
    idcard_name: mode === 0 ? req.idcard?.name : undefined,
    idcard_number: mode === 0 ? req.idcard?.number : undefined,
  };
}

/** Megvii FaceID Lite (docs/providers.md#doc-megvii-lite): api_key/api_secret in a form-data body, an H5 page for the person. */
export function createMegviiLiteProvider(config: H5Config): FaceIdProvider {
  return createH5Provider(config, {
    name: 'megvii-lite',
    modes: ['idcard', 'ocr', 'reference'],
    optionKeys: LITE_OPTIONS,
    validate: validateLite,
    fields: liteFields,
  });
}
