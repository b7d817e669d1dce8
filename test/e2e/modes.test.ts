import { join } from 'node:path';
import {
  consent,
  describeE2E,
  FIXTURES,
  see,
  sendSandboxVideo,
  startStandIn,
  tap,
  title,
  useSuite,
} from './support';

describeE2E('OCR and reference-photo modes in the browser preview', () => {
  const suite = useSuite();

  it('OCR mode: photographs both ID-card sides in the stand-in, confirms, passes', async () => {
    const page = await suite.open();
    await consent(page);
    await tap(page, '拍摄身份证');
    await see(page, '认证开始后，请按提示拍摄身份证人像面和国徽面。请准备好身份证原件。');
    await tap(page, '开始人脸核身');
    await startStandIn(page);
    await see(page, '拍摄身份证人像面');
    await tap(page, '使用模拟身份证照片');
    await see(page, '拍摄身份证国徽面');
    const chooser = page.waitForEvent('filechooser');
    await tap(page, '拍摄国徽面');
    await (await chooser).setFiles(join(FIXTURES, 'reference-photo.jpg'));
    await see(page, '确认身份证信息');
    const name = page.getByRole('textbox', { name: '姓名' });
    expect(await name.inputValue()).not.toBe('');
    await tap(page, '确认无误');
    await sendSandboxVideo(page);
    await see(page, '认证通过');
    await see(page, '已确认是您本人，身份信息核验一致。');
    await see(page, /^身份证号：\d{3,6}\*+[\dX]{2,4}$/);
    expect(await title(page)).toBe('认证结果');
  });

  it('reference-photo mode: uploads a photo through the file chooser, passes against it', async () => {
    const page = await suite.open();
    await consent(page);
    await tap(page, '使用参考照片');
    const chooser = page.waitForEvent('filechooser');
    await tap(page, '拍摄或选择照片');
    await (await chooser).setFiles(join(FIXTURES, 'reference-photo.jpg'));
    await see(page, '重新选择照片');
    await page.getByRole('img', { name: '已选择的参考照片' }).waitFor();
    await tap(page, '开始人脸核身');
    await startStandIn(page);
    await sendSandboxVideo(page);
    await see(page, '认证通过');
    await see(page, '已确认您与上传的照片是同一人。');
    const screen = await page.locator('.wx-page:not([hidden])').innerText();
    expect(screen).not.toMatch(/身份/);
  });
});
