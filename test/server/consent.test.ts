/** Consent is a server rule: getBizToken buys nothing for a person without the current consent version. */
import { CONSENT_VERSION } from '../../miniprogram/shared/consent';
import { JPEG_FIXTURE } from '../../dev/sandbox/fixtures';
import { CONSENT, startHarness, type Harness } from '../support/harness';

type Answer = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const ID = { mode: 'idcard', idcardName: '张三', idcardNumber: '11010519491231002X' };
let h: Harness;

beforeAll(async () => {
  h = await startHarness({ FACEID_RATE_LIMIT: '1/600' });
});
afterAll(() => h.close());

const traffic = () => h.traffic();

describe('getBizToken from a person', () => {
  const photo = () => h.cloud.putFile('faceid/o-consent/ref-1.jpg', JPEG_FIXTURE.buffer);

  it.each([
    ['no consent version', {}],
    ['an old version', { consentVersion: '2020-01-01' }],
    ['a word instead of the version', { consentVersion: 'agreed' }],
    ['an empty version', { consentVersion: '' }],
  ])(
    'with %s answers CONSENT_REQUIRED before any download, database write or FaceID call',
    async (_name, consent) => {
      for (const event of [
        { ...ID, ...consent },
        { mode: 'reference', imageRef1: photo(), ...consent },
      ]) {
        const before = traffic();
        const answer = await h.call<Answer>('getBizToken', event, 'o-consent');
        expect(answer).toMatchObject({
          ok: false,
          error: {
            code: 'CONSENT_REQUIRED',
            param: 'consentVersion',
            message: '请先阅读并同意最新的认证说明',
            retryable: false,
          },
        });
        expect(traffic()).toEqual(before);
      }
    },
  );

  it('with the current version buys the token (the refusals took no rate-limit unit) and the record keeps the consent and its time', async () => {
    const before = Date.now();
    const answer = await h.call<Answer>('getBizToken', { ...CONSENT, ...ID }, 'o-consent');
    expect(answer).toMatchObject({ ok: true });
    const record = await h.record(answer.bizNo, 'o-consent');
    expect(record).toMatchObject({ openid: 'o-consent', consentVersion: CONSENT_VERSION });
    expect(record?.consentedAt).toBeGreaterThanOrEqual(before);
    expect(record?.consentedAt).toBeLessThanOrEqual(record!.createdAt);
    expect(h.upstream.calls('/lite/v1/get_biz_token')).toHaveLength(1);
  });
});

describe('getBizToken from the operator', () => {
  it('needs no consent version, but refuses one that is not current', async () => {
    const before = traffic();
    expect(await h.call<Answer>('getBizToken', { ...ID, consentVersion: '2020-01-01' }, null)).toMatchObject({
      ok: false,
      error: { code: 'CONSENT_REQUIRED' },
    });
    expect(traffic()).toEqual(before);
    const answer = await h.call<Answer>('getBizToken', { ...CONSENT, ...ID }, null);
    expect(answer).toMatchObject({ ok: true });
    expect(await h.record(answer.bizNo, null)).toMatchObject({
      openid: null,
      consentVersion: CONSENT_VERSION,
    });
  });
});
