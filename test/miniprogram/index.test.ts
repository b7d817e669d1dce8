/** @jest-environment jsdom */
import {
  change,
  cloudHandlers,
  deferred,
  enabled,
  facial,
  failCloudUpload,
  flush,
  imageBehaviour,
  load,
  mediaQueue,
  mount,
  platform,
  recorded,
  resetHarness,
  spyStorageWrites,
  storage,
  tap,
  text,
  type,
  until,
  wechat,
  writeTempFile,
  type Mounted,
} from './harness';
import { CONSENT_VERSION } from '../../miniprogram/shared/consent';
import { uploadDirFor } from '../../miniprogram/shared/events';
import { forgetDeploymentFacts } from '../../miniprogram/services/deployment';
import { copyFor } from '../../miniprogram/i18n/index';
import type { Locale } from '../../miniprogram/shared/events';
import {
  clearDraft,
  clearFlow,
  currentFlow,
  keepExternalRef,
  savedDraft,
} from '../../miniprogram/services/flow';

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

const whoamiOk = (extra: Record<string, unknown> = {}) => ({
  ok: true,
  openid: 'o-test-user',
  uploadDir: UPLOAD_DIR,
  retentionDays: 30,
  provider: 'fidlite',
  processor: 'megvii',
  modes: ['idcard', 'ocr', 'reference'],
  keepsImages: false,
  operator: { name: '示例科技有限公司', contact: 'privacy@example.com' },
  ...extra,
});

const PREPARED_PATH = `${UPLOAD_DIR}ref-${'0123456789abcdef'.repeat(2)}.jpg`;
const preparedOk = () => ({
  ok: true,
  cloudPath: PREPARED_PATH,
  fileID: `cloud://test-env.7465-test/${PREPARED_PATH}`,
  expiresAt: Date.now() + 24 * 3600 * 1000,
});

