/** @jest-environment jsdom */
import {
  change,
  cloudHandlers,
  deferred,
  enabled,
  failCloudUpload,
  flush,
  imageBehaviour,
  load,
  mediaQueue,
  mount,
  recorded,
  resetHarness,
  spyStorageWrites,
  storage,
  tap,
  text,
  type,
  until,
  writeTempFile,
  type Mounted,
} from './harness';
import { CONSENT_VERSION } from '../../miniprogram/domain/consent';
import { uploadDirFor } from '../../miniprogram/domain/events';
import { clearFlow, currentFlow } from '../../miniprogram/services/flow';

const VALID_ID = '11010519491231002X';
const UPLOAD_DIR = uploadDirFor('o-test-user');

const tokenOk = (token = '1700000000,aaaabbbbccccddddeeeeffff00001111') => ({
  ok: true,
  bizToken: token,
  bizNo: 'biz-1',
  expiresAt: Date.now() + 3600_000,
  provider: 'fidlite',
  client: { kind: 'component', token },
});

let pageId: string;
beforeAll(() => {
  pageId = load('pages/index/index');
});

beforeEach(() => {
  resetHarness();
  clearFlow();
  cloudHandlers.getBizToken = () => tokenOk();
  cloudHandlers.whoami = () => ({ ok: true, openid: 'o-test-user', uploadDir: UPLOAD_DIR });
});

function open(): Mounted {
  const page = mount(pageId);
  page.instance.onLoad({});
  return page;
}

async function consent(page: Mounted): Promise<void> {
  change(page, '#consent', ['agree']);
  await flush();
}

describe('entry page: consent and validation', () => {
  test('shows what is collected, who processes it, how long it is kept, and the consent version', () => {
    const page = open();
    const consentText = text(page, '#consent-section');
    expect(consentText).toContain('姓名');
    expect(consentText).toContain('身份证号');
    expect(consentText).toContain('人脸视频');
    expect(consentText).toContain('旷视');
    expect(consentText).toContain('30 天');
    expect(consentText).toContain(CONSENT_VERSION);
  });

  test('nothing can be submitted or typed before consent, even with valid input', async () => {
    const page = open();
    expect(enabled(page, '#submit')).toBe(false);
    expect(enabled(page, '#name')).toBe(false);
    expect(text(page, '#consent-hint')).toContain('请先阅读并同意');
    type(page, '#name', '张三');
    type(page, '#idnumber', VALID_ID);
    await flush();
    expect(enabled(page, '#submit')).toBe(false);
    tap(page, '#submit');
    await flush();
    expect(recorded.cloud).toHaveLength(0);
  });

  test('after consent the submit waits for a valid name and ID number, with inline Chinese messages', async () => {
    const page = open();
    await consent(page);
    expect(enabled(page, '#submit')).toBe(false);

    type(page, '#idnumber', '1101a');
    await flush();
    expect(text(page, '#id-error')).toBe('身份证号只能包含数字，最后一位可以是 X');

    type(page, '#idnumber', '110105194912310021');
    await flush();
    expect(text(page, '#id-error')).toBe('身份证号校验位不正确，请核对');

    type(page, '#name', 'a'.repeat(33));
    await flush();
    expect(text(page, '#name-error')).toBe('姓名不能超过 32 个字');
    expect(enabled(page, '#submit')).toBe(false);

    type(page, '#name', '张三');
    type(page, '#idnumber', VALID_ID.toLowerCase());
    await flush();
    expect(page.data.idNumber).toBe(VALID_ID);
    expect(text(page, '#id-error')).toBe('');
    expect(text(page, '#name-error')).toBe('');
    expect(enabled(page, '#submit')).toBe(true);
  });

  test('a short ID number is reported only after the field loses focus', async () => {
    const page = open();
    await consent(page);
    type(page, '#idnumber', '110105');
    await flush();
    expect(text(page, '#id-error')).toBe('');
    page.querySelector('#idnumber')!.dispatchEvent('blur', { detail: { value: '110105' } });
    await flush();
    expect(text(page, '#id-error')).toBe('身份证号应为 18 位');
  });
});

