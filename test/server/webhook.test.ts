/**
 * The outbox and the signed webhook on the production path: the bundles in their instances, the real SDK, the
 * sandbox, and a receiver on 127.0.0.1. The functions' clock is real: time passing is a delivery moved on
 * (`moveDelivery`). The verifier here follows docs/webhook.md and imports nothing from server/.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { completeFlow } from '../support/component-driver';
import { CONSENT, startHarness, type Harness } from '../support/harness';

type Answer = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const SECRET = 'whsec-test-0123456789abcdef';

/** What the receiver got: the raw body and headers of each request. */
interface Received {
  body: string;
  delivery: string | undefined;
  signature: string | undefined;
}

/** A business's receiver: answers each request as `mode` says at that moment. */
class Receiver {
  mode: 'ok' | 'fail' | 'hang' | 'slow' = 'ok';
  received: Received[] = [];
  private server: Server = createServer((req, res) => this.handle(req, res));
  private hanging: ServerResponse[] = [];
  port = 0;

  async start(port = 0): Promise<void> {
    await new Promise<void>((resolve) => this.server.listen(port, '127.0.0.1', resolve));
    this.port = (this.server.address() as AddressInfo).port;
  }

  /** Stops listening: a send meets a refused connection. */
  async down(): Promise<void> {
    for (const res of this.hanging) res.destroy();
    this.hanging = [];
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  async up(): Promise<void> {
    this.server = createServer((req, res) => this.handle(req, res));
    await this.start(this.port);
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      this.received.push({
        body: Buffer.concat(chunks).toString('utf8'),
        delivery: req.headers['x-faceid-delivery'] as string | undefined,
        signature: req.headers['x-faceid-signature'] as string | undefined,
      });
      if (this.mode === 'hang') this.hanging.push(res);
      else if (this.mode === 'slow') setTimeout(() => res.writeHead(204).end(), 300);
      else res.writeHead(this.mode === 'ok' ? 200 : 500).end();
    });
  }
}

/** docs/webhook.md's check, written here from the doc: the signature over "<t>.<raw body>", `t` at most 5 minutes old. */
function verify(secret: string, header: string | undefined, body: string, nowSeconds: number): boolean {
  const parts = Object.fromEntries((header ?? '').split(',').map((kv) => kv.split('=', 2)));
  const t = Number(parts.t);
  if (!Number.isInteger(t) || Math.abs(nowSeconds - t) > 300 || typeof parts.v1 !== 'string') return false;
  const expected = createHmac('sha256', secret).update(`${t}.${body}`).digest();
  const given = Buffer.from(parts.v1, 'hex');
  return given.length === expected.length && timingSafeEqual(given, expected);
}

let h: Harness;
let receiver: Receiver;
beforeEach(async () => {
  receiver = new Receiver();
  await receiver.start();
  h = await startHarness({
    FACEID_WEBHOOK_URL: `http://127.0.0.1:${receiver.port}/faceid`,
    FACEID_WEBHOOK_SECRET: SECRET,
  });
});
afterEach(async () => {
  await h.close();
  await receiver.down().catch(() => undefined);
});

/** A verification of `bizNo` through FaceID's flow up to its end at the sandbox (no notify reaches us). */
async function verified(bizNo: string, outcome = 'SUCCESS'): Promise<Answer> {
  const token = await h.call<Answer>('getBizToken', {
    ...CONSENT,
    mode: 'idcard',
    bizNo,
    idcardName: '王小五',
    idcardNumber: '11010519491231002X',
  });
  await completeFlow(h.sandbox.url, token.bizToken, outcome);
  return token;
}

const runTimer = () => h.call<Answer>('deliverResults', {}, null);