beforeEach(() => {
  resetHarness();
  clearFlow();
  clearDraft();
  keepExternalRef(undefined);
  forgetDeploymentFacts();
  cloudHandlers.getBizToken = () => tokenOk();
  cloudHandlers.whoami = () => whoamiOk();
  cloudHandlers.preparePhoto = () => preparedOk();
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
  test('says the purpose, what each mode collects, who processes it, the retention the server uses, the rights, the version', async () => {
    cloudHandlers.whoami = () => whoamiOk({ retentionDays: 7 });
    const page = open();
    await until(() => text(page, '#consent-keep').includes('7 天'), 2000, 'retention from whoami');
    const consentText = text(page, '#consent-section');
    expect(consentText).toContain('用途：确认是您本人在操作');
    expect(consentText).toContain('姓名、身份证号和一段人脸视频');
    expect(consentText).toContain('与权威身份数据源的证件照比对');
    expect(consentText).toContain('身份证正反面照片');
    expect(consentText).toContain('只与这张照片比对，不核验身份');
    expect(text(page, '#consent-operator')).toBe(
      '运营方（“我们”）：示例科技有限公司，联系方式：privacy@example.com。',
    );
    expect(consentText).toContain('处理方：旷视科技（FaceID）');
    expect(consentText).toContain('记录保存 7 天后自动删除');
    expect(consentText).toContain('可随时在“我的认证记录”中删除记录');
    expect(consentText).toContain(CONSENT_VERSION);
    expect(consentText).not.toContain('旷视科技 FaceID（旷视）');
  });

  test('says the evidence photos are kept when the deployment keeps them, and no number while whoami cannot answer', async () => {
    cloudHandlers.whoami = () => whoamiOk({ keepsImages: true });
    const page = open();
    await until(() => text(page, '#consent-keep').includes('验证照片'), 2000, 'images kept');
    forgetDeploymentFacts();
    cloudHandlers.whoami = () => {
      throw new Error('cloud.callFunction:fail timeout');
    };
    const offline = open();
    await flush(5);
    expect(text(offline, '#consent-keep')).toBe(
      '保存：记录到期后自动删除，姓名和证件号打码保存；手机上不留存。',
    );
    expect(offline.querySelector('#consent-operator')).toBeUndefined();
  });

  test('the full privacy policy is one tap away', async () => {
    const page = open();
    tap(page, '#policy');
    await flush();
    expect(recorded.navigation).toEqual([{ kind: 'navigateTo', url: '/pages/privacy/privacy' }]);
  });

  test('nothing can be submitted or typed before consent, and the page says why under the start button', async () => {
    const page = open();
    await flush();
    expect(enabled(page, '#submit')).toBe(false);
    expect(enabled(page, '#name')).toBe(false);
    expect(text(page, '#consent-hint')).toContain('请先阅读并勾选同意');
    expect(text(page, '#block-reason')).toBe('请先勾选同意上方说明');
    type(page, '#name', '张三');
    type(page, '#idnumber', VALID_ID);
    await flush();
    expect(enabled(page, '#submit')).toBe(false);
    tap(page, '#submit');
    await flush();
    expect(recorded.cloud.filter((c) => c.name === 'getBizToken')).toHaveLength(0);
  });

  test('a missing or wrong field greys the start out and says which field, under the button', async () => {
    const page = open();
    await consent(page);
    expect(enabled(page, '#submit')).toBe(false);
    expect(text(page, '#block-reason')).toBe('请填写姓名');
    type(page, '#name', '张三');
    await flush();
    expect(text(page, '#block-reason')).toBe('请填写身份证号');
    type(page, '#idnumber', '110105194912310021');
    await flush();
    expect(text(page, '#block-reason')).toBe('请按提示修改身份证号');
    expect(text(page, '#id-error')).toBe('身份证号有误，请逐位核对');
    type(page, '#idnumber', VALID_ID);
    await flush();
    expect(page.querySelector('#block-reason')).toBeUndefined();
    expect(enabled(page, '#submit')).toBe(true);
  });

  test('an empty name is said when the person leaves the field', async () => {
    const page = open();
    await consent(page);
    expect(text(page, '#name-error')).toBe('');
    page.querySelector('#name')!.dispatchEvent('blur', { detail: { value: '' } });
    await flush();
    expect(text(page, '#name-error')).toBe('请填写姓名');
  });

  test.each(['Zhang San 123', '张三😀', 'zhangsan', '张 三', '<script>'])(
    'the name %p is refused at once with what is allowed, and no token is asked for',
    async (name) => {
      const page = open();
      await consent(page);
      type(page, '#name', name);
      type(page, '#idnumber', VALID_ID);
      await flush();
      expect(text(page, '#name-error')).toBe('姓名只能填写身份证上的汉字，少数民族姓名中间的点用“·”');
      expect(text(page, '#block-reason')).toBe('请按提示修改姓名');
      expect(enabled(page, '#submit')).toBe(false);
      tap(page, '#submit');
      await flush();
      expect(recorded.cloud.filter((c) => c.name === 'getBizToken')).toHaveLength(0);
    },
  );

  test('a rare character, a minority name with a look-alike dot, and a 32-character limit', async () => {
    const page = open();
    await consent(page);
    type(page, '#idnumber', VALID_ID);
    type(page, '#name', '𠮷野');
    await flush();
    expect(enabled(page, '#submit')).toBe(true);
    type(page, '#name', '阿依古丽•买买提');
    await flush();
    expect(enabled(page, '#submit')).toBe(true);
    type(page, '#name', '张'.repeat(33));
    await flush();
    expect(text(page, '#name-error')).toBe('姓名不能超过 32 个字');
  });

  test('an ID number pasted with spaces or hyphens is normalised before any length limit or check', async () => {
    const page = open();
    await consent(page);
    type(page, '#name', '张三');
    const input = page.querySelector('#idnumber')!;
    expect(Number(input.toJSON().attrs.find((a) => a.name === 'maxlength')?.value)).toBeGreaterThan(21);
    type(page, '#idnumber', '110105 19491231 002x');
    await flush();
    expect(page.data.idNumber).toBe(VALID_ID);
    expect(text(page, '#id-error')).toBe('');
    type(page, '#idnumber', '110105-19491231-002X');
    await flush();
    expect(page.data.idNumber).toBe(VALID_ID);
    tap(page, '#submit');
    await until(() => recorded.navigation.length > 0, 2000, 'navigation');
    expect(recorded.cloud.find((c) => c.name === 'getBizToken')?.data.idcardNumber).toBe(VALID_ID);
  });

  test('while typing, a wrong character is said at once; a wrong checksum when 18 characters are there', async () => {
    const page = open();
    await consent(page);
    type(page, '#idnumber', '1101a');
    await flush();
    expect(text(page, '#id-error')).toBe('身份证号只能包含数字，最后一位可以是 X');
    type(page, '#idnumber', '110105194912310021');
    await flush();
    expect(text(page, '#id-error')).toBe('身份证号有误，请逐位核对');
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

    expect(recorded.cloud.filter((c) => c.name === 'getBizToken')).toEqual([
      {
        name: 'getBizToken',
        data: {
          mode: 'idcard',
          idcardName: '张三',
          idcardNumber: VALID_ID,
          consentVersion: CONSENT_VERSION,
          locale: 'zh',
        },
      },
    ]);
    expect(recorded.navigation).toEqual([{ kind: 'navigateTo', url: '/pages/verify/verify' }]);
    const flow = currentFlow();
    expect(flow?.token).toBe(tokenOk().bizToken);
    expect(flow?.input?.idcardNumber).toBe(VALID_ID);
  });

  test('refused for its consent (CONSENT_REQUIRED): the consent is unticked and asked for again, the details kept', async () => {
    cloudHandlers.getBizToken = () => ({
      ok: false,
      error: { code: 'CONSENT_REQUIRED', message: '请先阅读并同意最新的认证说明', retryable: false },
    });
    const page = open();
    await consent(page);
    type(page, '#name', '张三');
    type(page, '#idnumber', VALID_ID);
    await flush();
    tap(page, '#submit');
    await until(() => text(page, '#error'), 2000, 'error');
    expect(text(page, '#error')).toBe('认证说明已更新，请重新阅读并勾选同意');
    expect(page.data.consented).toBe(false);
    expect(text(page, '#consent-hint')).toBe('请先阅读并勾选同意上方说明');
    expect(enabled(page, '#submit')).toBe(false);
    expect(recorded.navigation).toEqual([]);
    expect(savedDraft()).toMatchObject({ consented: false, name: '张三', idNumber: VALID_ID });

    cloudHandlers.getBizToken = () => tokenOk();
    await consent(page);
    tap(page, '#submit');
    await until(() => recorded.navigation.length > 0, 2000, 'navigation');
    expect(recorded.cloud.filter((c) => c.name === 'getBizToken').map((c) => c.data)).toEqual([
      expect.objectContaining({ consentVersion: CONSENT_VERSION }),
      expect.objectContaining({ consentVersion: CONSENT_VERSION }),
    ]);
  });

  test('opened by the verify page after a consent refusal: the consent is asked for again', async () => {
    const page = mount(pageId);
    page.instance.onLoad({ consent: 'required' });
    await flush();
    expect(page.data.consented).toBe(false);
    expect(text(page, '#error')).toBe('认证说明已更新，请重新阅读并勾选同意');
    expect(enabled(page, '#submit')).toBe(false);
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
    expect(recorded.cloud.filter((c) => c.name === 'getBizToken')).toEqual([
      { name: 'getBizToken', data: { mode: 'ocr', consentVersion: CONSENT_VERSION, locale: 'zh' } },
    ]);
  });

  test('reference photo: chosen, compressed to ≤ 1 MB and ≤ 1920 px, uploaded where preparePhoto registered it, fileID sent', async () => {
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
    const photoPath = page.data.photoPath;

    tap(page, '#submit');
    await until(() => recorded.navigation.length > 0, 2000, 'navigation');
    expect(recorded.cloud.map((c) => c.name)).toEqual(['whoami', 'preparePhoto', 'getBizToken']);
    expect(recorded.uploads).toHaveLength(1);
    expect(recorded.uploads[0].cloudPath).toBe(PREPARED_PATH);
    expect(recorded.uploads[0].filePath).toBe(photoPath);
    const event = recorded.cloud[2].data;
    expect(event).toEqual({
      mode: 'reference',
      imageRef1: `cloud://test-env.7465-test/${PREPARED_PATH}`,
      consentVersion: CONSENT_VERSION,
      locale: 'zh',
    });
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
    expect(text(page, '#photo-error')).toBe('照片压缩后仍超过 1MB，请换一张照片');
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
    expect(recorded.cloud.map((c) => c.name)).toEqual(['whoami', 'preparePhoto']);
    expect(recorded.navigation).toHaveLength(0);
  });
});

