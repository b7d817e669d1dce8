import { consent, describeE2E, see, tap, useSuite } from './support';
import { CONSENT_VERSION } from '../../miniprogram/shared/consent';

describeE2E('a rate-limited person', () => {
  const suite = useSuite({ rateLimit: '1/600' });

  it('is told when to come back (the server’s retryAt), and the start button is disabled until then', async () => {
    const page = await suite.open();
    await consent(page);
    await tap(page, '拍摄身份证');
    await tap(page, '开始人脸核身');
    await see(page, 'SANDBOX / 沙箱');
    await page.goBack();
    await see(page, '开始前请了解');
    await tap(page, '开始人脸核身');
    const withTime = /^发起次数过多，请在 (\d{4}-\d{2}-\d{2} )?\d{2}:\d{2} 后再试。$/;
    const answer = await page.evaluate(async (consentVersion) => {
      const res = await fetch('/api/callFunction', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ name: 'getBizToken', data: { mode: 'ocr', consentVersion } }),
      });
      return ((await res.json()) as { result: { error?: { code: string; retryAt?: number } } }).result;
    }, CONSENT_VERSION);
    expect(answer.error?.code).toBe('RATE_LIMITED');
    expect(answer.error?.retryAt).toBeGreaterThan(Date.now());
    await see(page, withTime);
    const start = page.getByRole('button', { name: '开始人脸核身' });
    expect(await start.getAttribute('aria-disabled')).toBe('true');
    expect(await start.evaluate((el) => getComputedStyle(el).backgroundColor)).toBe('rgb(230, 230, 230)');
  });
});
