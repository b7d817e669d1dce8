/** Drives a verification through the sandbox's component endpoints, as the FaceID component would. */
import { JPEG_FIXTURE, VIDEO_FIXTURE } from '../../dev/sandbox/fixtures';

async function json(res: Response): Promise<Record<string, unknown>> {
  const text = await res.text();
  try {
    return JSON.parse(text) as Record<string, unknown>;
  } catch {
    return { status: res.status, text };
  }
}

function upload(field: string, data: Buffer, type: string, fields: Record<string, string>): FormData {
  const form = new FormData();
  for (const [k, v] of Object.entries(fields)) form.append(k, v);
  form.append(
    field,
    // eslint-disable-next-line @typescript-eslint/no-unnecessary-type-assertion -- tsc needs it: a Buffer's ArrayBufferLike is no BlobPart
    new Blob([data as Uint8Array<ArrayBuffer>], { type }),
    field === 'video' ? 'video.mp4' : 'idcard.jpg',
  );
  return form;
}

/** Completes the flow of `bizToken` with the given outcome (a result_message); returns the last answer. */
export async function completeFlow(
  sandboxUrl: string,
  bizToken: string,
  outcome = 'SUCCESS',
): Promise<Record<string, unknown>> {
  const base = `${sandboxUrl}/lite/v1`;
  const configRes = await fetch(`${base}/get_config?biz_token=${encodeURIComponent(bizToken)}`);
  if (configRes.status !== 200) throw new Error(`get_config answered ${configRes.status}`);
  const config = await json(configRes);
  if (config.group === 1) {
    const sides = config.idcard_side === 1 ? ['0'] : ['0', '1'];
    for (const side of sides) {
      const ocr = await json(
        await fetch(`${base}/ocridcard`, {
          method: 'POST',
          body: upload('idcard_image', JPEG_FIXTURE.buffer, 'image/jpeg', { biz_token: bizToken, side }),
        }),
      );
      if (String(ocr.result_code) !== '1000') return ocr;
    }
    await fetch(`${base}/ocridcard_confirm`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ biz_token: bizToken }),
    });
  }
  for (let attempt = 0; attempt < 6; attempt++) {
    const answer = await json(
      await fetch(`${base}/video_verify`, {
        method: 'POST',
        body: upload('video', VIDEO_FIXTURE, 'video/mp4', { biz_token: bizToken, sandbox_outcome: outcome }),
      }),
    );
    if (String(answer.result_code) !== '4200' || answer.result_message === 'VIDEO_MANY_TIMES') return answer;
  }
  throw new Error('flow did not end');
}
