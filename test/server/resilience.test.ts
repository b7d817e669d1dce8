import { FaceIdError } from '../../server/errors';
import { CircuitBreaker, resilient, withRetry } from '../../server/providers/resilience';
import type { FaceIdProvider, ValidTokenRequest } from '../../server/providers/types';
import { completeFlow } from '../support/component-driver';
import { CONSENT, startHarness, type Harness } from '../support/harness';

type Answer = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
const noSleep = { sleep: async () => {}, random: () => 0.5, now: Date.now };

describe('withRetry', () => {
  it('retries transient failures with jittered, growing, capped delays', async () => {
    const delays: number[] = [];
    let calls = 0;
    const result = await withRetry(
      async () => {
        if (++calls < 3) throw new FaceIdError('INTERNAL_ERROR', { status: 500 });
        return 'ok';
      },
      { attempts: 3, baseDelayMs: 100, maxDelayMs: 150 },
      { sleep: async (ms) => void delays.push(ms), random: () => 0.99, now: Date.now },
    );
    expect(result).toBe('ok');
    expect(calls).toBe(3);
    expect(delays).toEqual([99, 148]);
  });

  it('does not retry a failure that will not change (bad arguments, auth)', async () => {
    let calls = 0;
    const failing = async () => {
      calls++;
      throw new FaceIdError('BAD_ARGUMENTS', { param: 'biz_token' });
    };
    await expect(withRetry(failing, undefined, noSleep)).rejects.toMatchObject({ code: 'BAD_ARGUMENTS' });
    expect(calls).toBe(1);
  });
});

describe('CircuitBreaker', () => {
  it('opens after repeated transient failures, answers SERVICE_BUSY, then lets a trial through', async () => {
    let now = 0;
    const breaker = new CircuitBreaker(3, 10_000, () => now);
    const fail = () => Promise.reject(new FaceIdError('UPSTREAM_TIMEOUT'));
    for (let i = 0; i < 3; i++)
      await expect(breaker.run(fail)).rejects.toMatchObject({ code: 'UPSTREAM_TIMEOUT' });
    let called = false;
    await expect(breaker.run(async () => (called = true))).rejects.toMatchObject({
      code: 'SERVICE_BUSY',
      message: expect.any(String),
    });
    expect(called).toBe(false);
    now = 10_001;
    await expect(breaker.run(async () => 'ok')).resolves.toBe('ok');
    expect(breaker.isOpen).toBe(false);
  });

  it('is not opened by the caller’s own mistakes', async () => {
    const breaker = new CircuitBreaker(2, 10_000);
    for (let i = 0; i < 5; i++)
      await breaker.run(() => Promise.reject(new FaceIdError('BAD_ARGUMENTS'))).catch(() => {});
    expect(breaker.isOpen).toBe(false);
  });
});

describe('resilient provider', () => {
  it('never retries get_biz_token, so a retry can never pay for a second token', async () => {
    let calls = 0;
    const provider = {
      name: 'fidlite',
      modes: ['ocr'],
      validate: () => {},
      issueToken: async () => {
        calls++;
        throw new FaceIdError('UPSTREAM_TIMEOUT');
      },
      fetchResult: async () => {
        throw new Error('unused');
      },
    } as unknown as FaceIdProvider;
    await expect(
      resilient(provider, new CircuitBreaker(), noSleep).issueToken({
        mode: 'ocr',
        bizNo: 'b',
        options: {},
      } as ValidTokenRequest),
    ).rejects.toMatchObject({
      code: 'UPSTREAM_TIMEOUT',
    });
    expect(calls).toBe(1);
  });
});

describe('getResult through faults (sandbox)', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness();
  });
  afterEach(async () => {
    await h.close();
  });

  it.each([
    [{ kind: 'status', status: 503 }],
    [{ kind: 'status', status: 429 }],
    [{ kind: 'reset' }],
    [{ kind: 'malformed' }],
  ])('retries get_result after %j and still reports the right outcome', async (fault) => {
    const token = await h.call<Answer>('getBizToken', { ...CONSENT, ...CONSENT, mode: 'ocr' });
    await completeFlow(h.sandbox.url, token.bizToken, 'SUCCESS');
    h.sandbox.injectFault({ ...(fault as object), path: '/lite/v1/get_result', times: 2 } as never);
    const answer = await h.call<Answer>('getResult', { bizToken: token.bizToken });
    expect(answer).toMatchObject({ ok: true, outcome: 'passed' });
    expect(h.upstream.calls('/lite/v1/get_result')).toHaveLength(3);
  });
});
