/** The person's data rules at the cloud function: the shared name rule before any paid call, and whoami's facts. */
import { CONSENT, startHarness, TEST_OPERATOR, type Harness } from '../support/harness';

type Answer = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const ID = '11010519491231002X';
let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

const tokenCalls = (harness: Harness) => harness.upstream.calls('/lite/v1/get_biz_token').length;

describe('getBizToken applies the ID card name rule before paying for a token', () => {
  it.each(['Zhang San 123', '张三😀', 'zhangsan', '张 三', '<script>', '·张三'])(
    'refuses %p with INVALID_NAME_FORMAT and makes no upstream call',
    async (idcardName) => {
      h = await startHarness();
      const answer = await h.call<Answer>('getBizToken', {
        ...CONSENT,
        mode: 'idcard',
        idcardName,
        idcardNumber: ID,
      });
      expect(answer).toMatchObject({ ok: false, error: { code: 'INVALID_NAME_FORMAT', retryable: false } });
      expect(answer.error.message).toMatch(/姓名/);
      expect(tokenCalls(h)).toBe(0);
      expect(await h.store().listRecent({ skip: 0, limit: 10 })).toHaveLength(0);
    },
  );

  it('accepts a rare character outside the BMP, a minority name, and an ID number pasted with spaces', async () => {
    h = await startHarness();
    for (const idcardName of ['𠮷野', '阿依古丽•买买提']) {
      const answer = await h.call<Answer>('getBizToken', {
        ...CONSENT,
        mode: 'idcard',
        idcardName,
        idcardNumber: '110105 19491231 002x',
      });
      expect(answer).toMatchObject({ ok: true });
    }
    const sent = h.upstream
      .calls('/lite/v1/get_biz_token')
      .map((call) => new URLSearchParams(call.body.toString()));
    expect(sent.map((form) => form.get('idcard_name'))).toEqual(['𠮷野', '阿依古丽·买买提']);
    expect(sent.map((form) => form.get('idcard_number'))).toEqual([ID, ID]);
  });
});

describe('whoami tells the consent screen what this deployment does', () => {
  it('answers the retention the purge uses, the product, and whether images are kept', async () => {
    h = await startHarness({
      FACEID_RETENTION_DAYS: '7',
      FACEID_PROVIDER: 'megvii-overseas',
      FACEID_KEEP_IMAGES: '1',
    });
    expect(await h.call('whoami', {}, 'o-user-2')).toEqual({
      ok: true,
      openid: 'o-user-2',
      uploadDir: 'faceid/o-user-2/',
      retentionDays: 7,
      provider: 'megvii-overseas',
      modes: ['reference', 'liveness'],
      processor: 'megvii',
      keepsImages: true,
      operator: TEST_OPERATOR,
    });
  });

  it('answers the modes the deployment’s product offers (docs/providers.md), so the entry page lists just those', async () => {
    h = await startHarness();
    const offered: Record<string, string[]> = {
      fidlite: ['idcard', 'ocr', 'reference'],
      'megvii-lite': ['idcard', 'ocr', 'reference'],
      'megvii-app': ['idcard', 'reference'],
      'megvii-overseas': ['reference', 'liveness'],
      'megvii-raw': ['reference'],
      wechat: ['idcard'],
    };
    const answered: Record<string, unknown> = {};
    for (const provider of Object.keys(offered)) {
      process.env.FACEID_PROVIDER = provider;
      const answer = await h.call<Answer>('whoami', {}, 'o-user-2');
      expect(answer).toMatchObject({ ok: true, provider });
      answered[provider] = answer.modes;
    }
    expect(answered).toEqual(offered);
  });

  it('names who processes the data for the product, so WeChat face verification is never said to be Megvii’s', async () => {
    h = await startHarness();
    const processors: Record<string, unknown> = {};
    for (const provider of [
      'fidlite',
      'megvii-lite',
      'megvii-app',
      'megvii-overseas',
      'megvii-raw',
      'wechat',
    ]) {
      process.env.FACEID_PROVIDER = provider;
      processors[provider] = (await h.call<Answer>('whoami', {}, 'o-user-2')).processor;
    }
    expect(processors).toEqual({
      fidlite: 'megvii',
      'megvii-lite': 'megvii',
      'megvii-app': 'megvii',
      'megvii-overseas': 'megvii',
      'megvii-raw': 'megvii',
      wechat: 'wechat',
    });
  });

  it('refuses a retention the purge would refuse, rather than promising it', async () => {
    h = await startHarness({ FACEID_RETENTION_DAYS: '0' });
    expect(await h.call('whoami', {}, 'o-user-2')).toMatchObject({
      ok: false,
      error: { code: 'CONFIG_INVALID', param: 'FACEID_RETENTION_DAYS' },
    });
  });
});