describe('entry page: a photo that is gone is never offered again', () => {
  /** The entry page in reference mode with a photo picked. */
  async function withPhoto(): Promise<Mounted> {
    const page = open();
    await consent(page);
    change(page, '#mode', 'reference');
    await flush();
    await pickPhoto(page, 'face.jpg');
    return page;
  }

  async function pickPhoto(page: Mounted, name: string): Promise<void> {
    mediaQueue.push({ type: 'image', tempFiles: [{ tempFilePath: writeTempFile(name, 1000), size: 1000 }] });
    tap(page, '#pick-photo');
    await until(() => page.data.photoPath && !page.data.photoPicking, 2000, 'photo');
  }

  test('back on the form after a started check (更换照片), the sent photo is gone and 开始 waits for a new one', async () => {
    const first = await withPhoto();
    tap(first, '#submit');
    await until(() => recorded.navigation.length > 0, 2000, 'navigation');

    const again = mount(pageId);
    again.instance.onLoad({ mode: 'reference' });
    await flush();
    expect(again.data.mode).toBe('reference');
    expect(again.querySelector('#photo-preview')).toBeUndefined();
    expect(text(again, '#photo-deleted')).toBe(
      '为保护您的隐私，上一张照片在认证后已删除，请重新选择一张照片。',
    );
    expect(enabled(again, '#submit')).toBe(false);
    expect(text(again, '#block-reason')).toBe('请先选择一张本人照片');

    tap(again, '#pick-photo');
    await until(() => !again.data.photoPicking, 2000, 'picker cancelled');
    expect(enabled(again, '#submit')).toBe(false);
    expect(again.querySelector('#photo-preview')).toBeUndefined();

    await pickPhoto(again, 'new-face.jpg');
    const newPhoto = again.data.photoPath;
    expect(again.querySelector('#photo-deleted')).toBeUndefined();
    tap(again, '#submit');
    await until(() => recorded.navigation.length > 1, 2000, 'second navigation');
    expect(recorded.uploads).toHaveLength(2);
    expect(recorded.uploads[1].filePath).toBe(newPhoto);
    expect(recorded.uploads[0].filePath).not.toBe(newPhoto);
    expect(recorded.cloud.filter((c) => c.name === 'preparePhoto')).toHaveLength(2);
  });

  test('PHOTO_EXPIRED is said as a deleted photo, not a bad file, and the photo leaves the form', async () => {
    const page = await withPhoto();
    cloudHandlers.getBizToken = () => ({
      ok: false,
      error: { code: 'PHOTO_EXPIRED', message: '这张照片已删除，请重新选择一张照片', retryable: false },
    });
    tap(page, '#submit');
    await until(() => text(page, '#error'), 2000, 'error');
    expect(text(page, '#error')).toBe('为保护您的隐私，上次的照片已删除，请重新选择一张照片');
    expect(text(page, '#error')).not.toContain('JPG');
    expect(page.querySelector('#photo-preview')).toBeUndefined();
    expect(enabled(page, '#submit')).toBe(false);
    expect(text(page, '#block-reason')).toBe('请先选择一张本人照片');
  });
  test.each([
    ['zh_CN', '只能使用您本人上传的照片，请重新选择一张照片'],
    ['en', 'You can only use a photo you uploaded yourself. Please choose a photo again.'],
  ])(
    "a photo outside the person's folder is said by its reason (%s), never by the function's message",
    async (language, words) => {
      wechat.language = language;
      const page = await withPhoto();
      cloudHandlers.getBizToken = () => ({
        ok: false,
        error: {
          code: 'FORBIDDEN',
          reason: 'PHOTO_NOT_OWN',
          message: 'the console message, never shown',
          retryable: false,
          param: 'imageRef1',
        },
      });
      tap(page, '#submit');
      await until(() => text(page, '#error'), 2000, 'error');
      expect(text(page, '#error')).toBe(words);
    },
  );
});

