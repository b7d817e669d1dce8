import fc from 'fast-check';
import { APP_ERROR_CODES, FACEID_ERROR_CODES } from '../../miniprogram/shared/errors';
import { startHarness, type Harness } from '../support/harness';

type Answer = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** Events per function; FUZZ_RUNS scales every count (e.g. FUZZ_RUNS=1000 for a quick look). */
const RUNS = Number(process.env.FUZZ_RUNS ?? 10_000);
/**
 * The functions that ignore most of the event but read the database on every call (a list, a purge) get a fifth of
 * the events: the same shapes reach them, at a cost the 2-core CI machine carries.
 */
const RUNS_BY_FUNCTION: Record<string, number> = {
  listVerifications: Math.ceil(RUNS / 5),
  purgeVerifications: Math.ceil(RUNS / 5),
};
/**
 * A limit by count, not speed: about 9 times the idle machine’s worst cost per event (3.4 ms, the purge), so a
 * machine busy with another full test run still finishes every event.
 */
const MS_PER_EVENT_LIMIT = 30;
const KNOWN_CODES = new Set<string>([...FACEID_ERROR_CODES, ...APP_ERROR_CODES]);
/** Codes that can only follow an upstream call (the stub upstream answers 500, the breaker then SERVICE_BUSY). */
const UPSTREAM_CODES = new Set(['INTERNAL_ERROR', 'SERVICE_BUSY']);

const nasty = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.constantFrom(
    '',
    ' ',
    '\u0000',
    '\ud800',
    '𠀀'.repeat(40),
    '张三',
    '11010519491231002X',
    '11010519491231002x',
    'x'.repeat(20_000),
  ),
  fc.constantFrom(
    '__proto__',
    'constructor',
    'prototype',
    'toString',
    'cloud://env.bucket/faceid/o-fuzz/ref.jpg',
    '../../etc/passwd',
  ),
);
const anyValue: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small' },
    nasty,
    fc.integer(),
    fc.double(),
    fc.boolean(),
    fc.constant(null),
    fc.constant(undefined),
    fc.array(tie('value'), { maxLength: 3 }),
    fc.dictionary(nasty, tie('value'), { maxKeys: 3 }),
  ),
})).value;

const KEYS = [
  'mode',
  'idcardName',
  'idcardNumber',
  'imageRef1',
  'imageRef2',
  'uuid',
  'bizNo',
  'consentVersion',
  'options',
  'bizToken',
  'page',
  'pageSize',
  'openid',
  'httpMethod',
  'body',
  'headers',
  '__proto__',
  'constructor',
];
const event = fc.oneof(
  anyValue,
  fc.dictionary(fc.constantFrom(...KEYS), anyValue, { maxKeys: 6 }),
  fc.record(
    {
      mode: fc.oneof(fc.constantFrom('idcard', 'reference', 'liveness', 'IDCARD', 'ocr '), anyValue),
      idcardName: anyValue,
      idcardNumber: anyValue,
      imageRef1: anyValue,
      options: fc.oneof(
        anyValue,
        fc.dictionary(
          fc.constantFrom('securityLevel', 'livenessRetryCount', 'idcardSide', '__proto__', 'x'),
          anyValue,
        ),
      ),
    },
    { requiredKeys: ['mode'] },
  ),
  fc
    .constantFrom('{"__proto__":{"polluted":1}}', '{"constructor":{"prototype":{"polluted":1}}}')
    .map((s) => JSON.parse(s) as unknown),
);

let h: Harness;
const unhandled: unknown[] = [];
const onUnhandled = (reason: unknown) => unhandled.push(reason);

beforeAll(async () => {
  // Every upstream call fails, so any call that slips through shows up as INTERNAL_ERROR or SERVICE_BUSY.
  h = await startHarness({ FACEID_RATE_LIMIT: '100000/600' });
  h.sandbox.injectFault({ kind: 'status', status: 500, times: 1_000_000 } as never);
  process.on('unhandledRejection', onUnhandled);
  jest.spyOn(console, 'log').mockImplementation(() => {});
  jest.spyOn(console, 'warn').mockImplementation(() => {});
});
afterAll(async () => {
  process.off('unhandledRejection', onUnhandled);
  jest.restoreAllMocks();
  await h.close();
});

describe.each([
  'getBizToken',
  'getResult',
  'whoami',
  'preparePhoto',
  'listVerifications',
  'deleteVerification',
  'purgeVerifications',
  'faceidNotify',
  'faceidResults',
])('%s with generated events', (name) => {
  const runs = RUNS_BY_FUNCTION[name] ?? RUNS;
  it(
    `answers ${runs} hostile events with the error shape, never throwing, never calling FaceID for invalid input`,
    async () => {
      await fc.assert(
        fc.asyncProperty(event, fc.constantFrom('o-fuzz', null), async (ev, openid) => {
          const before = h.upstream.requests.length;
          const answer = await h.call<Answer>(name, ev, openid);
          expect(answer && typeof answer).toBe('object');
          if ('statusCode' in answer) {
            expect(answer.statusCode).toBeGreaterThanOrEqual(200);
            expect(answer.statusCode).toBeLessThan(600);
            return;
          }
          if (answer.ok === true) return;
          expect(answer.ok).toBe(false);
          expect(KNOWN_CODES.has(answer.error.code)).toBe(true);
          expect(answer.error.message).toMatch(/[\u4e00-\u9fa5]/);
          expect(typeof answer.error.retryable).toBe('boolean');
          if (!UPSTREAM_CODES.has(answer.error.code)) expect(h.upstream.requests.length).toBe(before);
        }),
        { numRuns: runs },
      );
      expect(unhandled).toEqual([]);
      expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    },
    Math.max(60_000, runs * MS_PER_EVENT_LIMIT),
  );
});
