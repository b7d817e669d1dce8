import { FaceIdError } from '../../server/errors';
import { resilient } from '../../server/providers/resilience';
import type { FaceIdProvider, ValidTokenRequest } from '../../server/providers/types';
import { completeFlow } from '../support/component-driver';
import { CONSENT, startHarness, type Harness } from '../support/harness';

type Answer = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
const noSleep = { sleep: async () => {}, random: () => 0.5, now: Date.now };

let names = 0;
/** A provider whose calls run the given functions, under a name of its own (so a breaker of its own). */
function fakeProvider(calls: {
  issueToken?: () => Promise<unknown>;
  fetchResult?: () => Promise<unknown>;
}): FaceIdProvider {
  const unused = () => Promise.reject(new Error('unused'));
  return {
    name: `fake-${++names}`,
    validate: () => {},
    issueToken: calls.issueToken ?? unused,
    fetchResult: calls.fetchResult ?? unused,
  } as unknown as FaceIdProvider;
}
const REF = { bizToken: 't', resultRef: 'r' };

describe('get_result retries', () => {
  it('retries transient failures with jittered, growing delays, three attempts in all', async () => {
    const delays: number[] = [];
    let calls = 0;
    const provider = fakeProvider({
      fetchResult: async () => {
        if (++calls < 3) throw new FaceIdError('INTERNAL_ERROR', { status: 500 });
        return 'ok';
      },
    });
    const result = await resilient(provider, {
      sleep: async (ms) => void delays.push(ms),
      random: () => 0.99,
      now: Date.now,
    }).fetchResult(REF);
    expect(result).toBe('ok');
    expect(calls).toBe(3);
    expect(delays).toEqual([198, 396]);
  });

  it('does not retry a failure that will not change (bad arguments, auth)', async () => {
    let calls = 0;
    const provider = fakeProvider({
      fetchResult: async () => {
        calls++;
        throw new FaceIdError('BAD_ARGUMENTS', { param: 'biz_token' });
      },
    });
    await expect(resilient(provider, noSleep).fetchResult(REF)).rejects.toMatchObject({
      code: 'BAD_ARGUMENTS',
    });
    expect(calls).toBe(1);
  });
});

describe('the circuit breaker', () => {
  it('opens after 5 transient failures, answers SERVICE_BUSY for 30 s, then lets a trial through', async () => {
    let now = 0;
    let outcome: () => Promise<unknown> = () => Promise.reject(new FaceIdError('UPSTREAM_TIMEOUT'));
    let called = 0;
    const provider = resilient(
      fakeProvider({
        issueToken: () => {
          called++;
          return outcome();
        },
      }),
      { ...noSleep, now: () => now },
    );
    const issue = () => provider.issueToken({ mode: 'ocr', bizNo: 'b', options: {} } as ValidTokenRequest);
    for (let i = 0; i < 5; i++) await expect(issue()).rejects.toMatchObject({ code: 'UPSTREAM_TIMEOUT' });
    await expect(issue()).rejects.toMatchObject({ code: 'SERVICE_BUSY', message: expect.any(String) });
    expect(called).toBe(5);
    now = 30_001;
    outcome = async () => 'ok';
    await expect(issue()).resolves.toBe('ok');
    await expect(issue()).resolves.toBe('ok');
  });

  it('is not opened by the caller’s own mistakes', async () => {
    let called = 0;
    const provider = resilient(
      fakeProvider({
        issueToken: () => {
          called++;
          return Promise.reject(new FaceIdError('BAD_ARGUMENTS'));
        },
      }),
      noSleep,
    );
    for (let i = 0; i < 8; i++)
      await expect(
        provider.issueToken({ mode: 'ocr', bizNo: 'b', options: {} } as ValidTokenRequest),
      ).rejects.toMatchObject({ code: 'BAD_ARGUMENTS' });
    expect(called).toBe(8);
  });
});

describe('resilient provider', () => {
  it('never retries get_biz_token, so a retry can never pay for a second token', async () => {
    let calls = 0;
    const provider = fakeProvider({
      issueToken: async () => {
        calls++;
        throw new FaceIdError('UPSTREAM_TIMEOUT');
      },
    });
    await expect(
      resilient(provider, noSleep).issueToken({
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
