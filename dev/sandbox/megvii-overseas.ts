/**
 * Megvii FaceID overseas H5 (docs/providers.md#doc-megvii-overseas) on api-idn.megvii.com, served under `/idn`: Lite's protocol with
 * comparison_type 0 or -1 (liveness only) and the seed's per-row error field names.
 */
import { OVERSEAS_ERRORS } from './megvii-errors';
import { megviiState, type Params } from './megvii-common';
import { registerH5Product, type H5TokenParams } from './megvii-h5';
import type { SandboxProvider } from './provider';

const OVERSEAS_PREFIX = '/idn';
const WORD = /^[A-Za-z0-9_.-]{1,64}$/;

/** The Megvii overseas document's parameter rules in its table's order (values its table lost are checked for form only). */
function parseOverseasToken(p: Params): H5TokenParams {
  const returnUrl = p.url('return_url');
  const notifyUrl = p.url('notify_url');
  const bizNo = p.maxBytes('biz_no', 128, p.required('biz_no'));
  for (const key of ['scene_id', 'language', 'procedure_type', 'procedure_priority']) {
    const value = p.get(key);
    if (value !== undefined && !WORD.test(value)) p.fail('BAD_ARGUMENTS', key);
  }
  const comparisonType = p.oneOf('comparison_type', ['0', '-1'], p.required('comparison_type'));
  p.maxBytes('uuid', 512, p.required('uuid'));
  const refs = comparisonType === '0' ? p.refs(true) : [];
  const bizExtraData = p.maxBytes('biz_extra_data', 4096) ?? '';
  p.flags('get_shooting_error');
  p.int('maximum_shooting_time', 2, 60);
  p.flags(
    'multi_oriented_detection',
    'fail_when_ref_multiple_faces',
    'return_multifaces_tag',
    'fmp_mode',
    'get_fail_reason',
    'face_occlusion_detection',
    'eye_close_detection',
  );
  const method = p.oneOf('action_http_method', ['GET', 'POST']) ?? 'POST';
  p.flags('redirect_type');
  return {
    bizNo,
    bizExtraData,
    returnUrl,
    notifyUrl,
    actionHttpMethod: method as 'GET' | 'POST',
    comparisonType,
    refs,
    procedureType: p.get('procedure_type') ?? 'video',
  };
}

export const megviiOverseasProvider: SandboxProvider = {
  name: 'megvii-overseas',
  register(routes, deps) {
    registerH5Product(routes, megviiState(deps), {
      product: 'overseas',
      prefix: OVERSEAS_PREFIX,
      table: OVERSEAS_ERRORS,
      parse: parseOverseasToken,
    });
  },
};
