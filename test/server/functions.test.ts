import { JPEG_FIXTURE, makePng } from '../../dev/sandbox/fixtures';
import { completeFlow } from '../support/component-driver';
import { CONSENT_VERSION } from '../../miniprogram/shared/consent';
import { CONSENT, startHarness, TEST_OPERATOR, type Harness } from '../support/harness';

const NAME = '张三';
const ID = '11010519491231002X';
type Answer = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

let h: Harness;
beforeEach(async () => {
  h = await startHarness();
});
afterEach(async () => {
  await h.close();
});

const tokenCalls = () => h.upstream.calls('/lite/v1/get_biz_token').length;
const resultCalls = () => h.upstream.calls('/lite/v1/get_result').length;

describe('getBizToken', () => {
  it('issues a token for ID-card details and records the verification masked', async () => {
    const answer = await h.call<Answer>('getBizToken', {
      ...CONSENT,
      ...CONSENT,
      mode: 'idcard',
      idcardName: NAME,
      idcardNumber: '11010519491231002x',
    });
    expect(answer).toMatchObject({ ok: true, provider: 'fidlite', client: { kind: 'component' } });
    expect(answer.bizToken).toMatch(/^\d+,[0-9a-f]{32}$/);
    expect(answer.client.token).toBe(answer.bizToken);
    expect(answer.expiresAt).toBeGreaterThan(Date.now() + 59 * 60 * 1000);
    const record = await h.record(answer.bizNo);
    expect(record).toMatchObject({
      openid: 'o-user-1',
      bizToken: answer.bizToken,
      mode: 'idcard',
      provider: 'fidlite',
      status: 'issued',
      consentVersion: CONSENT_VERSION,
      maskedName: '张*',
      maskedIdNumber: '1101**********002X',
    });
    expect(record?.consentedAt).toBeGreaterThanOrEqual(record!.createdAt - 1000);
    expect(record?.consentedAt).toBeLessThanOrEqual(record!.createdAt);
    expect(JSON.stringify(record)).not.toContain(ID);
    expect(JSON.stringify(record)).not.toContain(NAME);
    const sent = new URLSearchParams(h.upstream.calls('/lite/v1/get_biz_token')[0].body.toString());
    expect(sent.get('idcard_number')).toBe(ID);
  });

  it.each([
    [
      { mode: 'idcard', idcardName: NAME, idcardNumber: '110105194912310021' },
      'INVALID_IDCARD_NUMBER',
      '身份证号校验位不正确，请核对',
    ],
    [{ mode: 'idcard', idcardName: NAME }, 'MISSING_ARGUMENTS', '请输入身份证号'],
    [
      { mode: 'idcard', idcardName: '张'.repeat(33), idcardNumber: ID },
      'INVALID_NAME_FORMAT',
      '姓名不能超过 32 个字',
    ],
    [{ mode: 'face' }, 'INVALID_EVENT', '认证方式不正确，请检查后重试'],
    [{}, 'MISSING_ARGUMENTS', '缺少认证方式，请补充后重试'],
    [null, 'INVALID_EVENT', '请求内容不正确，请检查后重试'],
    [
      { mode: 'ocr', options: { securityLevel: 4 } },
      'BAD_ARGUMENTS',
      'security_level格式不正确，请检查后重试',
    ],
    [{ mode: 'ocr', options: { livenessRetryCount: 6 } }, 'BAD_ARGUMENTS', undefined],
    [{ mode: 'ocr', options: { idcardThreshold: 1.5 } }, 'BAD_ARGUMENTS', undefined],
    [{ mode: 'ocr', options: { securityLevel: '2' } }, 'BAD_ARGUMENTS', undefined],
    [{ mode: 'ocr', options: { colour: 1 } }, 'INVALID_EVENT', undefined],
    [{ mode: 'ocr', bizNo: 'has space' }, 'INVALID_EVENT', undefined],
    [{ mode: 'reference' }, 'MISSING_ARGUMENTS', undefined],
    [{ mode: 'liveness', uuid: 'u1' }, 'INVALID_EVENT', undefined],
  ])('refuses %j with %s before any upstream call', async (event, code, message) => {
    const answer = await h.call<Answer>('getBizToken', event && { ...CONSENT, ...event });
    expect(answer.ok).toBe(false);
    expect(answer.error.code).toBe(code);
    expect(answer.error.message).toMatch(/[\u4e00-\u9fa5]/);
    if (message) expect(answer.error.message).toBe(message);
    expect(h.upstream.requests).toHaveLength(0);
  });

  it.each(['FACEID_APPCODE', 'FACEID_NOTIFY_URL', 'FACEID_RETURN_URL'])(
    'answers CONFIG_MISSING naming %s, with no upstream call',
    async (name) => {
      delete process.env[name];
      const answer = await h.call<Answer>('getBizToken', { ...CONSENT, ...CONSENT, mode: 'ocr' });
      expect(answer).toEqual({
        ok: false,
        error: { code: 'CONFIG_MISSING', param: name, message: expect.any(String), retryable: false },
      });
      expect(h.upstream.requests).toHaveLength(0);
    },
  );

  it('sends reference photos from cloud storage as multipart, only from the caller’s own folder', async () => {
    const fileID = await h.uploadPhoto(JPEG_FIXTURE.buffer);
    const answer = await h.call<Answer>('getBizToken', {
      ...CONSENT,
      ...CONSENT,
      mode: 'reference',
      imageRef1: fileID,
    });
    expect(answer.ok).toBe(true);
    const sent = h.upstream.calls('/lite/v1/get_biz_token')[0];
    expect(sent.headers['content-type']).toMatch(/^multipart\/form-data; boundary=/);
    expect(sent.body.includes(JPEG_FIXTURE.buffer)).toBe(true);

    const other = await h.uploadPhoto(JPEG_FIXTURE.buffer, 'o-user-2');
    const refused = await h.call<Answer>('getBizToken', {
      ...CONSENT,
      ...CONSENT,
      mode: 'reference',
      imageRef1: other,
    });
    expect(refused.error).toMatchObject({
      code: 'FORBIDDEN',
      reason: 'PHOTO_NOT_OWN',
      message: '只能使用您本人上传的照片',
    });
    expect(tokenCalls()).toBe(1);
  });

  it('refuses a reference file that is not an image, or larger than 4096 px, without calling FaceID', async () => {
    const text = await h.uploadPhoto(Buffer.from('not an image at all'));
    expect(
      (await h.call<Answer>('getBizToken', { ...CONSENT, ...CONSENT, mode: 'reference', imageRef1: text }))
        .error.code,
    ).toBe('INVALID_IMAGE');
    const huge = await h.uploadPhoto(makePng(4097, 8));
    expect(
      (await h.call<Answer>('getBizToken', { ...CONSENT, ...CONSENT, mode: 'reference', imageRef1: huge }))
        .error,
    ).toMatchObject({ code: 'INVALID_IMAGE_SIZE', param: 'image_ref1' });
    expect(h.upstream.requests).toHaveLength(0);
  });

  it('returns the same token for a repeated bizNo instead of paying for a second one', async () => {
    const event = { ...CONSENT, mode: 'ocr', bizNo: 'order-42' };
    const first = await h.call<Answer>('getBizToken', event);
    const second = await h.call<Answer>('getBizToken', event);
    expect(second).toEqual(first);
    expect(tokenCalls()).toBe(1);
  });

  it('keeps one user’s bizNo from another’s: sending it first neither blocks, reveals nor reaches the owner', async () => {
    const event = { ...CONSENT, mode: 'ocr', bizNo: 'order-future-7' };
    const other = await h.call<Answer>('getBizToken', event, 'o-user-2');
    expect(other).toMatchObject({ ok: true, bizNo: 'order-future-7' });
    const mine = await h.call<Answer>('getBizToken', event);
    expect(mine).toMatchObject({ ok: true, bizNo: 'order-future-7' });
    expect(mine.bizToken).not.toBe(other.bizToken);
    expect(tokenCalls()).toBe(2);
    // Neither reaches the other's record by the bizNo: each reads and deletes only their own.
    expect(await h.call<Answer>('getResult', { bizNo: 'order-future-7' })).toMatchObject({
      bizToken: mine.bizToken,
    });
    expect(await h.call<Answer>('getResult', { bizNo: 'order-future-7' }, 'o-user-2')).toMatchObject({
      bizToken: other.bizToken,
    });
    expect(await h.call('deleteVerification', { bizNo: 'order-future-7' }, 'o-user-2')).toEqual({
      ok: true,
      deleted: true,
    });
    expect(await h.record('order-future-7')).toMatchObject({ status: 'issued', bizToken: mine.bizToken });
    const listed = await h.call<Answer>('listVerifications', {});
    expect(listed.items.filter((i: Answer) => i.bizNo === 'order-future-7')).toEqual([
      expect.objectContaining({ bizToken: mine.bizToken }),
    ]);
  });

  it('records console calls (no openid) as such', async () => {
    const answer = await h.call<Answer>('getBizToken', { ...CONSENT, ...CONSENT, mode: 'ocr' }, null);
    expect(answer.ok).toBe(true);
    expect((await h.record(answer.bizNo, null))?.openid).toBeNull();
  });

  it('maps upstream failures to typed errors and marks the record failed', async () => {
    h.sandbox.setAccountStatus('BALANCE_NOT_ENOUGH');
    const answer = await h.call<Answer>('getBizToken', {
      ...CONSENT,
      ...CONSENT,
      mode: 'ocr',
      bizNo: 'acct-1',
    });
    expect(answer.error).toMatchObject({ code: 'AUTHORIZATION_ERROR', retryable: false });
    expect(await h.record('acct-1')).toMatchObject({
      status: 'failed',
      errorCode: 'AUTHORIZATION_ERROR',
    });
    h.sandbox.setAccountStatus(null);
    const retried = await h.call<Answer>('getBizToken', {
      ...CONSENT,
      ...CONSENT,
      mode: 'ocr',
      bizNo: 'acct-1',
    });
    expect(retried.ok).toBe(true);
  });

  it.each([
    // FaceID's own error answers prove nothing was bought: the record fails and the person reads FaceID's code.
    [{ kind: 'status', status: 429 }, 'CONCURRENCY_LIMIT_EXCEEDED', 'failed'],
    [{ kind: 'status', status: 500 }, 'INTERNAL_ERROR', 'failed'],
    [{ kind: 'too_large' }, 'REQUEST_TOO_LARGE', 'failed'],
    // A gateway's page, a cut body or a reset after sending prove nothing: a token may have been bought.
    [{ kind: 'status', status: 502 }, 'INTERNAL_ERROR', 'unconfirmed'],
    [{ kind: 'malformed' }, 'BAD_UPSTREAM_RESPONSE', 'unconfirmed'],
    [{ kind: 'reset' }, 'NETWORK_ERROR', 'unconfirmed'],
  ])('turns fault %j (%s) into a %s record', async (fault, code, status) => {
    h.sandbox.injectFault({ ...(fault as object), path: '/lite/v1/get_biz_token', times: 1 } as never);
    const answer = await h.call<Answer>('getBizToken', {
      ...CONSENT,
      mode: 'ocr',
      bizNo: `fault-${code}-${status}`,
    });
    expect(answer.error).toMatchObject(
      status === 'failed'
        ? { code }
        : { code: 'VERIFICATION_UNCONFIRMED', retryable: true, message: '上次认证未能确认，请重新开始' },
    );
    expect(await h.record(`fault-${code}-${status}`)).toMatchObject({ status, errorCode: code });
  });

  it('gives up after FACEID_TIMEOUT_MS, and says the verification could not be confirmed', async () => {
    process.env.FACEID_TIMEOUT_MS = '200';
    h.sandbox.injectFault({ kind: 'latency', ms: 1500, path: '/lite/v1/get_biz_token', times: 1 } as never);
    const answer = await h.call<Answer>('getBizToken', { ...CONSENT, mode: 'ocr', bizNo: 'slow-1' });
    expect(answer.error).toMatchObject({
      code: 'VERIFICATION_UNCONFIRMED',
      retryable: true,
      message: '上次认证未能确认，请重新开始',
    });
    expect(await h.record('slow-1')).toMatchObject({ status: 'unconfirmed', errorCode: 'UPSTREAM_TIMEOUT' });
  });
});

