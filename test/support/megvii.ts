/** Helpers for the Megvii contract tests: reading recorded form-data bodies, queuing seed errors, ending H5 flows. */
import { FaceIdError } from '../../server/errors';
import { errorText, type MegviiErrorRow } from './megvii-errors';
import type { ImageFile } from '../../server/providers/types';
import { JPEG_FIXTURE, PNG_FIXTURE } from '../../dev/sandbox';
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
    else files[key] = value.name;
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

/** A parameter for rows that carry one. */
export function paramFor(row: MegviiErrorRow): string | undefined {
  if (!row.param) return undefined;
  if (row.code === 'AUTHORIZATION_ERROR') return 'Denied.';
  return row.code.includes('IMAGE') || row.code === 'NO_FACE_FOUND' ? 'image_ref1' : 'uuid';
}

/**
 * One test per row of a seed's error table: the row is queued in the sandbox for `path`, `issue` makes the call,
 * and the answer must be a FaceIdError with the row's code, status and parameter, retryable only for
 * CONCURRENCY_LIMIT_EXCEEDED and INTERNAL_ERROR.
 */
export function itParsesEveryRow(
  table: readonly MegviiErrorRow[],
  path: string,
  sandboxUrl: () => string,
  issue: () => Promise<unknown>,
  extra: Record<string, unknown> = {},
): void {
  it.each(table.map((row) => [errorText(row, paramFor(row)), row.field, row] as const))(
    '%s (%s) is parsed into a typed error with its status',
    async (_text, _field, row) => {
      await queueError(sandboxUrl(), path, row.code, paramFor(row));
      const err = await issue().catch((e: unknown) => e);
      expect(err).toBeInstanceOf(FaceIdError);
      expect(err).toMatchObject({
        code: row.code,
        status: row.status,
        param: paramFor(row),
        retryable: row.code === 'CONCURRENCY_LIMIT_EXCEEDED' || row.code === 'INTERNAL_ERROR',
        ...extra,
      });
    },
  );
}
