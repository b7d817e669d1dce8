import { JPEG_FIXTURE } from '../../dev/sandbox/fixtures';
import { completeFlow } from '../support/component-driver';
import { CONSENT, startHarness, TEST_APPCODE, type Harness } from '../support/harness';

type Answer = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const NAME = '欧阳娜娜';
const ID = '11010519491231002X';

let h: Harness;
const lines: string[] = [];
beforeAll(async () => {
  h = await startHarness({ FACEID_KEEP_IMAGES: '1', FACEID_LOG: 'on' });
  for (const method of ['log', 'info', 'warn', 'error', 'debug'] as const) {
    jest
      .spyOn(console, method)
      .mockImplementation((...args: unknown[]) => void lines.push(args.map(String).join(' ')));
  }
});
afterAll(async () => {
  jest.restoreAllMocks();
  await h.close();
});

it('logs a full run of every function without a name, an ID number, image data or a secret', async () => {
  const idcard = await h.call<Answer>('getBizToken', {
    ...CONSENT,
    ...CONSENT,
    mode: 'idcard',
    idcardName: NAME,
    idcardNumber: ID,
  });
  await completeFlow(h.sandbox.url, idcard.bizToken, 'SUCCESS');
  await h.call('getResult', { bizToken: idcard.bizToken });
  const ocr = await h.call<Answer>('getBizToken', { ...CONSENT, ...CONSENT, mode: 'ocr' });
  await completeFlow(h.sandbox.url, ocr.bizToken, 'SUCCESS');
  await h.call('getResult', { bizToken: ocr.bizToken });
  const fileID = await h.uploadPhoto(JPEG_FIXTURE.buffer);
  const ref = await h.call<Answer>('getBizToken', {
    ...CONSENT,
    ...CONSENT,
    mode: 'reference',
    imageRef1: fileID,
  });
  await completeFlow(h.sandbox.url, ref.bizToken, 'PASS_LIVING_NOT_THE_SAME');
  await h.call('getResult', { bizToken: ref.bizToken });
  await h.call('getBizToken', {
    ...CONSENT,
    ...CONSENT,
    mode: 'idcard',
    idcardName: NAME,
    idcardNumber: '110105194912310021',
  });
  await h.call('getBizToken', {
    ...CONSENT,
    ...CONSENT,
    mode: 'idcard',
    idcardName: NAME.repeat(10),
    idcardNumber: ID,
  });
  h.sandbox.injectFault({ kind: 'status', status: 500, path: '/lite/v1/get_biz_token', times: 1 } as never);
  await h.call('getBizToken', { ...CONSENT, ...CONSENT, mode: 'idcard', idcardName: NAME, idcardNumber: ID });
  await h.call('listVerifications', {});
  await h.call('deleteVerification', { bizNo: idcard.bizNo });
  await h.call('purgeVerifications', {}, null);

  const log = lines.join('\n');
  expect(lines.length).toBeGreaterThan(10);
  expect(log).toContain('"fn":"getBizToken"');
  for (const secret of [
    NAME,
    '欧阳',
    ID,
    ID.slice(0, 14),
    '张三',
    TEST_APPCODE,
    JPEG_FIXTURE.buffer.toString('base64').slice(0, 24),
    '/9j/',
  ]) {
    expect(log).not.toContain(secret);
  }
});
