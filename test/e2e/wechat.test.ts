import { VALID_ID, VALID_NAME, consent, describeE2E, see, tap, title, type, useSuite } from './support';

describeE2E('WeChat 人脸核身 2.0 in the browser preview (npm start -- --provider wechat)', () => {
  const suite = useSuite({ provider: 'wechat' });

  it('passes: consent, typed identity, WeChat’s face check (the sandbox double, outcome 10000), passed result', async () => {
    const page = await suite.open();
    await consent(page);
    await type(page, '姓名', VALID_NAME);
    await type(page, '身份证号', VALID_ID);
    await tap(page, '开始人脸核身');
    await see(page, '微信人脸核身（沙箱替身）：选择结果');
    expect(await title(page)).toBe('人脸核身');
    await page.getByRole('option', { name: '10000 识别成功' }).tap();
    await see(page, '认证通过');
    expect(await title(page)).toBe('认证结果');
    const screen = (await page.locator('.wx-page:not([hidden])').innerText()).replace(/\s+/g, ' ');
    expect(screen).not.toMatch(/10000|verify_ret|SUCCESS/);
    expect(screen).toContain('张*');
  });
});
