/**
 * The endpoints Megvii's mini-program component calls on openapi.faceid.com
 * (docs/providers.md#doc-component-protocol): no APPCODE, CORS open.
 */
import type { ParsedBody } from './body';
import { FIDLITE_PREFIX, checkIdcardFields, isOcrFlow, legality } from './fidlite';
import { SAMPLE_IDCARD } from './fixtures';
import { OUTCOME_MESSAGES, type Flow, type FlowStore } from './flows';
import { imageInfo } from './images';
import type { SandboxProvider } from './provider';
import { ApiError, MAX_BODY_BYTES, type RouteRegistry } from './server';

/** Largest ID-card photo the component uploads: 5 MB. */
const MAX_IMAGE_BYTES = 5 * 1024 * 1024;
/** Largest video the component uploads: 20 MB. */
const MAX_VIDEO_BYTES = MAX_BODY_BYTES;
const MULTIPART_SLACK = 1024 * 1024;
const JSON_LIMIT = 1024 * 1024;

const missing = (key: string): ApiError => new ApiError(400, `MISSING_ARGUMENTS:${key}`);
const bad = (key: string): ApiError => new ApiError(400, `BAD_ARGUMENTS:${key}`);
const forbidden = (reason: string): ApiError => new ApiError(403, reason);

/** The flow of a token a component step may use now; 403 for unknown, used, expired or unstarted tokens. */
/**
 * The flow a component call may act on: get_config only on a fresh token, a step only after get_config, and
 * cancel at any point before the flow has ended (FaceID's component offers 退出验证 on every screen).
 */
function usableFlow(
  flows: FlowStore,
  token: string | undefined,
  step: 'get_config' | 'step' | 'cancel',
): Flow {
  if (!token) throw missing('biz_token');
  const flow = flows.find(token);
  if (!flow) throw forbidden('INVALID_BIZ_TOKEN');
  if (flow.stage === 'ended' || (step === 'get_config' && flow.stage !== 'issued')) {
    throw forbidden('BIZ_TOKEN_USED');
  }
  if (flows.isExpired(flow)) throw forbidden('BIZ_TOKEN_EXPIRED');
  if (step === 'step' && flow.stage !== 'started') throw forbidden('BIZ_TOKEN_NOT_STARTED');
  return flow;
}

function field(body: ParsedBody, key: string): string | undefined {
  const value = body.fields.get(key);
  return value === '' ? undefined : value;
}

function ocrFields(flow: Flow, side: 0 | 1): Record<string, unknown> {
  const s = SAMPLE_IDCARD;
  const threshold = flow.config.idcardThreshold;
  if (side === 1) {
    const dotted = (d: string): string => `${d.slice(0, 4)}.${d.slice(4, 6)}.${d.slice(6)}`;
    return {
      issued_by: s.issued_by,
      valid_date_start: s.valid_date_start,
      valid_date_end: s.valid_date_end,
      valid_date: `${dotted(s.valid_date_start)}-${dotted(s.valid_date_end)}`,
      legality: legality(0.999, threshold),
      completeness: 0,
    };
  }
  const { name, idcard_number, gender, nationality, birth_year, birth_month, birth_day, address } = s;
  return {
    name,
    idcard_number,
    gender,
    nationality,
    birth_year,
    birth_month,
    birth_day,
    address,
    legality: legality(1, threshold),
    completeness: 0,
  };
}

/** Whether the bytes start like a recorded video: an MP4/MOV `ftyp` box, or WebM/Matroska's EBML header. */
function isVideoContainer(bytes: Buffer): boolean {
  if (bytes.length >= 12 && bytes.toString('latin1', 4, 8) === 'ftyp') return true;
  return bytes.length >= 4 && bytes.readUInt32BE(0) === 0x1a45dfa3;
}

