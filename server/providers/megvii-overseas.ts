import type { TokenOptions } from '../../miniprogram/domain/events';
import type { FormValue } from './http';
import { checkFlag, checkMode, checkPattern, refuseImage, WORD } from './megvii-common';
import { createH5Provider, type H5Config } from './megvii-h5';
import { checkIntRange, checkMaxBytes, checkOneOf, requireValue } from './rules';
import type { FaceIdProvider, TokenRequest } from './types';

/** The host of FaceID overseas premium, H5 (docs/providers.md#doc-megvii-overseas). */
export const OVERSEAS_DEFAULT_BASE_URL = 'https://api-idn.megvii.com';

const OVERSEAS_OPTIONS: readonly (keyof TokenOptions)[] = [
  'sceneId',
  'language',
  'procedureType',
  'procedurePriority',
  'bizExtraData',
  'getShootingError',
  'maximumShootingTime',
  'multiOrientedDetection',
  'failWhenRefMultipleFaces',
  'returnMultifacesTag',
  'fmpMode',
  'getFailReason',
  'faceOcclusionDetection',
  'eyeCloseDetection',
  'actionHttpMethod',
  'redirectType',
];

/** The Megvii overseas document's parameter rules, offline (values its table lost are checked for form only, see docs/providers.md). */
export function validateOverseas(req: TokenRequest): void {
  checkMode(req, ['reference', 'liveness'], 'megvii-overseas');
  refuseImage(req, 'megvii-overseas');
  const o = req.options;
  checkMaxBytes('biz_no', requireValue('biz_no', req.bizNo), 128);
  checkPattern('scene_id', o.sceneId, WORD);
  checkPattern('language', o.language, WORD);
  checkPattern('procedure_type', o.procedureType, WORD);
  checkPattern('procedure_priority', o.procedurePriority, WORD);
  checkMaxBytes('biz_extra_data', o.bizExtraData, 4096);
  checkFlag('get_shooting_error', o.getShootingError);
  checkIntRange('maximum_shooting_time', o.maximumShootingTime, 2, 60);
  checkFlag('multi_oriented_detection', o.multiOrientedDetection);
  checkFlag('fail_when_ref_multiple_faces', o.failWhenRefMultipleFaces);
  checkFlag('return_multifaces_tag', o.returnMultifacesTag);
  checkFlag('fmp_mode', o.fmpMode);
  checkFlag('get_fail_reason', o.getFailReason);
  checkFlag('face_occlusion_detection', o.faceOcclusionDetection);
  checkFlag('eye_close_detection', o.eyeCloseDetection);
  checkOneOf('action_http_method', o.actionHttpMethod, ['GET', 'POST']);
  checkFlag('redirect_type', o.redirectType);
  checkMaxBytes('uuid', requireValue('uuid', req.uuid), 512);
  if (req.mode === 'reference') requireValue('image_ref1', req.images?.ref1);
}

function overseasFields(req: TokenRequest): Record<string, FormValue> {
  const o = req.options;
  const comparing = req.mode === 'reference';
  return {
    biz_no: req.bizNo,
    scene_id: o.sceneId,
    language: o.language,
    procedure_type: o.procedureType,
    procedure_priority: o.procedurePriority,
    comparison_type: comparing ? 0 : -1,
    uuid: req.uuid,
    image_ref1: comparing ? req.images?.ref1 : undefined,
    image_ref2: comparing ? req.images?.ref2 : undefined,
    biz_extra_data: o.bizExtraData,
    get_shooting_error: o.getShootingError,
    maximum_shooting_time: o.maximumShootingTime,
    multi_oriented_detection: o.multiOrientedDetection,
    fail_when_ref_multiple_faces: o.failWhenRefMultipleFaces,
    return_multifaces_tag: o.returnMultifacesTag,
    fmp_mode: o.fmpMode,
    get_fail_reason: o.getFailReason,
    face_occlusion_detection: o.faceOcclusionDetection,
    eye_close_detection: o.eyeCloseDetection,
    action_http_method: o.actionHttpMethod,
    redirect_type: o.redirectType,
  };
}

/** Megvii FaceID overseas H5 (docs/providers.md#doc-megvii-overseas): Lite's protocol on api-idn, with liveness-only (comparison_type -1). */
export function createMegviiOverseasProvider(config: H5Config): FaceIdProvider {
  return createH5Provider(config, {
    name: 'megvii-overseas',
    modes: ['reference', 'liveness'],
    optionKeys: OVERSEAS_OPTIONS,
    validate: validateOverseas,
    fields: overseasFields,
  });
}
