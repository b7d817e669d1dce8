/** Shared helpers for the sandbox tests: starting a sandbox and calling its endpoints as clients do. */
import { JPEG_FIXTURE, startSandbox, VIDEO_FIXTURE, type Sandbox } from '../../dev/sandbox';

export const APPCODE = 'test-appcode';
export const SAMPLE_NAME = '张三';
export const SAMPLE_ID = '11010519491231002X';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Json = Record<string, any>;

export interface Answer {
  status: number;
  headers: Headers;
  text: string;
  body: Json;
}

/** Starts a quiet sandbox on an ephemeral port. */
export function start(options: { now?: number } = {}): Promise<Sandbox> {
  return startSandbox({ port: 0, appcode: APPCODE, quiet: true, ...options });
}

/** Reads a fetch response; `body` is the parsed JSON or `{}`. */
export async function answer(res: Response): Promise<Answer> {
  const text = await res.text();
  let body: Json;
  try {
    body = JSON.parse(text) as Json;
  } catch {
    body = {};
  }
  return { status: res.status, headers: res.headers, text, body };
}

export const IDCARD_PARAMS: Record<string, string> = {
  return_url: 'https://example.invalid/return',
  notify_url: 'https://example.invalid/notify',
  comparison_type: '1',
  liveness_type: 'video_number',
  idcard_name: SAMPLE_NAME,
  idcard_number: SAMPLE_ID,
  biz_no: 'biz-1',
};

export const OCR_PARAMS: Record<string, string> = {
  return_url: 'https://example.invalid/return',
  notify_url: 'https://example.invalid/notify',
  comparison_type: '1',
  group: '1',
  liveness_type: 'video_number',
};

export const REF_PARAMS: Record<string, string> = {
  return_url: 'https://example.invalid/return',
  notify_url: 'https://example.invalid/notify',
  comparison_type: '0',
  liveness_type: 'video_number',
  uuid: 'user-1',
};

/** A Blob of these bytes (copied, as Blob parts must be backed by an ArrayBuffer). */
export function blob(data: Buffer, type: string): Blob {
  return new Blob([new Uint8Array(data)], { type });
}

export type Upload = { data: Buffer; type?: string; filename?: string } | string;

/** POSTs get_biz_token: a urlencoded body, or multipart when there are files. `undefined` fields are left out. */
export async function getBizToken(
  sb: Sandbox,
  fields: Record<string, string | undefined>,
  files: Record<string, Upload> = {},
  appcode = APPCODE,
): Promise<Answer> {
  const defined = Object.entries(fields).filter((e): e is [string, string] => e[1] !== undefined);
  let body: FormData | URLSearchParams;
  if (Object.keys(files).length > 0) {
    const form = new FormData();
    for (const [key, value] of defined) form.append(key, value);
    for (const [key, file] of Object.entries(files)) {
      if (typeof file === 'string') form.append(key, file);
      else form.append(key, blob(file.data, file.type ?? 'image/jpeg'), file.filename ?? 'photo.jpg');
    }
    body = form;
  } else {
    body = new URLSearchParams(defined);
  }
  return answer(
    await fetch(`${sb.url}/lite/v1/get_biz_token`, {
      method: 'POST',
      headers: { Authorization: `APPCODE ${appcode}` },
      body,
    }),
  );
}

/** GETs get_result. */
export async function getResult(sb: Sandbox, bizToken: string, appcode = APPCODE): Promise<Answer> {
  return answer(
    await fetch(`${sb.url}/lite/v1/get_result?biz_token=${encodeURIComponent(bizToken)}`, {
      headers: { Authorization: `APPCODE ${appcode}` },
    }),
  );
}

export type TokenKind = 'idcard' | 'ocr' | 'ref' | 'ref2';

/** Issues a token of one kind (extra fields override) and returns it. */
export async function issue(
  sb: Sandbox,
  kind: TokenKind,
  extra: Record<string, string> = {},
): Promise<string> {
  const photo = { data: JPEG_FIXTURE.buffer };
  const res =
    kind === 'idcard'
      ? await getBizToken(sb, { ...IDCARD_PARAMS, ...extra })
      : kind === 'ocr'
        ? await getBizToken(sb, { ...OCR_PARAMS, ...extra })
        : await getBizToken(
            sb,
            { ...REF_PARAMS, ...extra },
            kind === 'ref' ? { image_ref1: photo } : { image_ref1: photo, image_ref2: photo },
          );
  if (res.status !== 200) throw new Error(`get_biz_token answered ${res.status} ${res.text}`);
  return res.body.biz_token as string;
}