describe('entry page: submitting each mode', () => {
  test('ID-card details: the event carries the normalised X and the consent version, then opens verify', async () => {
    const page = open();
    await consent(page);
    type(page, '#name', ' 张三 ');
    type(page, '#idnumber', '11010519491231002x');
    await flush();
    tap(page, '#submit');
    await until(() => recorded.navigation.length > 0, 2000, 'navigation');

    expect(recorded.cloud).toEqual([
      {
        name: 'getBizToken',
        data: { mode: 'idcard', idcardName: '张三', idcardNumber: VALID_ID, consentVersion: CONSENT_VERSION },
      },
    ]);
    expect(recorded.navigation).toEqual([{ kind: 'navigateTo', url: '/pages/verify/verify' }]);
    const flow = currentFlow();
    expect(flow?.token).toBe(tokenOk().bizToken);
    expect(flow?.input.idcardNumber).toBe(VALID_ID);
  });

  test('ID-card OCR: no typed data is needed or sent', async () => {
    const page = open();
    await consent(page);
    change(page, '#mode', 'ocr');
    await flush();
    expect(text(page, '#ocr-note')).toContain('身份证');
    expect(page.querySelector('#name')).toBeUndefined();
    expect(enabled(page, '#submit')).toBe(true);
    tap(page, '#submit');
    await until(() => recorded.navigation.length > 0, 2000, 'navigation');
    expect(recorded.cloud).toEqual([
      { name: 'getBizToken', data: { mode: 'ocr', consentVersion: CONSENT_VERSION } },
    ]);
  });

  test('reference photo: chosen, compressed to ≤ 1 MB and ≤ 1920 px, uploaded under uploadDir, fileID sent', async () => {
    const page = open();
    await consent(page);
    change(page, '#mode', 'reference');
    await flush();
    expect(enabled(page, '#submit')).toBe(false);

    const original = writeTempFile('camera.jpg', 3 * 1024 * 1024);
    mediaQueue.push({
      type: 'image',
      tempFiles: [{ tempFilePath: original, size: 3 * 1024 * 1024, fileType: 'image' }],
    });
    imageBehaviour.width = 3000;
    imageBehaviour.height = 4000;
    imageBehaviour.sizeFor = (quality) => (quality >= 60 ? 1_500_000 : 900_000);
    tap(page, '#pick-photo');
    await until(() => page.data.photoPath, 2000, 'photo');

    expect(recorded.compress.map((c) => c.quality)).toEqual([80, 60, 40]);
    expect(recorded.compress.every((c) => c.compressedWidth === 1440)).toBe(true);
    expect(page.querySelector('#photo-preview')).toBeDefined();
    expect(enabled(page, '#submit')).toBe(true);

    tap(page, '#submit');
    await until(() => recorded.navigation.length > 0, 2000, 'navigation');
    expect(recorded.cloud.map((c) => c.name)).toEqual(['whoami', 'getBizToken']);
    expect(recorded.uploads).toHaveLength(1);
    expect(recorded.uploads[0].cloudPath).toMatch(new RegExp(`^${UPLOAD_DIR}ref-\\d+-[a-z0-9]+\\.jpg$`));
    expect(recorded.uploads[0].filePath).toBe(page.data.photoPath);
    const event = recorded.cloud[1].data;
    expect(event).toEqual({
      mode: 'reference',
      imageRef1: expect.any(String),
      consentVersion: CONSENT_VERSION,
    });
    expect(event.imageRef1).toContain(`/${UPLOAD_DIR}ref-`);
  });

  test('reference photo: a photo that cannot be brought under 1 MB is refused with a message', async () => {
    const page = open();
    await consent(page);
    change(page, '#mode', 'reference');
    await flush();
    const original = writeTempFile('huge.jpg', 100);
    mediaQueue.push({ type: 'image', tempFiles: [{ tempFilePath: original, size: 100, fileType: 'image' }] });
    imageBehaviour.width = 1000;
    imageBehaviour.height = 800;
    imageBehaviour.sizeFor = () => 2_000_000;
    tap(page, '#pick-photo');
    await until(() => text(page, '#photo-error'), 2000, 'photo error');
    expect(text(page, '#photo-error')).toContain('1MB');
    expect(recorded.compress.every((c) => c.compressedWidth === 1000)).toBe(true);
    expect(enabled(page, '#submit')).toBe(false);
  });

  test('reference photo: a cancelled picker changes nothing; a failed upload shows a message and sends no token request', async () => {
    const page = open();
    await consent(page);
    change(page, '#mode', 'reference');
    await flush();
    tap(page, '#pick-photo');
    await until(() => !page.data.photoPicking, 2000, 'picker closed');
    expect(text(page, '#photo-error')).toBe('');

    mediaQueue.push({
      type: 'image',
      tempFiles: [{ tempFilePath: writeTempFile('a.jpg', 1000), size: 1000 }],
    });
    tap(page, '#pick-photo');
    await until(() => page.data.photoPath, 2000, 'photo');
    failCloudUpload(true);
    tap(page, '#submit');
    await until(() => text(page, '#error'), 2000, 'error');
    expect(text(page, '#error')).toBe('照片上传失败，请检查网络后重试');
    expect(recorded.cloud.map((c) => c.name)).toEqual(['whoami']);
    expect(recorded.navigation).toHaveLength(0);
  });
});

