/**
 * docs/webhook.md's receiver, run exactly as the doc prints it (its ```js block, in its own Node.js process),
 * against real deliveries of the bundled functions.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { createHmac } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { completeFlow } from '../support/component-driver';
import { CONSENT, startHarness, type Harness } from '../support/harness';

type Answer = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const SECRET = 'doc-receiver-secret-0123456789';
const DOC = readFileSync(join(__dirname, '..', '..', 'docs', 'webhook.md'), 'utf8');
const RECEIVER = /```js\n([\s\S]*?)```/.exec(DOC)?.[1] ?? '';

let dir: string;
let child: ChildProcessWithoutNullStreams;
let lines: string[];
let port: number;
let h: Harness;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'webhook-doc-'));
  writeFileSync(join(dir, 'receiver.js'), RECEIVER);
  child = spawn(process.execPath, [join(dir, 'receiver.js')], {
    env: { PATH: process.env.PATH, FACEID_WEBHOOK_SECRET: SECRET, PORT: '0' },
  });
  lines = [];
  port = await new Promise<number>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`the receiver exited with ${code}`)));
    child.stdout.setEncoding('utf8').on('data', (text: string) => {
      lines.push(...text.split('\n').filter(Boolean));
      const listening = lines.map((l) => /^listening on (\d+)$/.exec(l)).find(Boolean);
      if (listening) resolve(Number(listening[1]));
    });
  });
  h = await startHarness({
    FACEID_WEBHOOK_URL: `http://127.0.0.1:${port}/faceid`,
    FACEID_WEBHOOK_SECRET: SECRET,
  });
});
afterAll(async () => {
  await h.close();
  child.kill();
  rmSync(dir, { recursive: true, force: true });
});

/** Posts a body with a signature made at `t` (unix seconds) with `secret`; resolves the receiver's status. */
async function post(body: string, t: number, secret = SECRET): Promise<number> {
  const v1 = createHmac('sha256', secret).update(`${t}.${body}`).digest('hex');
  const res = await fetch(`http://127.0.0.1:${port}/faceid`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-faceid-signature': `t=${t},v1=${v1}` },
    body,
  });
  return res.status;
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 200));

describe("docs/webhook.md's receiver", () => {
  it('is about 20 lines', () => {
    expect(RECEIVER.trim().split('\n').length).toBeLessThanOrEqual(30);
  });

  it('verifies a real delivery, ignores its id the second time, refuses a stale or forged one', async () => {
    const token = await h.call<Answer>('getBizToken', { ...CONSENT, mode: 'ocr', bizNo: 'order-doc-1' });
    await completeFlow(h.sandbox.url, token.bizToken, 'SUCCESS');
    await h.call<Answer>('getResult', { bizToken: token.bizToken });
    await settle();
    expect(lines).toContain('order-doc-1 finished passed');
    expect(await h.record('order-doc-1')).toMatchObject({ delivery: { state: 'delivered', tries: 1 } });

    // The operator's redeliver sends it again, same id: the receiver takes it (2xx) and does nothing twice.
    const record = await h.record('order-doc-1');
    await h.store().requeueDelivery(record!, { ...record!.delivery!, state: 'pending', tries: 0 });
    await h.moveDelivery('order-doc-1');
    expect(await h.call<Answer>('deliverResults', {}, null)).toMatchObject({ delivered: 1 });
    await settle();
    expect(lines.filter((l) => l.startsWith('order-doc-1'))).toHaveLength(1);

    const body = JSON.stringify({ id: 'another-delivery', bizNo: 'order-doc-2', status: 'finished' });
    const now = Math.floor(Date.now() / 1000);
    expect(await post(body, now - 301)).toBe(401);
    expect(await post(body, now, 'a-secret-it-does-not-know')).toBe(401);
    expect(await post(body, now)).toBe(200);
    await settle();
    expect(lines).toContain('order-doc-2 finished undefined');
  });
});
