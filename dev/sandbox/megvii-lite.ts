/** Megvii FaceID Lite (docs/providers.md#doc-megvii-lite) on api.megvii.com: get_token, get_result and the H5 page, at the sandbox root. */
import { LITE_ERRORS } from './megvii-errors';
import { megviiState, type Params } from './megvii-common';
import { registerH5Product, type H5TokenParams } from './megvii-h5';
import type { SandboxProvider } from './provider';

const UNEDITABLE = ['idcard_name', 'idcard_number', 'idcard_valid_date', 'idcard_issued_by'];
const ID_NUMBER = /^\d{17}[\dXx]$/;

/** The parameter rules of docs/providers.md#doc-megvii-lite, in the table's order; the first problem is answered. */
function parseLiteToken(p: Params): H5TokenParams {
  const returnUrl = p.url('return_url');
  const notifyUrl = p.url('notify_url');
  const bizNo = p.maxBytes('biz_no', 128, p.required('biz_no'));
  const bizExtraData = p.maxBytes('biz_extra_data', 4096) ?? '';
  p.maxBytes('web_title', 32);
  p.get('scene_id');
  const procedureType = p.oneOf('procedure_type', ['video', 'selfie']) ?? 'video';
  const prefs = p.oneOf('liveness_preferences', ['none', 'selfie_no_metadata_check', 'video_strict']);
  if (prefs === 'selfie_no_metadata_check' && procedureType !== 'selfie')
    p.fail('BAD_ARGUMENTS', 'liveness_preferences');
  if (prefs === 'video_strict' && procedureType !== 'video') p.fail('BAD_ARGUMENTS', 'liveness_preferences');
  const comparisonType = p.oneOf('comparison_type', ['0', '1'], p.required('comparison_type'));
  let idcardMode: number | undefined;
  if (comparisonType === '1') {
    idcardMode = p.int('idcard_mode', 0, 4, p.required('idcard_mode'));
    const uneditable = p.get('idcard_uneditable_field');
    if (uneditable !== undefined) {
      const fields = uneditable.split(',');
      if (!fields.every((f) => UNEDITABLE.includes(f)) || new Set(fields).size !== fields.length)
        p.fail('BAD_ARGUMENTS', 'idcard_uneditable_field');
    }
    if (idcardMode === 0) {
      const name = p.required('idcard_name');
      if ([...name].length > 32 || name.includes('\uFFFD')) p.fail('INVALID_NAME_FORMAT');
      if (!ID_NUMBER.test(p.required('idcard_number'))) p.fail('INVALID_IDCARD_NUMBER');
    }
  } else {
    p.maxBytes('uuid', 512, p.required('uuid'));
  }
  const refs = p.refs(comparisonType === '0');
  p.flags('multi_oriented_detection');
  return {
    bizNo,
    bizExtraData,
    returnUrl,
    notifyUrl,
    actionHttpMethod: 'POST',
    comparisonType,
    idcardMode,
    refs,
    procedureType,
  };
}

export const megviiLiteProvider: SandboxProvider = {
  name: 'megvii-lite',
  register(routes, deps) {
    registerH5Product(routes, megviiState(deps), {
      product: 'lite',
      prefix: '',
      table: LITE_ERRORS,
      parse: parseLiteToken,
    });
  },
};
