import {
  VALID_ID,
  VALID_NAME,
  advanceSandboxClock,
  chooseOutcome,
  consent,
  describeE2E,
  exitStandIn,
  see,
  sendSandboxVideo,
  slowNextToken,
  startStandIn,
  tap,
  text,
  title,
  type,
  useSuite,
} from './support';
import type { Page } from 'playwright-core';

async function enterIdentity(page: Page): Promise<void> {
  await consent(page);
  await type(page, '姓名', VALID_NAME);
  await type(page, '身份证号', VALID_ID);
  await tap(page, '开始人脸核身');
  await see(page, 'SANDBOX / 沙箱');
  expect(await title(page)).toBe('人脸核身');
}

describeE2E('ID-card mode in the browser preview', () => {
  const suite = useSuite();

  it('passes: consent, typed identity, stand-in with outcome SUCCESS, passed result', async () => {
    const page = await suite.open();
    expect(await title(page)).toBe('实名人脸核身');
    await enterIdentity(page);
    await chooseOutcome(page, 'SUCCESS');
    await startStandIn(page);
    await sendSandboxVideo(page);
    await see(page, '认证通过');
    expect(await title(page)).toBe('认证结果');
    await see(page, '已确认是您本人，身份信息核验一致。');
    await see(page, /^客服查询编号：[0-9a-f-]{8}$/);
    const screen = (await page.locator('.wx-page:not([hidden])').innerText()).replace(/\s+/g, ' ');
    expect(screen).not.toMatch(/1000|SUCCESS|满分|误识率|分数/);
  });

  it('not the same person: 再试一次 goes straight back to the verification with the same details', async () => {
    const page = await suite.open();
    await enterIdentity(page);
    await chooseOutcome(page, 'PASS_LIVING_NOT_THE_SAME');
    await startStandIn(page);
    await sendSandboxVideo(page);
    await see(page, '人脸比对未通过');
    await see(page, '您的人脸与身份证登记的照片不一致。请由证件本人在光线充足处正对镜头再试。');
    await page.getByRole('button', { name: '联系客服' }).waitFor();
    await tap(page, '再试一次');
    await see(page, 'SANDBOX / 沙箱');
    await chooseOutcome(page, 'SUCCESS');
    await startStandIn(page);
    await sendSandboxVideo(page);
    await see(page, '认证通过');
  });

  it('leaving the verification: the result says so, and 重新开始 returns to the form with consent and details kept', async () => {
    const page = await suite.open();
    await enterIdentity(page);
    await startStandIn(page);
    await see(page, '请录制视频并读出数字');
    await exitStandIn(page);
    await see(page, '您已退出验证');
    await see(page, '验证没有完成，您的信息没有被核验。需要时可以重新开始。');
    await tap(page, '重新开始');
    await see(page, '开始前请了解');
    const consentBox = page.getByRole('checkbox', { name: '我已阅读并同意以上说明' });
    expect(await consentBox.isChecked()).toBe(true);
    expect(await page.getByRole('textbox', { name: '姓名' }).inputValue()).toBe(VALID_NAME);
    expect(await page.getByRole('textbox', { name: '身份证号' }).inputValue()).toBe(VALID_ID);
    expect(await page.locator('.wx-page:not([hidden])').evaluate((el) => el.scrollTop)).toBeGreaterThan(0);
    await tap(page, '开始人脸核身');
    await see(page, 'SANDBOX / 沙箱');
  });

  it('gets a new token after the first expired (tokenError) and then passes', async () => {
    const page = await suite.open();
    await enterIdentity(page);
    await advanceSandboxClock(suite.app, 61 * 60 * 1000);
    await slowNextToken(suite.app);
    await startStandIn(page);
    await see(page, '认证已过期，正在重新开始…');
    await page.getByRole('checkbox', { name: '我已阅读并同意 FaceID 用户协议', checked: false }).waitFor();
    await startStandIn(page);
    await sendSandboxVideo(page);
    await see(page, '认证通过');
  });

  it('stops a bad ID number on the entry page with the inline message and says why under the button', async () => {
    const page = await suite.open();
    await consent(page);
    await type(page, '姓名', VALID_NAME);
    await type(page, '身份证号', '110105194912310021');
    await see(page, '身份证号有误，请逐位核对');
    await see(page, '请按提示修改身份证号');
    const submit = page.getByRole('button', { name: '开始人脸核身' });
    expect(await submit.getAttribute('aria-disabled')).toBe('true');
    await submit.click({ force: true });
    await page.waitForTimeout(300);
    expect(await title(page)).toBe('实名人脸核身');
    expect(await text(page, 'SANDBOX / 沙箱').count()).toBe(0);
    await see(page, '身份证号有误，请逐位核对');
  });

  it('a name no ID card bears is refused before any token is bought', async () => {
    const page = await suite.open();
    await consent(page);
    await type(page, '姓名', 'Zhang San 123');
    await type(page, '身份证号', '110105 19491231 002x');
    await see(page, '姓名只能填写身份证上的汉字，少数民族姓名中间的点用“·”');
    expect(await page.getByRole('textbox', { name: '身份证号' }).inputValue()).toBe(VALID_ID);
    expect(await page.getByRole('button', { name: '开始人脸核身' }).getAttribute('aria-disabled')).toBe(
      'true',
    );
  });
});
