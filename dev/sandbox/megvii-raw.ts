/** Megvii FaceID H5 Lite Raw (docs/providers.md#doc-megvii-raw) on api-sgp.megvii.com, served under `/sgp`: Raw-GetToken. */
import { RAW_ERRORS } from './megvii-errors';
import { chinaDay, hexToken, megviiRoute, megviiState, type Params } from './megvii-common';
import type { SandboxProvider } from './provider';

const RAW_PREFIX = '/sgp';

/** The parameter rules of docs/providers.md#doc-megvii-raw in its table's order; returns what the token keeps. */
function parseRawToken(p: Params): {
  bizNo?: string;
  lifeTimeMin: number;
  refs: Array<'ref1' | 'ref2'>;
} {
  const bizNo = p.maxBytes('biz_no', 128);
  p.oneOf('color_number', ['4', '6', '8']);
  p.oneOf('liveness_preferences', ['none']);
  p.oneOf('language', ['0', '1']);
  p.oneOf('procedure_type', ['raw_flash']);
  p.oneOf('comparison_type', ['0'], p.required('comparison_type'));
  p.maxBytes('uuid', 512, p.required('uuid'));
  const refs = p.refs(true);
  p.flags('multi_oriented_detection', 'fail_when_ref_multiple_faces');
  p.int('max_upload_times', 2, 5, p.required('max_upload_times'));
  const lifeTimeMin = p.int('life_time', 5, 1440, p.required('life_time'));
  p.flags('return_multifaces_tag', 'face_occlusion_detection');
  return { bizNo, lifeTimeMin, refs };
}

export const megviiRawProvider: SandboxProvider = {
  name: 'megvii-raw',
  register(routes, deps) {
    const state = megviiState(deps);
    megviiRoute(routes, state, {
      method: 'POST',
      path: '/faceid/lite/raw/get_token',
      prefix: RAW_PREFIX,
      table: RAW_ERRORS,
      bare404: true,
      handler(ctx, params) {
        params.keyPair(state);
        const { bizNo, lifeTimeMin, refs } = parseRawToken(params);
        const now = state.clock.now();
        const flow = state.add({
          product: 'raw',
          token: hexToken(),
          bizNo: bizNo ?? '',
          bizExtraData: '',
          prefix: RAW_PREFIX,
          actionHttpMethod: 'POST',
          comparisonType: '0',
          refs,
          procedureType: 'raw_flash',
          issuedAt: now,
          expiresAt: now + lifeTimeMin * 60 * 1000,
          stage: 'issued',
          resultCalls: { day: chinaDay(now), count: 0 },
        });
        ctx.send(200, { ...(bizNo !== undefined ? { biz_no: bizNo } : {}), token: flow.token });
      },
    });
  },
};
