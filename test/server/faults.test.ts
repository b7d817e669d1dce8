import { RESULT_CODES } from '../../miniprogram/shared/result-codes';
import { completeFlow } from '../support/component-driver';
import { CONSENT, startHarness, type Harness } from '../support/harness';

type Answer = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const OUTCOMES = [
  'SUCCESS',
  'PASS_LIVING_NOT_THE_SAME',
  'NO_ID_CARD_NUMBER',
  'FAIL_LIVING_FACE_ATTACK',
  'SR_ERROR',
  'FAIL_OCR_FAKE_IDCARD',
];
const TOKEN_FAULTS = [
  { kind: 'status', status: 500 },
  { kind: 'status', status: 429 },
  { kind: 'latency', ms: 800 },
  { kind: 'reset' },
  { kind: 'malformed' },
  { kind: 'too_large' },
  { kind: 'status', status: 503 },
];
const RESULT_FAULTS = [
  { kind: 'status', status: 502 },
  { kind: 'status', status: 429 },
  { kind: 'reset' },
  { kind: 'malformed' },
  { kind: 'latency', ms: 800 },
];

let h: Harness;
const unhandled: unknown[] = [];
const onUnhandled = (reason: unknown) => unhandled.push(reason);
beforeAll(async () => {
  h = await startHarness({ FACEID_TIMEOUT_MS: '300' });
  process.on('unhandledRejection', onUnhandled);
  jest.spyOn(console, 'log').mockImplementation(() => {});
  jest.spyOn(console, 'warn').mockImplementation(() => {});
});
afterAll(async () => {
  process.off('unhandledRejection', onUnhandled);
  jest.restoreAllMocks();
  await h.close();
});

it('drives 100 verifications through 5xx, 429, time-outs, resets, malformed JSON and 413 text without losing or corrupting a record', async () => {
  const expected = new Map<string, string>();
  const failures: Record<string, number> = {};
  const unconfirmed = new Set<string>();
  for (let i = 0; i < 100; i++) {
    const bizNo = `fault-${i}`;
    const mode = i % 2 ? 'ocr' : 'idcard';
    const event = { ...CONSENT, mode, bizNo, idcardName: '赵六', idcardNumber: '11010519491231002X' };
    if (i % 3 === 0)
      h.sandbox.injectFault({
        ...TOKEN_FAULTS[(i / 3) % TOKEN_FAULTS.length],
        path: '/lite/v1/get_biz_token',
        times: 1,
      } as never);
    let token = await h.call<Answer>('getBizToken', event);
    if (!token.ok) {
      const record = await h.record(bizNo);
      // FaceID's own refusal fails the record; a lost answer (it may have bought) leaves it unconfirmed.
      if (token.error.code === 'VERIFICATION_UNCONFIRMED') {
        expect(record).toMatchObject({ status: 'unconfirmed' });
        unconfirmed.add(record?.status === 'unconfirmed' ? record.errorCode : 'INTERNAL');
      } else expect(record).toMatchObject({ status: 'failed', errorCode: token.error.code });
      const seen = record?.status === 'failed' || record?.status === 'unconfirmed' ? record.errorCode : '?';
      failures[seen] = (failures[seen] ?? 0) + 1;
      token = await h.call<Answer>('getBizToken', event);
      expect(token.ok).toBe(true);
    }
    const outcome = OUTCOMES[i % OUTCOMES.length];
    expected.set(token.bizToken, outcome);
    await completeFlow(h.sandbox.url, token.bizToken, outcome);
    if (i % 4 === 1)
      h.sandbox.injectFault({
        ...RESULT_FAULTS[i % RESULT_FAULTS.length],
        path: '/lite/v1/get_result',
        times: 1 + (i % 2),
      } as never);
    let result = await h.call<Answer>('getResult', { bizToken: token.bizToken });
    for (let attempt = 0; !result.ok && attempt < 3; attempt++) {
      expect(result.error.retryable).toBe(true);
      result = await h.call<Answer>('getResult', { bizToken: token.bizToken });
    }
    expect(result).toMatchObject({ ok: true, resultMessage: outcome, outcome: outcomeOf(outcome) });
  }
  expect(Object.keys(failures).sort()).toEqual(
    expect.arrayContaining([
      'BAD_UPSTREAM_RESPONSE',
      'CONCURRENCY_LIMIT_EXCEEDED',
      'INTERNAL_ERROR',
      'NETWORK_ERROR',
      'REQUEST_TOO_LARGE',
      'UPSTREAM_TIMEOUT',
    ]),
  );

  // A time-out, a reset, a cut body, a gateway's 503 page: the answer was lost after the request left.
  expect([...unconfirmed].sort()).toEqual([
    'BAD_UPSTREAM_RESPONSE',
    'INTERNAL_ERROR',
    'NETWORK_ERROR',
    'UPSTREAM_TIMEOUT',
  ]);
  h.sandbox.clearFaults();
  const records = await h.store().listRecent({ limit: 1000, skip: 0 });
  expect(records).toHaveLength(100);
  for (const record of records) {
    if (record.status !== 'finished') throw new Error(`record ${record.bizNo} is ${record.status}`);
    const message = expected.get(record.bizToken)!;
    expect(record.result.outcome).toBe(outcomeOf(message));
    expect(record.result.resultMessage).toBe(message);
  }
  expect(unhandled).toEqual([]);
  // 100 verifications with injected time-outs: about 10 s on an idle machine, a limit far above a busy one's.
}, 240_000);

function outcomeOf(message: string): string {
  return RESULT_CODES.find((row) => row.message === message)!.outcome;
}
