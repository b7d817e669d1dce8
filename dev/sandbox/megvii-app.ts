/** Megvii FaceID App (docs/providers.md#doc-megvii-app): `POST /faceid/v3/sdk/get_biz_token` with v3 sign verification. */
import { chinaDay, megviiId, megviiRoute, megviiState, type MegviiState, type Params } from './megvii-common';
import { APP_ERRORS } from './megvii-errors';
import { readAppSign } from './megvii-sign';
import type { SandboxProvider } from './provider';

/** A biz_token is valid for one hour (docs/providers.md#doc-megvii-app). */
const APP_TOKEN_LIFETIME_MS = 60 * 60 * 1000;

/** sign and sign_version: missing → MISSING_ARGUMENTS; not hmac_sha1 → BAD_ARGUMENTS; bad/expired → 403. */
function checkSign(p: Params, state: MegviiState): void {
  const sign = p.required('sign');
  if (p.required('sign_version') !== 'hmac_sha1') p.fail('BAD_ARGUMENTS', 'sign_version');
  const signed = readAppSign(sign);
  if (!signed) p.fail('AUTHORIZATION_ERROR', 'INVALID_SIGN');
  if (signed.apiKey !== state.apiKey) p.fail('AUTHENTICATION_ERROR');
  if (!signed.madeWith(state.apiSecret)) p.fail('AUTHORIZATION_ERROR', 'INVALID_SIGN');
  const { expireTime } = signed;
  const expired =
    expireTime === 0 ? !state.firstUse(sign) : Math.floor(state.clock.now() / 1000) > expireTime;
  if (expired) p.fail('AUTHORIZATION_ERROR', 'EXPIRED_SIGN');
}

/** The parameter rules of docs/providers.md#doc-megvii-app for the liveness type and comparison chosen; the first problem is answered. */
function parseAppToken(p: Params): {
  bizNo: string;
  comparisonType: string;
  refs: Array<'ref1' | 'ref2'>;
} {
  const livenessType = p.oneOf(
    'liveness_type',
    ['meglive', 'still', 'raw_image'],
    p.required('liveness_type'),
  );
  const comparisonType = p.oneOf('comparison_type', ['0', '1'], p.required('comparison_type'));
  if (comparisonType === '1') {
    p.required('idcard_name');
    p.required('idcard_number');
  } else {
    p.maxBytes('uuid', 128, p.required('uuid'));
  }
  const refs = p.refs(comparisonType === '0');
  const bizNo = p.maxBytes('biz_no', 128) ?? '';
  p.int('liveness_timeout', 5, 60);
  if (livenessType === 'meglive') p.int('liveness_action_count', 1, 3);
  if (livenessType === 'still') p.flags('eyes_close_detection');
  if (livenessType === 'raw_image') {
    p.image('image', true);
    p.flags('fail_when_multiple_faces');
    p.int('face_quality_threshold', 0, 100);
    p.flags('return_faces');
  }
  p.flags('verbose');
  p.int('security_level', 1, 4);
  p.flags('force_compare', 'multi_oriented_detection');
  return { bizNo, comparisonType, refs };
}

export const megviiAppProvider: SandboxProvider = {
  name: 'megvii-app',
  register(routes, deps) {
    const state = megviiState(deps);
    megviiRoute(routes, state, {
      method: 'POST',
      path: '/faceid/v3/sdk/get_biz_token',
      prefix: '',
      table: APP_ERRORS,
      handler(ctx, params) {
        checkSign(params, state);
        const fixed = parseAppToken(params);
        const now = state.clock.now();
        const flow = state.add({
          ...fixed,
          product: 'app',
          token: megviiId(now),
          bizExtraData: '',
          prefix: '',
          actionHttpMethod: 'POST',
          procedureType: params.required('liveness_type'),
          issuedAt: now,
          expiresAt: now + APP_TOKEN_LIFETIME_MS,
          stage: 'issued',
          resultCalls: { day: chinaDay(now), count: 0 },
        });
        ctx.send(200, { biz_token: flow.token });
      },
    });
  },
};