describe('getResult', () => {
  async function issue(event: object, openid = 'o-user-1'): Promise<Answer> {
    const answer = await h.call<Answer>('getBizToken', { ...CONSENT, ...CONSENT, ...event }, openid);
    expect(answer.ok).toBe(true);
    return answer;
  }

  it('reports a passed ID-card verification with its confidence band, then serves it from the record', async () => {
    const { bizToken, bizNo } = await issue({ mode: 'idcard', idcardName: NAME, idcardNumber: ID });
    await completeFlow(h.sandbox.url, bizToken, 'SUCCESS');
    const answer = await h.call<Answer>('getResult', { bizToken });
    expect(answer).toMatchObject({
      ok: true,
      bizToken,
      bizNo,
      outcome: 'passed',
      resultCode: 1000,
      resultMessage: 'SUCCESS',
      retryable: false,
      finished: true,
      verification: { against: 'idcard', level: '1e-6' },
      // The identity it confirmed, masked: what the person typed (FaceID recognises nothing in this mode).
      idcard: { name: '张*', idcardNumber: '1101**********002X' },
    });
    expect(JSON.stringify(answer)).not.toContain(ID);
    expect(answer.verification.confidence).toBeGreaterThan(answer.verification.thresholds['1e-6']);
    expect(JSON.stringify(answer)).not.toMatch(/image_best|base64|\/9j\//);
    expect(resultCalls()).toBe(1);
    expect(await h.call<Answer>('getResult', { bizToken })).toEqual(answer);
    expect(resultCalls()).toBe(1);
    expect(await h.record(bizNo)).toMatchObject({
      status: 'finished',
      result: { outcome: 'passed', resultCode: 1000 },
    });
  });

  it('reports not-the-same-person with a band below 1e-3, and no identity it did not confirm', async () => {
    const { bizToken } = await issue({ mode: 'idcard', idcardName: NAME, idcardNumber: ID });
    await completeFlow(h.sandbox.url, bizToken, 'PASS_LIVING_NOT_THE_SAME');
    const answer = await h.call<Answer>('getResult', { bizToken });
    expect(answer.idcard).toBeUndefined();
    expect(answer).toMatchObject({
      outcome: 'not_same_person',
      resultCode: 2000,
      retryable: true,
      verification: { level: 'none' },
    });
  });

  it('masks the ID card read by OCR', async () => {
    const { bizToken, bizNo } = await issue({ mode: 'ocr' });
    await completeFlow(h.sandbox.url, bizToken, 'SUCCESS');
    const answer = await h.call<Answer>('getResult', { bizToken });
    expect(answer.idcard).toMatchObject({ name: '张*', idcardNumber: '1101**********002X' });
    expect(JSON.stringify(answer)).not.toContain(ID);
    expect(await h.record(bizNo)).toMatchObject({
      maskedName: '张*',
      maskedIdNumber: '1101**********002X',
    });
  });

  it('compares against the reference photo', async () => {
    const fileID = await h.uploadPhoto(JPEG_FIXTURE.buffer);
    const { bizToken } = await issue({ mode: 'reference', imageRef1: fileID });
    await completeFlow(h.sandbox.url, bizToken, 'SUCCESS');
    expect(await h.call<Answer>('getResult', { bizToken })).toMatchObject({
      outcome: 'passed',
      verification: { against: 'ref1' },
    });
  });

  it('reports a flow that has not ended as not started, and asks FaceID again next time', async () => {
    const { bizToken } = await issue({ mode: 'ocr' });
    expect(await h.call<Answer>('getResult', { bizToken })).toMatchObject({
      outcome: 'not_started',
      resultCode: 9000,
      finished: false,
    });
    await completeFlow(h.sandbox.url, bizToken, 'FAIL_LIVING_FACE_ATTACK');
    expect(await h.call<Answer>('getResult', { bizToken })).toMatchObject({
      outcome: 'liveness_attack',
      finished: true,
      retryable: false,
    });
    expect(resultCalls()).toBe(2);
  });

  it('never shows one user another user’s verification, but the console may read it', async () => {
    const { bizToken } = await issue({ mode: 'ocr' }, 'o-user-1');
    const other = await h.call<Answer>('getResult', { bizToken }, 'o-user-2');
    expect(other).toEqual({
      ok: false,
      error: { code: 'NOT_FOUND', param: 'bizToken', message: '没有找到这次认证记录', retryable: false },
    });
    expect(resultCalls()).toBe(0);
    expect((await h.call<Answer>('getResult', { bizToken }, null)).ok).toBe(true);
  });

  it.each([[{}], [{ bizToken: 42 }], [{ bizToken: 'a b' }], [{ bizToken: 'x'.repeat(300) }]])(
    'refuses %j',
    async (event) => {
      const answer = await h.call<Answer>('getResult', event);
      expect(answer.ok).toBe(false);
      expect(['MISSING_ARGUMENTS', 'INVALID_EVENT']).toContain(answer.error.code);
      expect(resultCalls()).toBe(0);
    },
  );
});

describe('whoami', () => {
  it('keeps concurrent callers apart', async () => {
    const users = Array.from({ length: 20 }, (_, i) => `o-user-${i}`);
    const answers = await Promise.all(users.map((openid) => h.call<Answer>('whoami', {}, openid)));
    expect(answers.map((a) => a.openid)).toEqual(users);
  });

  it('gives the caller their upload folder, and refuses console calls', async () => {
    expect(await h.call('whoami', {}, 'o-user-9')).toEqual({
      ok: true,
      openid: 'o-user-9',
      uploadDir: 'faceid/o-user-9/',
      retentionDays: 30,
      provider: 'fidlite',
      modes: ['idcard', 'ocr', 'reference'],
      processor: 'megvii',
      keepsImages: false,
      operator: TEST_OPERATOR,
    });
    expect(await h.call<Answer>('whoami', {}, null)).toMatchObject({
      ok: false,
      error: { code: 'FORBIDDEN' },
    });
  });
});

describe('getResult by bizNo (FaceID H5 returns carry only biz_no)', () => {
  it('serves the caller’s own record by bizNo, never another user’s', async () => {
    const token = await h.call<Answer>('getBizToken', {
      ...CONSENT,
      ...CONSENT,
      mode: 'ocr',
      bizNo: 'h5-return-1',
    });
    await completeFlow(h.sandbox.url, token.bizToken, 'SUCCESS');
    expect(await h.call<Answer>('getResult', { bizNo: 'h5-return-1' })).toMatchObject({
      ok: true,
      bizToken: token.bizToken,
      outcome: 'passed',
    });
    expect((await h.call<Answer>('getResult', { bizNo: 'h5-return-1' }, 'o-user-2')).error.code).toBe(
      'NOT_FOUND',
    );
    expect((await h.call<Answer>('getResult', { bizNo: 'no-such' })).error.code).toBe('NOT_FOUND');
    expect((await h.call<Answer>('getResult', { bizNo: 42 })).error.code).toBe('INVALID_EVENT');
  });
});
