/** Issues FaceID tokens from the sandbox, as the getBizToken cloud function would, for the mini-program tests. */
import { app, httpRequest, resetHarness } from './harness';
import { startSandbox, type Sandbox } from '../../dev/sandbox';

export const TEST_APPCODE = 'mp-test-appcode';
export type TokenKind = 'idcard' | 'ocr';

/** A fresh biz_token from the sandbox's fidlite get_biz_token. */
export async function issueToken(
  sandboxUrl: string,
  kind: TokenKind = 'idcard',
  extra: Record<string, string> = {},
): Promise<string> {
  const fields: Record<string, string> = {
    return_url: 'https://example.invalid/return',
    notify_url: 'http://127.0.0.1:9/notify',
    liveness_type: 'video_number',
    comparison_type: '1',
    group: kind === 'ocr' ? '1' : '0',
    ...(kind === 'idcard' ? { idcard_name: '张三', idcard_number: '11010519491231002X' } : {}),
    ...extra,
  };
  const res = await httpRequest(
    'POST',
    `${sandboxUrl}/lite/v1/get_biz_token`,
    { authorization: `APPCODE ${TEST_APPCODE}`, 'content-type': 'application/x-www-form-urlencoded' },
    Buffer.from(new URLSearchParams(fields).toString()),
  );
  const body = JSON.parse(res.body) as { biz_token?: string; error?: string };
  if (res.status !== 200 || !body.biz_token) throw new Error(`get_biz_token: ${res.status} ${res.body}`);
  return body.biz_token;
}

/**
 * Runs one sandbox for the calling test file (closed after it); before each test resets the harness and the
 * sandbox and points the FaceID stand-in at it. `ready` runs once after it starts; the getter answers the sandbox.
 */
export function useSandbox(ready: () => void = () => undefined): () => Sandbox {
  let sandbox: Sandbox;
  beforeAll(async () => {
    sandbox = await startSandbox({ port: 0, appcode: TEST_APPCODE, quiet: true });
    ready();
  });
  afterAll(async () => {
    await sandbox.close();
  });
  beforeEach(() => {
    resetHarness();
    sandbox.reset();
    app.globalData.faceidHost = sandbox.url;
  });
  return () => sandbox;
}
