import {
  advanceSandboxClock,
  slowNextToken,
  chooseOutcome,
  consent,
  describeE2E,
  see,
  sendSandboxVideo,
  startStandIn,
  tap,
  text,
  title,
  type,
  useSuite,
  VALID_ID,
  VALID_NAME,
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
    await see(page, '您的人脸与身份信息一致，认证已完成。');
    await see(page, '结果码 1000（SUCCESS）');
    await see(page, /^与身份证权威照片比对：[\d.]+ 分/);
  });

  it('shows a not-same-person result', async () => {
    const page = await suite.open();
    await enterIdentity(page);
    await chooseOutcome(page, 'PASS_LIVING_NOT_THE_SAME');
    await startStandIn(page);
    await sendSandboxVideo(page);
    await see(page, '人脸比对未通过');
    await see(page, '结果码 2000（PASS_LIVING_NOT_THE_SAME）');
    await text(page, '重新认证').click();
    await see(page, '个人信息处理说明');
    expect(await title(page)).toBe('实名人脸核身');
  });

  it('gets a new token after the first expired (tokenError) and then passes', async () => {
    const page = await suite.open();
    await enterIdentity(page);
    await advanceSandboxClock(suite.app, 61 * 60 * 1000);
    await slowNextToken(suite.app);
    await startStandIn(page);
    await see(page, '认证凭证已失效');
    await see(page, '正在重新获取认证凭证，请稍候…');
    await page.getByRole('checkbox', { name: '同意 FaceID 用户协议', checked: false }).waitFor();
    await startStandIn(page);
    await sendSandboxVideo(page);
    await see(page, '认证通过');
  });

  it('stops a bad ID number on the entry page with the inline message', async () => {
    const page = await suite.open();
    await consent(page);
    await type(page, '姓名', VALID_NAME);
    await type(page, '身份证号', '110105194912310021');
    await see(page, '身份证号校验位不正确，请核对');
    const submit = page.getByRole('button', { name: '开始人脸核身' });
    expect(await submit.getAttribute('aria-disabled')).toBe('true');
    await submit.click({ force: true });
    await page.waitForTimeout(300);
    expect(await title(page)).toBe('实名人脸核身');
    expect(await text(page, 'SANDBOX / 沙箱').count()).toBe(0);
    await see(page, '身份证号校验位不正确，请核对');
  });
});