async function postJson(sb: Sandbox, name: string, body: Json): Promise<Answer> {
  return answer(
    await fetch(`${sb.url}/lite/v1/${name}`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(body),
    }),
  );
}

async function postUpload(
  sb: Sandbox,
  name: string,
  fields: Record<string, string>,
  file?: { field: string; data: Buffer; type: string },
): Promise<Answer> {
  const form = new FormData();
  for (const [key, value] of Object.entries(fields)) form.append(key, value);
  if (file) form.append(file.field, blob(file.data, file.type), `upload.${file.type.split('/')[1]}`);
  return answer(await fetch(`${sb.url}/lite/v1/${name}`, { method: 'POST', body: form }));
}

/** The component's calls, one function per endpoint. */
export const component = {
  getConfig: async (sb: Sandbox, token: string): Promise<Answer> =>
    answer(await fetch(`${sb.url}/lite/v1/get_config?biz_token=${encodeURIComponent(token)}`)),
  idcardConfirm: (sb: Sandbox, token: string): Promise<Answer> =>
    postJson(sb, 'idcard_confirm', { biz_token: token, idcard_name: SAMPLE_NAME, idcard_number: SAMPLE_ID }),
  ocr: (sb: Sandbox, token: string, side: 0 | 1, image: Buffer = JPEG_FIXTURE.buffer): Promise<Answer> =>
    postUpload(
      sb,
      'ocridcard',
      { biz_token: token, side: String(side) },
      { field: 'idcard_image', data: image, type: 'image/jpeg' },
    ),
  ocrConfirm: (sb: Sandbox, token: string): Promise<Answer> =>
    postJson(sb, 'ocridcard_confirm', { biz_token: token }),
  video: (sb: Sandbox, token: string, outcome?: string, video: Buffer = VIDEO_FIXTURE): Promise<Answer> =>
    postUpload(
      sb,
      'video_verify',
      outcome ? { biz_token: token, sandbox_outcome: outcome } : { biz_token: token },
      { field: 'video', data: video, type: 'video/mp4' },
    ),
  cancel: (sb: Sandbox, token: string): Promise<Answer> => postJson(sb, 'cancel', { biz_token: token }),
};

/** Runs the whole component flow (OCR steps when the token asks for them); returns every step's answer. */
export async function runFlow(sb: Sandbox, token: string, outcome?: string): Promise<Answer[]> {
  const steps: Answer[] = [];
  const config = await component.getConfig(sb, token);
  steps.push(config);
  if (config.status !== 200) return steps;
  if (config.body.group === 1) {
    for (const side of config.body.idcard_side === 1 ? [0 as const] : [0 as const, 1 as const]) {
      const ocr = await component.ocr(sb, token, side);
      steps.push(ocr);
      if (ocr.body.result_code !== 1000) return steps;
    }
    steps.push(await component.ocrConfirm(sb, token));
  }
  for (let attempt = 0; attempt < 6; attempt++) {
    const video = await component.video(sb, token, outcome);
    steps.push(video);
    if (video.body.result_code !== 4200 || video.body.result_message === 'VIDEO_MANY_TIMES') return steps;
  }
  throw new Error('flow did not end');
}

/** POSTs JSON to a control endpoint. */
export async function control(sb: Sandbox, path: string, body?: unknown, method = 'POST'): Promise<Answer> {
  return answer(
    await fetch(`${sb.url}/__sandbox${path}`, {
      method,
      headers: body === undefined ? {} : { 'Content-Type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    }),
  );
}

export const REQUEST_ID = /^\d+,[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** Asserts the FaceID error shape: status, `error`, and request_id/time_used. */
export function expectError(res: Answer, status: number, error: string): void {
  expect({ status: res.status, error: res.body.error }).toEqual({ status, error });
  expect(res.body.request_id).toMatch(REQUEST_ID);
  expect(typeof res.body.time_used).toBe('number');
}