/** get_config, idcard_confirm, ocridcard, ocridcard_confirm, video_verify and cancel under /lite/v1. */
export const componentProvider: SandboxProvider = {
  name: 'component',
  register(http: RouteRegistry, { flows }) {
    const path = (name: string): string => `${FIDLITE_PREFIX}/${name}`;
    const jsonBody = { maxBytes: JSON_LIMIT, json: true };

    http.route({
      method: 'GET',
      path: path('get_config'),
      cors: true,
      handler(ctx) {
        const flow = usableFlow(flows, ctx.url.searchParams.get('biz_token') ?? undefined, 'get_config');
        flows.start(flow);
        ctx.send(200, {
          group: isOcrFlow(flow) ? 1 : 0,
          idcard_side: flow.config.idcardSide,
          code: flow.code,
          idcard_uneditable_field: [],
          result_message: 'SUCCESS',
        });
      },
    });

    http.route({
      method: 'POST',
      path: path('idcard_confirm'),
      cors: true,
      async handler(ctx) {
        const body = await ctx.body(jsonBody);
        usableFlow(flows, field(body, 'biz_token'), 'step');
        const name = field(body, 'idcard_name');
        const number = field(body, 'idcard_number');
        if (!name) throw missing('idcard_name');
        if (!number) throw missing('idcard_number');
        checkIdcardFields(name, number);
        ctx.send(200, { result_code: 1000, result_message: 'SUCCESS' });
      },
    });

    http.route({
      method: 'POST',
      path: path('ocridcard'),
      cors: true,
      async handler(ctx) {
        const body = await ctx.body({
          maxBytes: MAX_IMAGE_BYTES + MULTIPART_SLACK,
          maxFileBytes: MAX_IMAGE_BYTES,
        });
        const flow = usableFlow(flows, field(body, 'biz_token'), 'step');
        if (!isOcrFlow(flow)) throw bad('biz_token');
        const sideText = field(body, 'side') ?? '0';
        if (sideText !== '0' && sideText !== '1') throw bad('side');
        const side = sideText === '1' ? 1 : 0;
        if (side === 1 && flow.config.idcardSide === 1) throw bad('side');
        const image = body.files.get('idcard_image');
        if (!image) throw body.fields.has('idcard_image') ? bad('idcard_image') : missing('idcard_image');
        if (!imageInfo(image.data)) throw bad('idcard_image');
        const answer = flows.recognise(flow, side);
        ctx.send(
          200,
          answer.result_code === 1000 ? { ...answer, side, ...ocrFields(flow, side) } : { ...answer },
        );
      },
    });

    http.route({
      method: 'POST',
      path: path('ocridcard_confirm'),
      cors: true,
      async handler(ctx) {
        const body = await ctx.body(jsonBody);
        const flow = usableFlow(flows, field(body, 'biz_token'), 'step');
        if (!isOcrFlow(flow)) throw bad('biz_token');
        // The person may correct what was recognised; what they confirm must still be a name and an ID number.
        const name = field(body, 'name');
        const number = field(body, 'idcard_number');
        if (name !== undefined || number !== undefined) {
          if (!name) throw missing('name');
          if (!number) throw missing('idcard_number');
          checkIdcardFields(name, number);
        }
        ctx.send(200, { result_code: 1000, result_message: 'SUCCESS' });
      },
    });

    http.route({
      method: 'POST',
      path: path('video_verify'),
      cors: true,
      async handler(ctx) {
        const body = await ctx.body({
          maxBytes: MAX_VIDEO_BYTES + MULTIPART_SLACK,
          maxFileBytes: MAX_VIDEO_BYTES,
        });
        const flow = usableFlow(flows, field(body, 'biz_token'), 'step');
        const video = body.files.get('video');
        if (!video) throw body.fields.has('video') ? bad('video') : missing('video');
        if (!isVideoContainer(video.data)) throw bad('video');
        const outcome = field(body, 'sandbox_outcome');
        if (outcome !== undefined && !OUTCOME_MESSAGES.includes(outcome)) throw bad('sandbox_outcome');
        ctx.send(200, { ...flows.verifyVideo(flow, outcome) });
      },
    });

    http.route({
      method: 'POST',
      path: path('cancel'),
      cors: true,
      async handler(ctx) {
        const body = await ctx.body(jsonBody);
        const flow = usableFlow(flows, field(body, 'biz_token'), 'cancel');
        ctx.send(200, { ...flows.cancel(flow) });
      },
    });
  },
};