describe('entry page: a photo refused as a file', () => {
  test('leaves the form with the reason (the backend deleted it), and 开始 waits for another', async () => {
    const page = open();
    await consent(page);
    change(page, '#mode', 'reference');
    await flush();
    mediaQueue.push({
      type: 'image',
      tempFiles: [{ tempFilePath: writeTempFile('big.jpg', 1000), size: 1000 }],
    });
    tap(page, '#pick-photo');
    await until(() => page.data.photoPath && !page.data.photoPicking, 2000, 'photo');
    cloudHandlers.getBizToken = () => ({
      ok: false,
      error: { code: 'INVALID_IMAGE_SIZE', message: '照片尺寸过大', retryable: false, param: 'image_ref1' },
    });
    tap(page, '#submit');
    await until(() => text(page, '#error'), 2000, 'error');
    expect(text(page, '#error')).toBe('照片太大，请换一张照片');
    expect(page.querySelector('#photo-preview')).toBeUndefined();
    expect(page.querySelector('#photo-deleted')).toBeUndefined();
    expect(enabled(page, '#submit')).toBe(false);
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

  test("a getBizToken error is shown in the person's words under the button and the form stays usable", async () => {
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
    expect(text(page, '#error')).toBe('身份证号有误，请核对');
    expect(recorded.navigation).toHaveLength(0);
    expect(currentFlow()).toBeUndefined();
    expect(enabled(page, '#submit')).toBe(true);
  });

  test("an error that sends the person to support comes with WeChat's customer-service button", async () => {
    const page = open();
    await consent(page);
    change(page, '#mode', 'ocr');
    await flush();
    cloudHandlers.getBizToken = () => ({
      ok: false,
      error: {
        code: 'CONFIG_MISSING',
        message: '认证服务尚未配置完成，请联系客服',
        retryable: false,
        param: 'X',
      },
    });
    tap(page, '#submit');
    await until(() => text(page, '#error'), 2000, 'error');
    expect(text(page, '#error')).toBe('认证服务暂时无法使用，请联系客服');
    expect(page.querySelector('#contact')?.toJSON().attrs).toContainEqual({
      name: 'openType',
      value: 'contact',
    });
    cloudHandlers.getBizToken = () => ({
      ok: false,
      error: { code: 'SERVICE_BUSY', message: '认证服务繁忙，请稍后再试', retryable: true },
    });
    tap(page, '#submit');
    await until(() => text(page, '#error') === '认证服务繁忙，请稍后再试', 2000, 'busy');
    expect(page.querySelector('#contact')).toBeUndefined();
  });

  test("a callFunction failure becomes a network message in the person's words", async () => {
    const page = open();
    await consent(page);
    change(page, '#mode', 'ocr');
    await flush();
    cloudHandlers.getBizToken = () => {
      throw new Error('cloud.callFunction:fail timeout');
    };
    tap(page, '#submit');
    await until(() => text(page, '#error'), 2000, 'error');
    expect(text(page, '#error')).toBe('网络连接失败，请检查网络后重试');
  });

  test('the mode can be preselected from the page query (restart from the result page)', () => {
    const page = mount(pageId);
    page.instance.onLoad({ mode: 'reference' });
    expect(page.data.mode).toBe('reference');
  });
});

describe("entry page: the business's reference (externalRef in the page query)", () => {
  const tokenEvents = () => recorded.cloud.filter((c) => c.name === 'getBizToken').map((c) => c.data);

  test('is sent with getBizToken, decoded, kept in the flow, and again after the page is opened without it', async () => {
    const page = mount(pageId);
    page.instance.onLoad({ externalRef: encodeURIComponent('order:2026-12-01.0042') });
    await consent(page);
    change(page, '#mode', 'ocr');
    await flush();
    tap(page, '#submit');
    await until(() => recorded.navigation.length > 0, 2000, 'navigation');
    expect(tokenEvents()).toEqual([
      { mode: 'ocr', consentVersion: CONSENT_VERSION, externalRef: 'order:2026-12-01.0042', locale: 'zh' },
    ]);
    expect(currentFlow()?.input?.externalRef).toBe('order:2026-12-01.0042');

    const again = mount(pageId);
    again.instance.onLoad({ mode: 'ocr' });
    await consent(again);
    tap(again, '#submit');
    await until(() => tokenEvents().length === 2, 2000, 'second getBizToken');
    expect(tokenEvents()[1]).toEqual({
      mode: 'ocr',
      consentVersion: CONSENT_VERSION,
      externalRef: 'order:2026-12-01.0042',
      locale: 'zh',
    });
  });

  test.each([
    ['a space', 'order 1'],
    ['129 characters', 'r'.repeat(129)],
    ['Chinese', '订单1'],
    ['a broken escape', '%E4%'],
  ])('with %s starts nothing and says why', async (_name, ref) => {
    const page = mount(pageId);
    page.instance.onLoad({ externalRef: ref });
    await consent(page);
    change(page, '#mode', 'ocr');
    await flush();
    expect(enabled(page, '#submit')).toBe(false);
    expect(text(page, '#block-reason')).toBe('业务方提供的认证编号不正确，请返回业务方重新进入');
    tap(page, '#submit');
    await flush();
    expect(tokenEvents()).toEqual([]);
    expect(recorded.navigation).toEqual([]);
  });

  test('is not sent when the page was opened without one', async () => {
    const page = open();
    await consent(page);
    change(page, '#mode', 'ocr');
    await flush();
    tap(page, '#submit');
    await until(() => recorded.navigation.length > 0, 2000, 'navigation');
    expect(tokenEvents()).toEqual([{ mode: 'ocr', consentVersion: CONSENT_VERSION, locale: 'zh' }]);
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

  test('client.kind sdk: a plain message that this check needs the App, no page opened', async () => {
    cloudHandlers.getBizToken = () => ({ ...tokenOk(), client: { kind: 'sdk', token: 'sdk-token' } });
    const page = open();
    await submitOcr(page);
    await until(() => text(page, '#error'), 2000, 'error');
    expect(text(page, '#error')).toBe('当前认证服务需要在 App 中使用，无法在小程序中完成。请联系客服。');
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

describe('entry page: rate limit', () => {
  test('a rate-limited person sees when to try again, and the start button is disabled until then', async () => {
    const retryAt = Date.now() + 400;
    cloudHandlers.getBizToken = () => ({
      ok: false,
      error: { code: 'RATE_LIMITED', message: '发起认证过于频繁，请稍后再试', retryable: true, retryAt },
    });
    const page = open();
    await consent(page);
    change(page, '#mode', 'ocr');
    await flush();
    tap(page, '#submit');
    await until(() => page.data.blockedUntil === retryAt, 2000, 'rate limit');
    const time = new Date(retryAt);
    const clock = `${String(time.getHours()).padStart(2, '0')}:${String(time.getMinutes()).padStart(2, '0')}`;
    expect(text(page, '#block-reason')).toBe(`发起次数过多，请在 ${clock} 后再试。`);
    expect(enabled(page, '#submit')).toBe(false);
    tap(page, '#submit');
    await flush();
    expect(recorded.cloud.filter((c) => c.name === 'getBizToken')).toHaveLength(1);
    await until(() => enabled(page, '#submit'), 3000, 'start enabled again');
    expect(page.querySelector('#block-reason')).toBeUndefined();
  });

  test('without a time from the server, the message says to try later and the button stays usable', async () => {
    cloudHandlers.getBizToken = () => ({
      ok: false,
      error: { code: 'RATE_LIMITED', message: '发起认证过于频繁，请稍后再试', retryable: true },
    });
    const page = open();
    await consent(page);
    change(page, '#mode', 'ocr');
    await flush();
    tap(page, '#submit');
    await until(() => text(page, '#error'), 2000, 'error');
    expect(text(page, '#error')).toBe('发起次数过多，请稍后再试。');
  });
});

describe('entry page: details kept for this app session', () => {
  test('coming back to the form (重新认证, 修改信息) keeps the consent and the details, in memory only, and scrolls to the form', async () => {
    const { writes, stop } = spyStorageWrites();
    try {
      const first = open();
      await consent(first);
      type(first, '#name', '张三');
      type(first, '#idnumber', VALID_ID);
      await flush();
      tap(first, '#submit');
      await until(() => recorded.navigation.length > 0, 2000, 'navigation');
      first.instance.onUnload?.();

      const again = open();
      await flush();
      expect(again.data.consented).toBe(true);
      expect(again.data.name).toBe('张三');
      expect(again.data.idNumber).toBe(VALID_ID);
      expect(enabled(again, '#submit')).toBe(true);
      expect(recorded.scrolls).toContainEqual({ selector: '#form', scrollTop: undefined });
    } finally {
      stop();
    }
    const written = JSON.stringify(writes) + JSON.stringify([...storage]);
    expect(written).not.toContain('张三');
    expect(written).not.toContain(VALID_ID);
  });

  test('a fresh launch (the modules of the app loaded anew) starts clean', async () => {
    const page = open();
    await consent(page);
    change(page, '#mode', 'ocr');
    await flush();
    tap(page, '#submit');
    await until(() => recorded.navigation.length > 0, 2000, 'navigation');
    expect(savedDraft()).toMatchObject({ consented: true, mode: 'ocr' });
    jest.isolateModules(() => {
      type FlowModule = typeof import('../../miniprogram/services/flow');
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const fresh = require('../../miniprogram/services/flow') as FlowModule;
      expect(fresh.savedDraft()).toBeUndefined();
    });
  });
});

describe('entry page in English (WeChat language en)', () => {
  test('every word comes from the English table', async () => {
    wechat.language = 'en';
    cloudHandlers.whoami = () =>
      whoamiOk({ operator: { name: 'Example Tech Co., Ltd.', contact: 'privacy@example.com' } });
    const page = open();
    await until(() => text(page, '#consent-keep').includes('30 days'), 2000, 'retention');
    expect(recorded.titles).toEqual(['Identity check']);
    expect(text(page, '#consent-section')).toContain('Before you start');
    expect(text(page, '#consent-operator')).toBe(
      'Operator ("we"): Example Tech Co., Ltd., contact: privacy@example.com.',
    );
    expect(text(page, '#consent-section')).toContain('Processor: Megvii (FaceID).');
    expect(text(page, '#submit')).toBe('Start face check');
    expect(text(page, '#block-reason')).toBe('Tick your agreement above first');
    await consent(page);
    type(page, '#name', 'zhangsan');
    await flush();
    expect(text(page, '#name-error')).toBe(
      'Use only the Chinese characters on your ID card, with "·" between parts of a minority name',
    );
    expect(text(page, '#block-reason')).toBe('Correct your name as shown');
    expect(text(page, '#records')).toBe('My checks');
    expect(text(page, '#consent-section')).not.toMatch(/[\u4e00-\u9fff]/);
  });

  test('sends its locale with getBizToken: the server, not the page, knows which product takes a language', async () => {
    wechat.language = 'en';
    const page = open();
    await consent(page);
    change(page, '#mode', 'ocr');
    await flush();
    tap(page, '#submit');
    await until(() => recorded.navigation.length > 0, 2000, 'navigation');
    expect(recorded.cloud.find((c) => c.name === 'getBizToken')?.data).toEqual({
      mode: 'ocr',
      consentVersion: CONSENT_VERSION,
      locale: 'en',
    });
  });
});

describe('entry page: exactly the modes the product offers (whoami)', () => {
  const optionTitles = (page: Mounted) =>
    page.querySelectorAll('.option-title').map((node) => node.dom?.textContent?.trim());
  const collected = (page: Mounted) =>
    page.querySelectorAll('.li').map((node) => node.dom?.textContent?.replace(/\s+/g, ' ').trim());

  test.each([
    [
      'zh',
      'zh_CN',
      ['使用参考照片', '仅活体检测'],
      [
        '· 参考照片：您上传的照片和人脸视频，只与这张照片比对，不核验身份。',
        '· 仅活体检测：一段人脸视频，只确认是真人在操作，不与任何照片比对，不核验身份。',
      ],
      '认证开始后，请按提示正对屏幕完成人脸验证。这种方式只确认是真人在操作，不核验身份。',
    ],
    [
      'en',
      'en',
      ['Use a reference photo', 'Liveness only'],
      [
        '· Reference photo: your photo and the video, compared with that photo only; identity not checked.',
        '· Liveness only: a video of your face, to confirm a real person is there; compared with no photo, identity not checked.',
      ],
      'When the check starts, face the screen and follow the prompts. This confirms a real person is there; it does not check your identity.',
    ],
  ])(
    'megvii-overseas (%s): reference and liveness only, liveness sent with nothing typed',
    async (locale, language, titles, lines, note) => {
      wechat.language = language;
      cloudHandlers.whoami = () =>
        whoamiOk({ provider: 'megvii-overseas', modes: ['reference', 'liveness'] });
      cloudHandlers.getBizToken = () => ({
        ...tokenOk(),
        provider: 'megvii-overseas',
        client: { kind: 'h5', url: 'https://api-idn.megvii.com/faceid/lite/do?token=t' },
      });
      const page = mount(pageId);
      page.instance.onLoad({ mode: 'idcard' });
      await consent(page);
      expect(optionTitles(page)).toEqual(titles);
      expect(collected(page)).toEqual(lines);
      // The mode asked for (idcard, from the query) is not offered: the first offered one is chosen.
      expect(page.data.mode).toBe('reference');
      expect(page.querySelector('#pick-photo')).toBeDefined();
      expect(page.querySelector('#name')).toBeUndefined();
      change(page, '#mode', 'ocr');
      await flush();
      expect(page.data.mode).toBe('reference');
      change(page, '#mode', 'liveness');
      await flush();
      expect(text(page, '#liveness-note')).toBe(note);
      expect(page.querySelector('#pick-photo')).toBeUndefined();
      tap(page, '#submit');
      await until(() => recorded.navigation.length > 0, 2000, 'navigation');
      expect(recorded.cloud.find((c) => c.name === 'getBizToken')?.data).toEqual({
        mode: 'liveness',
        consentVersion: CONSENT_VERSION,
        locale,
      });
      expect(recorded.navigation).toEqual([{ kind: 'navigateTo', url: '/pages/webview/webview' }]);
    },
  );

  test.each([
    ['zh', 'zh_CN', '填写身份证信息', '输入姓名和身份证号', '· 填写身份证信息：'],
    ['en', 'en', 'Enter ID card details', 'Type your name and ID number', '· ID card details:'],
  ])(
    'one mode (wechat, %s): no picker, the mode said as the heading, its form',
    async (_locale, language, title, desc, line) => {
      wechat.language = language;
      cloudHandlers.whoami = () => whoamiOk({ provider: 'wechat', processor: 'wechat', modes: ['idcard'] });
      const page = mount(pageId);
      page.instance.onLoad({ mode: 'ocr' });
      await consent(page);
      expect(text(page, '#consent-processor')).toBe(copyFor(_locale as Locale).consent.processor.wechat);
      expect(text(page, '#consent-section')).not.toMatch(/旷视|Megvii|FaceID/);
      expect(page.querySelector('#mode')).toBeUndefined();
      expect(page.querySelectorAll('radio')).toHaveLength(0);
      expect(text(page, '#mode-title')).toBe(title);
      expect(text(page, '#mode-desc')).toBe(desc);
      expect(collected(page)).toHaveLength(1);
      expect(collected(page)[0]).toContain(line);
      type(page, '#name', '张三');
      type(page, '#idnumber', VALID_ID);
      await flush();
      tap(page, '#submit');
      await until(() => recorded.navigation.length > 0, 2000, 'navigation');
      expect(recorded.cloud.find((c) => c.name === 'getBizToken')?.data).toMatchObject({ mode: 'idcard' });
    },
  );

  test.each([
    ['zh', 'zh_CN'],
    ['en', 'en'],
  ])(
    'WeChat processes the check (%s): an old WeChat or an unable phone is told so before any verify_id is bought',
    async (locale, language) => {
      wechat.language = language;
      const t = copyFor(locale as Locale);
      cloudHandlers.whoami = () => whoamiOk({ provider: 'wechat', processor: 'wechat', modes: ['idcard'] });
      const submit = async (page: Mounted) => {
        await consent(page);
        type(page, '#name', '张三');
        type(page, '#idnumber', VALID_ID);
        await flush();
        tap(page, '#submit');
        await flush();
        await flush();
      };

      platform.sdkVersion = '3.8.11';
      const old = mount(pageId);
      old.instance.onLoad({});
      await submit(old);
      await until(() => text(old, '#upgrade') !== '', 2000, 'the update screen');
      expect(text(old, '#upgrade')).toContain(t.access.upgrade.title);
      // The screen replaces the form the person had scrolled down to: its title is brought into view.
      await until(
        () => recorded.scrolls.some((scroll) => scroll.scrollTop === 0),
        2000,
        'scrolled to the top',
      );

      platform.sdkVersion = '3.8.12';
      facial.supported = false;
      const unable = mount(pageId);
      unable.instance.onLoad({});
      await submit(unable);
      await until(() => text(unable, '#facial-device') !== '', 2000, 'the device screen');
      expect(text(unable, '#facial-device')).toContain(t.wechatVerify.deviceTitle);
      expect(text(unable, '#facial-device')).toContain(t.wechatVerify.deviceDetail);

      expect(recorded.cloud.filter((c) => c.name === 'getBizToken')).toEqual([]);
      expect(recorded.navigation).toEqual([]);
    },
  );

  test('one mode (megvii-raw): the reference photo step at once', async () => {
    cloudHandlers.whoami = () => whoamiOk({ provider: 'megvii-raw', modes: ['reference'] });
    const page = open();
    await consent(page);
    expect(page.querySelector('#mode')).toBeUndefined();
    expect(text(page, '#mode-title')).toBe('使用参考照片');
    expect(page.querySelector('#pick-photo')).toBeDefined();
    expect(text(page, '#block-reason')).toBe('请先选择一张本人照片');
  });

  test('while whoami cannot answer no mode is offered and nothing starts; 重试 asks again', async () => {
    cloudHandlers.whoami = () => {
      throw new Error('cloud.callFunction:fail timeout');
    };
    const page = open();
    await consent(page);
    expect(page.querySelector('#mode')).toBeUndefined();
    expect(page.querySelector('#name')).toBeUndefined();
    expect(text(page, '#modes-pending')).toBe('暂时无法读取可用的认证方式，请检查网络后重试');
    expect(enabled(page, '#submit')).toBe(false);
    expect(text(page, '#block-reason')).toBe('正在读取可用的认证方式，请稍候');
    tap(page, '#submit');
    await flush();
    expect(recorded.cloud.filter((c) => c.name === 'getBizToken')).toHaveLength(0);

    cloudHandlers.whoami = () => whoamiOk();
    tap(page, '#modes-retry');
    await until(() => optionTitles(page).length === 3, 2000, 'modes');
    expect(optionTitles(page)).toEqual(['填写身份证信息', '拍摄身份证', '使用参考照片']);
    expect(page.querySelector('#modes-pending')).toBeUndefined();
    expect(page.querySelector('#name')).toBeDefined();
  });
});
