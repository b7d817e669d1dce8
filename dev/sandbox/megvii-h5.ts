/**
 * The H5 (Lite) protocol Megvii's Lite and overseas documents share (docs/providers.md#vendor-documents): get_token, get_result (3 calls a day per biz_id),
 * the page `GET /faceid/lite/do?token=` and its finish step, which sends the signed notify and returns the
 * browser to return_url.
 */
import { NOT_SAME_CONFIDENCE, PASS_CONFIDENCE, THRESHOLDS } from './fidlite';
import { RESULT_JPEG, SAMPLE_IDCARD } from './fixtures';
import type { MegviiErrorRow } from './megvii-errors';
import { liteNotifySign } from './megvii-sign';
import {
  chinaDay,
  H5_OUTCOMES,
  hexToken,
  html,
  megviiId,
  megviiRoute,
  page,
  type H5Outcome,
  type MegviiFlow,
  type MegviiState,
  type Params,
  type Product,
} from './megvii-common';
import type { RequestContext, RouteRegistry } from './server';

/** A Lite token can be opened for one hour (the sandbox's choice; the seeds only say it expires). */
const H5_TOKEN_LIFETIME_MS = 60 * 60 * 1000;
/** get_result calls allowed per biz_id and day (docs/providers.md#doc-megvii-notes). */
const RESULT_CALLS_PER_DAY = 3;

/** What a product's get_token rules fix for the flow. */
export type H5TokenParams = Pick<
  MegviiFlow,
  | 'bizNo'
  | 'bizExtraData'
  | 'returnUrl'
  | 'notifyUrl'
  | 'actionHttpMethod'
  | 'comparisonType'
  | 'idcardMode'
  | 'refs'
  | 'procedureType'
>;

interface H5ProductSpec {
  product: Product;
  prefix: string;
  table: readonly MegviiErrorRow[];
  parse(params: Params): H5TokenParams;
}

const GENUINE = {
  synthetic_face_confidence: 0.01,
  synthetic_face_threshold: 0.5,
  mask_confidence: 0.01,
  mask_threshold: 0.5,
  screen_replay_confidence: 0.01,
  screen_replay_threshold: 0.5,
  face_replaced: 0,
};

const LIVENESS: Partial<Record<H5Outcome, { result: string; genuineness: Record<string, number> }>> = {
  PASS: { result: 'PASS', genuineness: GENUINE },
  NOT_SAME: { result: 'PASS', genuineness: GENUINE },
  LIVENESS_FAILED: { result: 'FAILED', genuineness: GENUINE },
  ATTACK: { result: 'FAILED', genuineness: { ...GENUINE, synthetic_face_confidence: 0.93 } },
  FACE_REPLACED: { result: 'FAILED', genuineness: { ...GENUINE, face_replaced: 1 } },
};

const STATUS: Record<H5Outcome, string> = {
  PASS: 'OK',
  NOT_SAME: 'OK',
  LIVENESS_FAILED: 'FAILED',
  ATTACK: 'FAILED',
  FACE_REPLACED: 'FAILED',
  CANCELLED: 'CANCELLED',
  TIMEOUT: 'TIMEOUT',
  WEBRTC_UNSUPPORTED: 'WEBRTC_UNSUPPORTED',
};

function status(flow: MegviiFlow): string {
  if (flow.stage === 'issued') return 'NOT_STARTED';
  if (flow.stage === 'started' || !flow.outcome) return 'PROCESSING';
  return STATUS[flow.outcome];
}

/** The get_result answer of a flow (without request_id and time_used); images only when return_image > 0. */
function h5ResultBody(flow: MegviiFlow, returnImage: number): Record<string, unknown> {
  const body: Record<string, unknown> = {
    status: status(flow),
    biz_info: { biz_id: flow.bizId, biz_no: flow.bizNo, biz_extra_data: flow.bizExtraData },
  };
  const liveness = flow.stage === 'ended' && flow.outcome ? LIVENESS[flow.outcome] : undefined;
  if (!liveness) return body;
  body.liveness_result = {
    result: liveness.result,
    procedure_type: flow.procedureType,
    details: {},
    face_genuineness: liveness.genuineness,
  };
  if (returnImage > 0) body.images = { image_best: RESULT_JPEG.buffer.toString('base64') };
  const photographed = flow.comparisonType === '1' && flow.idcardMode !== 0 && flow.idcardMode !== 3;
  if (flow.comparisonType === '1' && flow.idcardMode !== 0) {
    const s = SAMPLE_IDCARD;
    const dotted = (d: string): string => `${d.slice(0, 4)}.${d.slice(4, 6)}.${d.slice(6)}`;
    body.idcard_info = {
      idcard_name: s.name,
      idcard_number: s.idcard_number,
      ...(photographed
        ? {
            idcard_valid_date: `${dotted(s.valid_date_start)}-${dotted(s.valid_date_end)}`,
            idcard_issued_by: s.issued_by,
          }
        : {}),
    };
  }
  if (liveness.result !== 'PASS' || flow.comparisonType === '-1') return body;
  const compared = {
    confidence: flow.outcome === 'PASS' ? PASS_CONFIDENCE : NOT_SAME_CONFIDENCE,
    thresholds: THRESHOLDS,
  };
  const verify: Record<string, unknown> = { id_exceptions: { id_attacked: 0, id_photo_monochrome: 0 } };
  if (flow.comparisonType === '1') verify.result_faceid = compared;
  for (const ref of flow.refs) verify[`result_${ref}`] = compared;
  body.verify_result = verify;
  return body;
}

