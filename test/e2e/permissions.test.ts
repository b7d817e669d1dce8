import type { Page } from 'playwright-core';
import { VALID_ID, VALID_NAME, consent, describeE2E, see, tap, text, type, useSuite } from './support';

/** Answers the preview's stand-in of a WeChat dialog (its authorization prompt or its settings page). */
async function answer(page: Page, title: string, button: '允许' | '不允许'): Promise<void> {
  const dialog = page.getByRole('dialog').filter({ hasText: title });
  await dialog.getByRole('button', { name: button, exact: true }).tap();
}

describeE2E('privacy authorization and the camera in the browser preview', () => {
  const suite = useSuite();

  it('unagreed privacy guide: one tap agrees to the consent and the guide; no popup follows', async () => {
    const page = await suite.open('?privacy=unagreed');
    await see(page, '开始前请了解');
    await tap(page, '同意以上说明和《实名人脸核身隐私保护指引》');
    await page
      .getByRole('radio', { name: '填写身份证信息' })
      .and(page.locator('[aria-disabled="false"]'))
      .waitFor();
    await see(page, '我已阅读并同意以上说明');
    await type(page, '姓名', VALID_NAME);
    await type(page, '身份证号', VALID_ID);
    await tap(page, '开始人脸核身');
    await see(page, 'SANDBOX / 沙箱');
    expect(await text(page, '使用前请同意隐私保护指引').isVisible()).toBe(false);
  });

  it('camera said no to: 去设置, allowed in the settings, and the same verification continues', async () => {
    const page = await suite.open('?camera=denied');
    await consent(page);
    await type(page, '姓名', VALID_NAME);
    await type(page, '身份证号', VALID_ID);
    await tap(page, '开始人脸核身');
    await see(page, '需要使用摄像头');
    await see(page, '人脸核身要用摄像头拍摄您的脸和证件。请在设置中打开“摄像头”，回来后会接着进行。');
    await tap(page, '去设置');
    await answer(page, '设置：摄像头', '允许');
    await answer(page, '设置：麦克风', '允许');
    await see(page, 'SANDBOX / 沙箱');
    expect(await text(page, '需要使用摄像头').isVisible()).toBe(false);
  });
});