describe('entry page: one token per tap, errors shown', () => {
  test('a second tap while the request runs creates no second token', async () => {
    const page = open();
    await consent(page);
    change(page, '#mode', 'ocr');
    await flush();
    const answer = deferred<unknown>();
    cloudHandlers.getBizToken = () => answer.promise;
    tap(page, '#submit');
    await flush();
    expect(page.data.submitting).toBe(true);
    expect(enabled(page, '#submit')).toBe(false);
    expect(text(page, '#loading')).toContain('正在准备');
    tap(page, '#submit');
    tap(page, '#submit');
    await flush();
    answer.resolve(tokenOk());
    await until(() => recorded.navigation.length > 0, 2000, 'navigation');
    await flush(5);
    expect(recorded.cloud.filter((c) => c.name === 'getBizToken')).toHaveLength(1);
    expect(recorded.navigation).toHaveLength(1);
  });

  test('a getBizToken error is shown with its message and the form stays usable', async () => {
    const page = open();
    await consent(page);
    cloudHandlers.getBizToken = () => ({
      ok: false,
      error: { code: 'INVALID_IDCARD_NUMBER', message: '身份证号格式不正确，请核对', retryable: false },
    });
    type(page, '#name', '张三');
    type(page, '#idnumber', VALID_ID);
    await flush();
    tap(page, '#submit');
    await until(() => text(page, '#error'), 2000, 'error');
    expect(text(page, '#error')).toBe('身份证号格式不正确，请核对');
    expect(recorded.navigation).toHaveLength(0);
    expect(currentFlow()).toBeUndefined();
    expect(enabled(page, '#submit')).toBe(true);
  });

  test('a callFunction failure becomes a Chinese network message', async () => {
    const page = open();
    await consent(page);
    change(page, '#mode', 'ocr');
    await flush();
    cloudHandlers.getBizToken = () => {
      throw new Error('cloud.callFunction:fail timeout');
    };
    tap(page, '#submit');
    await until(() => text(page, '#error'), 2000, 'error');
    expect(text(page, '#error')).toBe('无法连接认证服务，请稍后重试');
  });

  test('the mode can be preselected from the page query (restart from the result page)', () => {
    const page = mount(pageId);
    page.instance.onLoad({ mode: 'reference' });
    expect(page.data.mode).toBe('reference');
  });
});

describe('entry page: FaceID products that are not the mini-program component', () => {
  const H5_URL = 'https://api-idn.megvii.com/faceid/lite/do?token=34fb21937e47ae719f11cbc719615687';

  async function submitOcr(page: Mounted): Promise<void> {
    await consent(page);
    change(page, '#mode', 'ocr');
    await flush();
    tap(page, '#submit');
  }

  test('client.kind h5: the flow keeps the H5 URL and the web-view page opens (the URL not in the page query)', async () => {
    cloudHandlers.getBizToken = () => ({ ...tokenOk(), client: { kind: 'h5', url: H5_URL } });
    const page = open();
    await submitOcr(page);
    await until(() => recorded.navigation.length > 0, 2000, 'navigation');
    expect(recorded.navigation).toEqual([{ kind: 'navigateTo', url: '/pages/webview/webview' }]);
    expect(currentFlow()?.url).toBe(H5_URL);
    expect(currentFlow()?.bizToken).toBe(tokenOk().bizToken);
  });

  test('client.kind sdk: a clear message that the product needs a native SDK client, no page opened', async () => {
    cloudHandlers.getBizToken = () => ({ ...tokenOk(), client: { kind: 'sdk', token: 'sdk-token' } });
    const page = open();
    await submitOcr(page);
    await until(() => text(page, '#error'), 2000, 'error');
    expect(text(page, '#error')).toContain('原生 App（SDK）');
    expect(text(page, '#error')).toContain('无法在小程序中使用');
    expect(recorded.navigation).toHaveLength(0);
    expect(currentFlow()).toBeUndefined();
    expect(enabled(page, '#submit')).toBe(true);
  });
});

describe('entry page: records link and storage', () => {
  test('我的认证记录 opens the records page', async () => {
    const page = open();
    expect(text(page, '#records')).toBe('我的认证记录');
    tap(page, '#records');
    await flush();
    expect(recorded.navigation).toEqual([{ kind: 'navigateTo', url: '/pages/records/records' }]);
  });

  test('name and ID number never reach storage: typing, submitting, hiding the page', async () => {
    const { writes, stop } = spyStorageWrites();
    try {
      const page = open();
      await consent(page);
      type(page, '#name', '张三');
      type(page, '#idnumber', VALID_ID);
      page.querySelector('#idnumber')!.dispatchEvent('blur', { detail: { value: VALID_ID } });
      await flush();
      page.instance.onHide?.();
      page.triggerPageLifeTime('hide');
      tap(page, '#submit');
      await until(() => recorded.navigation.length > 0, 2000, 'navigation');
      page.instance.onUnload?.();
    } finally {
      stop();
    }
    const written = JSON.stringify(writes) + JSON.stringify([...storage]);
    expect(written).not.toContain('张三');
    expect(written).not.toContain(VALID_ID);
    expect(written).not.toContain(VALID_ID.slice(6, 14));
  });
});