describe('the webhook (outbox, deliverResults, signature)', () => {
  it('tells the business the result once, signed, before getResult answers: masked fields only', async () => {
    const token = await verified('order-hook-1');
    const answer = await h.call<Answer>('getResult', { bizToken: token.bizToken });
    expect(answer).toMatchObject({ ok: true, outcome: 'passed' });
    expect(receiver.received).toHaveLength(1);
    const [got] = receiver.received;
    const body = JSON.parse(got.body) as Answer;
    expect(body).toEqual({
      id: got.delivery,
      bizNo: 'order-hook-1',
      externalRef: null,
      status: 'finished',
      outcome: 'passed',
      resultCode: 1000,
      mode: 'idcard',
      provider: 'fidlite',
      maskedName: '王**',
      maskedIdNumber: '1101**********002X',
      createdAt: expect.any(Number),
      endedAt: expect.any(Number),
    });
    expect(got.body).not.toContain('小五');
    expect(got.body).not.toContain('11010519491231002X');
    expect(got.body).not.toContain(token.bizToken);
    expect(verify(SECRET, got.signature, got.body, Math.floor(Date.now() / 1000))).toBe(true);
    expect(await h.record('order-hook-1')).toMatchObject({ delivery: { state: 'delivered', tries: 1 } });
    // Nothing is due: the timer sends nothing again.
    expect(await runTimer()).toMatchObject({ ok: true, delivered: 0 });
    expect(receiver.received).toHaveLength(1);
  });

  it('a forged or stale signature fails an independent verifier', async () => {
    const token = await verified('order-hook-2');
    await h.call<Answer>('getResult', { bizToken: token.bizToken });
    const [got] = receiver.received;
    const now = Math.floor(Date.now() / 1000);
    expect(verify(SECRET, got.signature, got.body, now)).toBe(true);
    expect(verify('another-secret-0123456789', got.signature, got.body, now)).toBe(false);
    expect(verify(SECRET, got.signature, got.body.replace('"passed"', '"failed"'), now)).toBe(false);
    expect(verify(SECRET, got.signature, got.body, now + 301)).toBe(false);
    const t = Number(/t=(\d+)/.exec(got.signature ?? '')?.[1]);
    const replayed = got.signature?.replace(`t=${t}`, `t=${t + 1000}`);
    expect(verify(SECRET, replayed, got.body, t + 1000)).toBe(false);
  });

  it('a receiver down for an hour gets the result once it is up again', async () => {
    await receiver.down();
    const token = await verified('order-hook-down');
    expect(await h.call<Answer>('getResult', { bizToken: token.bizToken })).toMatchObject({
      outcome: 'passed',
    });
    let record = await h.record('order-hook-down');
    expect(record?.delivery).toMatchObject({ state: 'pending', tries: 1, lastResult: 'refused' });
    let waited = 0;
    while (waited < 60 * 60 * 1000) {
      const delivery = (await h.record('order-hook-down'))!.delivery!;
      const delay = delivery.due - Date.now();
      waited += delay;
      await h.moveDelivery('order-hook-down', delay);
      expect(await runTimer()).toMatchObject({ delivered: 0, retried: 1 });
    }
    await receiver.up();
    const id = (await h.record('order-hook-down'))!.delivery!.id;
    await h.moveDelivery('order-hook-down', 120 * 60 * 1000);
    expect(await runTimer()).toMatchObject({ delivered: 1 });
    expect(await runTimer()).toMatchObject({ delivered: 0 });
    expect(receiver.received.map((r) => r.delivery)).toEqual([id]);
    record = await h.record('order-hook-down');
    expect(record?.delivery).toMatchObject({ state: 'delivered', tries: 8 });
  });

  it('answering 500 is retried with a growing back-off, then dead after 24 hours', async () => {
    receiver.mode = 'fail';
    const token = await verified('order-hook-500', 'PASS_LIVING_NOT_THE_SAME');
    await h.call<Answer>('getResult', { bizToken: token.bizToken });
    const delays: number[] = [];
    for (let run = 0; run < 4; run++) {
      const delivery = (await h.record('order-hook-500'))!.delivery!;
      expect(delivery).toMatchObject({ state: 'pending', tries: run + 1, lastResult: '500' });
      delays.push(delivery.due - Date.now());
      await h.moveDelivery('order-hook-500', delays[run]);
      await runTimer();
    }
    expect(delays[1]).toBeGreaterThan(delays[0] * 1.5);
    expect(delays[2]).toBeGreaterThan(delays[1] * 1.5);
    expect(delays[3]).toBeGreaterThan(delays[2] * 1.5);
    await h.moveDelivery('order-hook-500', 24 * 60 * 60 * 1000);
    expect(await runTimer()).toMatchObject({ dead: 1 });
    expect(await h.record('order-hook-500')).toMatchObject({ delivery: { state: 'dead', tries: 6 } });
    expect(receiver.received).toHaveLength(6);
    expect(new Set(receiver.received.map((r) => r.delivery)).size).toBe(1);
  });

  it('a function stopped right after the transition: the timer delivers what it recorded', async () => {
    receiver.mode = 'hang';
    const token = await verified('order-hook-stop');
    // Warm instances, so the stop falls after the transition, during the first try.
    await Promise.all([0, 1].map(() => h.call<Answer>('whoami', {})));
    h.setTimeout('getResult', 1500);
    await expect(h.call('getResult', { bizToken: token.bizToken })).rejects.toThrow(/timed out/);
    h.setTimeout('getResult', undefined);
    const stopped = await h.record('order-hook-stop');
    expect(stopped).toMatchObject({ status: 'finished', delivery: { state: 'pending', tries: 0 } });
    expect(receiver.received).toHaveLength(1);
    receiver.mode = 'ok';
    // The stopped function's claim would hold a few more seconds: as if they had passed.
    await h.moveDelivery('order-hook-stop');
    expect(await runTimer()).toMatchObject({ delivered: 1 });
    expect(receiver.received.map((r) => r.delivery)).toEqual([stopped!.delivery!.id, stopped!.delivery!.id]);
  });

  it('two timers racing send a delivery once', async () => {
    await receiver.down();
    const token = await verified('order-hook-race');
    await h.call<Answer>('getResult', { bizToken: token.bizToken });
    await receiver.up();
    receiver.mode = 'slow';
    await h.moveDelivery('order-hook-race');
    const reports = await Promise.all([runTimer(), runTimer()]);
    expect(reports.map((r) => r.delivered).sort()).toEqual([0, 1]);
    expect(receiver.received).toHaveLength(1);
  });

  it('re-pulls a flow that ended without a notify, then delivers it', async () => {
    const token = await verified('order-hook-repull', 'USER_CANCEL');
    expect(await h.record('order-hook-repull')).toMatchObject({ status: 'issued' });
    // Nobody read it for a while (the person closed the mini-program, the notify never came).
    await h.ageRecord('order-hook-repull', { createdAt: Date.now() - 10 * 60 * 1000 });
    expect(await runTimer()).toMatchObject({ repulled: 1, settled: 1 });
    expect(await h.record('order-hook-repull')).toMatchObject({
      status: 'cancelled',
      delivery: { state: 'delivered' },
    });
    expect(JSON.parse(receiver.received[0].body)).toMatchObject({
      bizNo: 'order-hook-repull',
      status: 'cancelled',
      outcome: 'cancelled',
    });
    expect(token.bizToken).toBeDefined();
  });

  it('a token request whose answer was lost is delivered as unconfirmed', async () => {
    h.sandbox.injectFault({ kind: 'reset', path: '/lite/v1/get_biz_token' });
    const failed = await h.call<Answer>('getBizToken', { ...CONSENT, mode: 'ocr', bizNo: 'order-hook-lost' });
    expect(failed).toMatchObject({ ok: false, error: { code: 'VERIFICATION_UNCONFIRMED' } });
    expect(JSON.parse(receiver.received[0].body)).toMatchObject({
      bizNo: 'order-hook-lost',
      status: 'unconfirmed',
      outcome: null,
      resultCode: null,
    });
  });

  it('a user of the mini-program cannot run deliverResults', async () => {
    expect(await h.call<Answer>('deliverResults', {})).toMatchObject({
      ok: false,
      error: { code: 'FORBIDDEN' },
    });
  });
});
