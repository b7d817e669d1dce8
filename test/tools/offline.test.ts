import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { blockedConnections, isLoopbackHost } from '../../pipeline/offline';

describe('offline guard (installed for every test by test/setup.ts)', () => {
  it('refuses connections to real hosts before any packet leaves', async () => {
    await expect(fetch('https://fidlite.market.alicloudapi.com/lite/v1/get_result')).rejects.toThrow();
    await expect(fetch('http://10.0.0.1:80/')).rejects.toThrow();
    expect(blockedConnections).toEqual(
      expect.arrayContaining(['fidlite.market.alicloudapi.com', '10.0.0.1']),
    );
  });

  it('lets loopback through', async () => {
    const server = createServer((_req, res) => res.end('ok'));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    expect(await (await fetch(`http://127.0.0.1:${port}/`)).text()).toBe('ok');
    expect(await (await fetch(`http://localhost:${port}/`)).text()).toBe('ok');
    server.close();
  });

  it.each([
    ['127.0.0.1', true],
    ['127.8.9.10', true],
    ['::1', true],
    ['localhost', true],
    ['10.0.0.1', false],
    ['192.168.1.1', false],
    ['api.megvii.com', false],
    ['127.0.0.1.example.com', false],
  ])('%s is loopback: %s', (host, loopback) => {
    expect(isLoopbackHost(host)).toBe(loopback);
  });
});