function errorPage(ctx: RequestContext, message: string): void {
  ctx.text(403, page('FaceID', `<p class="error">${html(message)}</p>`), 'text/html; charset=utf-8');
}

function verifyPage(flow: MegviiFlow, prefix: string): string {
  const options = H5_OUTCOMES.map((o) => `<option value="${o}">${o}</option>`).join('');
  return page(
    'FaceID 人脸验证（沙箱）',
    `<p>This sandbox page stands in for Megvii's H5 verification. Pick how it ends, then finish.</p>
<form method="POST" action="${html(`${prefix}/faceid/lite/do/finish`)}">
<input type="hidden" name="token" value="${html(flow.token)}">
<label>Outcome <select name="outcome">${options}</select></label>
<button type="submit" id="finish">完成验证</button>
</form>`,
  );
}

/** The page that returns the browser to return_url with the notify's `data` and `sign` (seed: POST, or GET). */
function returnPage(flow: MegviiFlow, data: string, sign: string): string {
  return page(
    'FaceID',
    `<form id="return" method="${flow.actionHttpMethod}" action="${html(flow.returnUrl ?? '')}">
<input type="hidden" name="data" value="${html(data)}">
<input type="hidden" name="sign" value="${html(sign)}">
<noscript><button type="submit">返回</button></noscript>
</form>
<script>document.getElementById('return').submit();</script>`,
  );
}

/** Ends a started flow: result, signed notify; returns `data` and `sign`. */
function endH5Flow(state: MegviiState, flow: MegviiFlow, outcome: H5Outcome): { data: string; sign: string } {
  flow.stage = 'ended';
  flow.outcome = outcome;
  flow.endedAt = state.clock.now();
  const data = JSON.stringify(h5ResultBody(flow, 0));
  const sign = liteNotifySign(state.apiSecret, data);
  state.notify(flow, data, sign);
  return { data, sign };
}

/** Registers get_token, get_result, the H5 page and its finish step of one H5 product. */
export function registerH5Product(routes: RouteRegistry, state: MegviiState, spec: H5ProductSpec): void {
  const { prefix, table } = spec;
  megviiRoute(routes, state, {
    method: 'POST',
    path: '/faceid/lite/get_token',
    prefix,
    table,
    handler(ctx, params) {
      params.keyPair(state);
      const fixed = spec.parse(params);
      const now = state.clock.now();
      const flow = state.add({
        ...fixed,
        product: spec.product,
        token: hexToken(),
        bizId: megviiId(now),
        prefix,
        issuedAt: now,
        expiresAt: now + H5_TOKEN_LIFETIME_MS,
        stage: 'issued',
        resultCalls: { day: chinaDay(now), count: 0 },
      });
      ctx.send(200, {
        token: flow.token,
        biz_id: flow.bizId,
        expired_time: Math.floor(flow.expiresAt / 1000),
      });
    },
  });
  for (const method of ['GET', 'POST'] as const) {
    megviiRoute(routes, state, {
      method,
      path: '/faceid/lite/get_result',
      prefix,
      table,
      handler(ctx, params) {
        params.keyPair(state);
        const bizId = params.required('biz_id');
        const returnImage = params.int('return_image', 0, 6) ?? 0;
        const flow = state.byBizId.get(bizId);
        if (!flow || flow.prefix !== prefix) return params.fail('BAD_ARGUMENTS', 'biz_id');
        const day = chinaDay(state.clock.now());
        if (flow.resultCalls.day !== day) flow.resultCalls = { day, count: 0 };
        if (flow.resultCalls.count >= RESULT_CALLS_PER_DAY)
          params.fail('AUTHORIZATION_ERROR', 'LIMIT_REACHED');
        flow.resultCalls.count += 1;
        ctx.send(200, h5ResultBody(flow, returnImage));
      },
    });
  }
  routes.route({
    method: 'GET',
    path: `${prefix}/faceid/lite/do`,
    handler(ctx) {
      const flow = state.flows.get(ctx.url.searchParams.get('token') ?? '');
      if (!flow || flow.prefix !== prefix || flow.stage !== 'issued' || state.clock.now() >= flow.expiresAt)
        return errorPage(ctx, '无效请求，或当前请求已过期');
      flow.stage = 'started';
      ctx.text(200, verifyPage(flow, prefix), 'text/html; charset=utf-8');
    },
  });
  routes.route({
    method: 'POST',
    path: `${prefix}/faceid/lite/do/finish`,
    async handler(ctx) {
      const body = await ctx.body({ maxBytes: 64 * 1024, json: true });
      const flow = state.flows.get(body.fields.get('token') ?? '');
      if (!flow || flow.prefix !== prefix || flow.stage !== 'started')
        return errorPage(ctx, '无效请求，或当前请求已过期');
      const chosen = body.fields.get('outcome') ?? 'PASS';
      if (!(H5_OUTCOMES as readonly string[]).includes(chosen))
        return errorPage(ctx, `unknown outcome ${chosen}`);
      const expired = state.clock.now() >= flow.expiresAt;
      const { data, sign } = endH5Flow(state, flow, expired ? 'TIMEOUT' : (chosen as H5Outcome));
      ctx.text(200, returnPage(flow, data, sign), 'text/html; charset=utf-8');
    },
  });
}
