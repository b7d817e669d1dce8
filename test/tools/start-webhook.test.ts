/** `npm start`'s sample webhook receiver: a verification's result arrives there, verified, printed masked. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CONSENT } from '../support/harness';
import { completeFlow } from '../support/component-driver';
import { startApp, type RunningApp } from '../../dev/start';

type Answer = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

let app: RunningApp;
let dataDir: string;
let printed: string[];
beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'start-webhook-'));
  printed = [];
  jest.spyOn(console, 'log').mockImplementation((line: string) => void printed.push(line));
  app = await startApp({ port: 0, dataDir, quiet: true });
});
afterAll(async () => {
  await app.close();
  jest.restoreAllMocks();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('npm start', () => {
  it('points the webhook at its receiver, which prints each verified delivery once, masked', async () => {
    const token = (await app.cloud.invoke(
      'getBizToken',
      { ...CONSENT, mode: 'idcard', idcardName: '赵六', idcardNumber: '11010519491231002X' },
      null,
    )) as Answer;
    expect(token).toMatchObject({ ok: true });
    await completeFlow(app.sandbox.url, token.bizToken as string, 'SUCCESS');
    await app.cloud.invoke('getResult', { bizToken: token.bizToken }, null);
    await app.cloud.invoke('deliverResults', {}, null);
    expect(app.receiver.deliveries).toEqual([
      expect.objectContaining({ bizNo: token.bizNo, status: 'finished', outcome: 'passed' }),
    ]);
    const lines = printed.filter((line) => line.includes('webhook: verified delivery'));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain(`${token.bizNo as string} finished passed (赵* 1101**********002X)`);
    expect(lines[0]).not.toContain('11010519491231002X');
  });

  it('refuses a request its secret did not sign', async () => {
    const res = await fetch(app.receiver.url, {
      method: 'POST',
      headers: { 'x-faceid-signature': `t=${Math.floor(Date.now() / 1000)},v1=00` },
      body: JSON.stringify({ id: 'forged', bizNo: 'x', status: 'finished' }),
    });
    expect(res.status).toBe(401);
    expect(app.receiver.deliveries.map((d) => d.id)).not.toContain('forged');
  });
});
