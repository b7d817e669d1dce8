/** Helpers for the Megvii contract tests: reading recorded form-data bodies, queuing seed errors, ending H5 flows. */
import type { MegviiErrorRow } from '../../server/providers/megvii-errors';
import type { ImageFile } from '../../server/providers/types';
import { JPEG_FIXTURE, PNG_FIXTURE } from '../../tools/sandbox';
import type { RecordedRequest } from './recording-upstream';

export const JPEG: ImageFile = {
  data: JPEG_FIXTURE.buffer,
  filename: 'image_ref1.jpg',
  contentType: 'image/jpeg',
};
export const PNG: ImageFile = {
  data: PNG_FIXTURE.buffer,
  filename: 'image_ref2.png',
  contentType: 'image/png',
};

/** The text fields and file names of a recorded multipart/form-data request. */
export async function formOf(
  sent: RecordedRequest,
): Promise<{ fields: Record<string, string>; files: Record<string, string> }> {
  expect(sent.headers['content-type']).toMatch(/^multipart\/form-data; boundary=/);
  const form = await new Response(new Uint8Array(sent.body), {
    headers: { 'content-type': String(sent.headers['content-type']) },
  }).formData();
  const fields: Record<string, string> = {};
  const files: Record<string, string> = {};
  form.forEach((value, key) => {
    if (typeof value === 'string') fields[key] = value;
    else files[key] = (value as File).name;
  });
  return { fields, files };
}

/** Queues one seed error row for an API path of the sandbox. */
export async function queueError(
  sandboxUrl: string,
  path: string,
  error: string,
  param?: string,
): Promise<void> {
  const res = await fetch(`${sandboxUrl}/__sandbox/megvii/errors`, {
    method: 'POST',
    body: JSON.stringify({ path, error, param }),
  });
  if (res.status !== 200) throw new Error(`queueError answered ${res.status}: ${await res.text()}`);
}

/** Opens the H5 page of a token and finishes it with an outcome; returns the return page's HTML. */
export async function finishH5(pageUrl: string, outcome: string): Promise<string> {
  const opened = await fetch(pageUrl);
  if (opened.status !== 200) throw new Error(`do answered ${opened.status}`);
  const html = await opened.text();
  const action = /action="([^"]+)"/.exec(html)![1];
  const token = new URL(pageUrl).searchParams.get('token')!;
  const finished = await fetch(new URL(action, pageUrl), {
    method: 'POST',
    body: new URLSearchParams({ token, outcome }),
  });
  if (finished.status !== 200) throw new Error(`finish answered ${finished.status}`);
  return finished.text();
}

/** What a row's typed error looks like: its code and status, retryable only for 403/500 load and server rows. */
export function expectedError(row: MegviiErrorRow): Record<string, unknown> {
  return {
    code: row.code,
    status: row.status,
    retryable: row.code === 'CONCURRENCY_LIMIT_EXCEEDED' || row.code === 'INTERNAL_ERROR',
  };
}

/** A parameter for rows that carry one. */
export function paramFor(row: MegviiErrorRow): string | undefined {
  if (!row.param) return undefined;
  return row.code === 'AUTHORIZATION_ERROR'
    ? 'Denied.'
    : row.code.includes('IMAGE') || row.code === 'NO_FACE_FOUND'
      ? 'image_ref1'
      : 'uuid';
}
