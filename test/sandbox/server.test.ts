/** Faults, CORS, loopback binding, notify callbacks, logging, close() and the CLI. */
import { spawn } from 'node:child_process';
import http from 'node:http';
import net from 'node:net';
import { networkInterfaces } from 'node:os';
import { join } from 'node:path';
import { startSandbox, type Sandbox } from '../../dev/sandbox';
import {
  answer,
  APPCODE,
  component,
  control,
  expectError,
  getBizToken,
  getResult,
  IDCARD_PARAMS,
  issue,
  runFlow,
  SAMPLE_ID,
  SAMPLE_NAME,
  start,
  type Json,
} from './helpers';

let sb: Sandbox;
beforeAll(async () => {
  sb = await start();
});
afterAll(() => sb.close());
afterEach(() => sb.reset());

const faulty = (fault: string, path = '/lite/v1/get_result?biz_token=1,x') =>
  fetch(`${sb.url}${path}`, { headers: { Authorization: `APPCODE ${APPCODE}`, 'X-Sandbox-Fault': fault } });

describe('faults per request (X-Sandbox-Fault)', () => {
  it.each([
    ['500', 'INTERNAL_ERROR'],
    ['429', 'CONCURRENCY_LIMIT_EXCEEDED'],
  ])('%s answers the seed JSON error %s', async (fault, error) => {
    expectError(await answer(await faulty(fault)), Number(fault), error);
  });

  it.each([
    ['502', 'Bad Gateway'],
    ['503', 'Service Temporarily Unavailable'],
  ])('%s answers a plain gateway page', async (fault, words) => {
    const res = await answer(await faulty(fault));
    expect(res.status).toBe(Number(fault));
    expect(res.headers.get('content-type')).toMatch(/^text\/html/);
    expect(res.text).toContain(`${fault} ${words}`);
    expect(() => JSON.parse(res.text) as unknown).toThrow();
  });

  it('413 answers the plain text Request Entity Too Large', async () => {
    const res = await answer(await faulty('413'));
    expect([res.status, res.text, res.headers.get('content-type')]).toEqual([
      413,
      'Request Entity Too Large',
      'text/plain; charset=utf-8',
    ]);
  });

  it('reset destroys the connection', async () => {
    const error = (await faulty('reset').catch((e: unknown) => e)) as Error & { cause?: { code?: string } };
    expect(error).toMatchObject({ name: 'TypeError', message: 'fetch failed' });
    expect(error.cause?.code ?? JSON.stringify(error.cause)).toMatch(/ECONNRESET|closed|UND_ERR_SOCKET/);
  });

  it('malformed answers 200 with a truncated JSON body', async () => {
    const res = await answer(await faulty('malformed'));
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    expect(res.text.startsWith('{"request_id":')).toBe(true);
    expect(() => JSON.parse(res.text) as unknown).toThrow(SyntaxError);
  });

  it('latency=<ms> delays, then answers normally', async () => {
    const token = await issue(sb, 'idcard');
    const started = Date.now();
    const res = await answer(
      await faulty('latency=250', `/lite/v1/get_result?biz_token=${encodeURIComponent(token)}`),
    );
    expect(Date.now() - started).toBeGreaterThanOrEqual(240);
    expect(res.body).toMatchObject({ result_code: '9000', biz_token: token });
  });

  it('a faulted request is not processed: the token stays usable', async () => {
    const token = await issue(sb, 'idcard');
    const res = await fetch(`${sb.url}/lite/v1/get_config?biz_token=${encodeURIComponent(token)}`, {
      headers: { 'X-Sandbox-Fault': '503' },
    });
    expect(res.status).toBe(503);
    expect(res.headers.get('access-control-allow-origin')).toBe('*');
    expect((await component.getConfig(sb, token)).status).toBe(200);
  });

  it('an unknown fault value is refused with 400', async () => {
    expectError(await answer(await faulty('explode')), 400, 'BAD_ARGUMENTS:X-Sandbox-Fault');
  });
});

describe('queued faults', () => {
  it('apply to paths with the prefix, `times` times, then stop', async () => {
    const queued = await control(sb, '/faults', {
      path: '/lite/v1/get_result',
      kind: 'status',
      status: 503,
      times: 2,
    });
    expect(queued.body.faults).toEqual([
      { path: '/lite/v1/get_result', kind: 'status', status: 503, times: 2 },
    ]);
    expect((await getBizToken(sb, IDCARD_PARAMS)).status).toBe(200);
    const token = await issue(sb, 'idcard');
    expect((await getResult(sb, token)).status).toBe(503);
    expect((await getResult(sb, token)).status).toBe(503);
    expect((await getResult(sb, token)).status).toBe(200);
    expect((await control(sb, '/faults', undefined, 'GET')).body.faults).toEqual([]);
  });

  it('without a path apply to every API path but never to /__sandbox', async () => {
    sb.injectFault({ kind: 'status', status: 500, times: 3 });
    expect((await control(sb, '/clock', undefined, 'GET')).status).toBe(200);
    expect((await getBizToken(sb, IDCARD_PARAMS)).status).toBe(500);
    expect((await component.getConfig(sb, '1,x')).status).toBe(500);
    expect((await fetch(`${sb.url}/lite/v1/nothing`)).status).toBe(500);
    expect((await getBizToken(sb, IDCARD_PARAMS)).status).toBe(200);
  });

  it('take the per-request header first', async () => {
    sb.injectFault({ kind: 'status', status: 429 });
    expect((await faulty('500')).status).toBe(500);
    expect((await getResult(sb, '1,x')).status).toBe(429);
  });

  it('of every kind behave like their header counterparts', async () => {
    sb.injectFault({ kind: 'reset' });
    await expect(getResult(sb, '1,x')).rejects.toMatchObject({ message: 'fetch failed' });
    sb.injectFault({ kind: 'malformed' });
    const malformed = await getResult(sb, '1,x');
    expect(malformed.status).toBe(200);
    expect(malformed.body).toEqual({});
    sb.injectFault({ kind: 'too_large' });
    expect((await getResult(sb, '1,x')).text).toBe('Request Entity Too Large');
    sb.injectFault({ kind: 'latency', ms: 150 });
    const started = Date.now();
    expect((await getResult(sb, '1,x')).body.error).toBe('BAD_ARGUMENTS:biz_token');
    expect(Date.now() - started).toBeGreaterThanOrEqual(140);
    sb.injectFault({ kind: 'status', status: 502 });
    expect((await getResult(sb, '1,x')).text).toContain('502 Bad Gateway');
  });

  it('DELETE /__sandbox/faults clears them', async () => {
    sb.injectFault({ kind: 'status', status: 500, times: 5 });
    expect((await control(sb, '/faults', undefined, 'DELETE')).body).toEqual({ ok: true });
    expect((await getResult(sb, '1,x')).status).toBe(400);
  });

  it.each([
    [{ kind: 'explode' }],
    [{ kind: 'status', status: 418 }],
    [{ kind: 'status' }],
    [{ kind: 'latency' }],
    [{ kind: 'latency', ms: -1 }],
    [{ kind: 'reset', times: 0 }],
    [{ kind: 'reset', path: 'lite' }],
  ])('refuses %j with 400', async (spec) => {
    const res = await control(sb, '/faults', spec);
    expect(res.status).toBe(400);
    expect(typeof res.body.error).toBe('string');
    expect(() => sb.injectFault(spec as never)).toThrow(RangeError);
  });
});

describe('CORS', () => {
  const preflight = (path: string) =>
    fetch(`${sb.url}${path}`, {
      method: 'OPTIONS',
      headers: {
        Origin: 'http://127.0.0.1:5173',
        'Access-Control-Request-Method': 'POST',
        'Access-Control-Request-Headers': 'content-type, x-sandbox-fault',
      },
    });

  it.each([
    '/lite/v1/get_config',
    '/lite/v1/idcard_confirm',
    '/lite/v1/ocridcard',
    '/lite/v1/ocridcard_confirm',
    '/lite/v1/video_verify',
    '/lite/v1/cancel',
    '/__sandbox/outcome',
    '/__sandbox/flows/1,abc',
    '/__sandbox/reset',
  ])('answers the preflight for %s', async (path) => {
    const res = await preflight(path);
    expect(res.status).toBe(204);
    expect(res.headers.get('access-control-allow-origin')).toBe('*');
    expect(res.headers.get('access-control-allow-methods')).toContain('POST');
    expect(res.headers.get('access-control-allow-headers')?.toLowerCase()).toContain('content-type');
    expect(res.headers.get('access-control-allow-headers')?.toLowerCase()).toContain('x-sandbox-fault');
  });

  it('sends Access-Control-Allow-Origin on component and control answers, errors included', async () => {
    const token = await issue(sb, 'idcard');
    for (const res of [
      await component.getConfig(sb, token),
      await component.getConfig(sb, token),
      await component.cancel(sb, token),
      await control(sb, '/notifies', undefined, 'GET'),
      await control(sb, '/nothing', undefined, 'GET'),
    ]) {
      expect(res.headers.get('access-control-allow-origin')).toBe('*');
    }
  });

  it('leaves the server-to-server APPCODE endpoints without CORS', async () => {
    const res = await getBizToken(sb, IDCARD_PARAMS);
    expect(res.headers.get('access-control-allow-origin')).toBeNull();
    expect((await preflight('/lite/v1/get_biz_token')).status).toBe(404);
  });
});

describe('binding', () => {
  it('listens on 127.0.0.1 only', async () => {
    expect(sb.url).toBe(`http://127.0.0.1:${sb.port}`);
    const connects = (host: string) =>
      new Promise<boolean>((resolve) => {
        const socket = net.connect({ host, port: sb.port });
        socket.once('connect', () => {
          socket.destroy();
          resolve(true);
        });
        socket.once('error', () => resolve(false));
      });
    expect(await connects('127.0.0.1')).toBe(true);
    expect(await connects('::1')).toBe(false);
    const others = Object.values(networkInterfaces())
      .flat()
      .filter((a) => a && !a.internal)
      .map((a) => a!.address);
    for (const address of others) expect(await connects(address)).toBe(false);
  });

  it('picks a free port for port 0 and refuses a taken one', async () => {
    const other = await start();
    try {
      expect(other.port).not.toBe(sb.port);
      await expect(startSandbox({ port: sb.port, quiet: true })).rejects.toThrow(/EADDRINUSE/);
      await expect(startSandbox({ port: -1, quiet: true })).rejects.toThrow(RangeError);
    } finally {
      await other.close();
    }
  });
});

describe('notify', () => {
  let receiver: http.Server;
  let received: Array<{ path: string; type: string; body: string }>;
  let receiverStatus = 200;
  let receiverUrl: string;

  beforeAll(async () => {
    received = [];
    receiver = http.createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        received.push({ path: req.url ?? '', type: req.headers['content-type'] ?? '', body });
        res.writeHead(receiverStatus).end('ok');
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    receiverUrl = `http://127.0.0.1:${(receiver.address() as net.AddressInfo).port}/faceid/notify?x=1`;
  });
  afterAll(() => new Promise<void>((resolve) => receiver.close(() => resolve())));
  beforeEach(() => {
    received = [];
    receiverStatus = 200;
  });

  it('POSTs data=<JSON {biz_token, error_code, error_msg}> to a loopback notify_url when the flow ends', async () => {
    const token = await issue(sb, 'idcard', { notify_url: receiverUrl });
    await component.getConfig(sb, token);
    await sb.settleNotifies();
    expect(received).toHaveLength(0);
    await component.video(sb, token, 'PASS_LIVING_NOT_THE_SAME');
    await sb.settleNotifies();
    expect(received).toHaveLength(1);
    expect(received[0].path).toBe('/faceid/notify?x=1');
    expect(received[0].type).toBe('application/x-www-form-urlencoded');
    const data = new URLSearchParams(received[0].body).get('data');
    expect(JSON.parse(data!)).toEqual({
      biz_token: token,
      error_code: 2000,
      error_msg: 'PASS_LIVING_NOT_THE_SAME',
    });
    expect(sb.notifies()).toEqual([
      expect.objectContaining({
        biz_token: token,
        url: receiverUrl,
        status: 'delivered',
        http_status: 200,
        data,
      }),
    ]);
    const listed = await control(sb, '/notifies', undefined, 'GET');
    expect(listed.body.notifies).toEqual(JSON.parse(JSON.stringify(sb.notifies())) as Json[]);
  });

  it('reports cancel and OCR endings too, and records a non-2xx answer as failed', async () => {
    receiverStatus = 500;
    const token = await issue(sb, 'ocr', { notify_url: receiverUrl });
    sb.setOutcome('FAIL_OCR_FAKE_IDCARD', { bizToken: token });
    await runFlow(sb, token);
    const cancelled = await issue(sb, 'idcard', {
      notify_url: receiverUrl.replace('127.0.0.1', 'localhost'),
    });
    await component.getConfig(sb, cancelled);
    await component.cancel(sb, cancelled);
    await sb.settleNotifies();
    const payloads = received.map((r) => JSON.parse(new URLSearchParams(r.body).get('data')!) as Json);
    expect(payloads).toEqual([
      { biz_token: token, error_code: 3200, error_msg: 'FAIL_OCR_FAKE_IDCARD' },
      { biz_token: cancelled, error_code: 6000, error_msg: 'USER_CANCEL' },
    ]);
    expect(sb.notifies().map((n) => [n.status, n.http_status])).toEqual([
      ['failed', 500],
      ['failed', 500],
    ]);
  });

  it('skips any host that is not loopback, and records an unreachable receiver as failed', async () => {
    const remote = await issue(sb, 'idcard', { notify_url: 'https://example.invalid:8883/notify' });
    const near = await issue(sb, 'idcard', { notify_url: 'http://127.0.0.2:5000/notify' });
    const closed = await issue(sb, 'idcard', { notify_url: 'http://127.0.0.1:9/notify' });
    for (const token of [remote, near, closed]) await runFlow(sb, token);
    await sb.settleNotifies();
    expect(received).toHaveLength(0);
    expect(sb.notifies().map((n) => [n.biz_token, n.status, n.megvii_port_ok])).toEqual([
      [remote, 'skipped', true],
      [near, 'skipped', true],
      [closed, 'failed', false],
    ]);
    expect(sb.notifies()[2].error).toMatch(/ECONNREFUSED/);
  });

  it('reset forgets the records', async () => {
    await runFlow(sb, await issue(sb, 'idcard'));
    await sb.settleNotifies();
    expect(sb.notifies()).toHaveLength(1);
    sb.reset();
    expect(sb.notifies()).toEqual([]);
  });
});

describe('logging', () => {
  it('logs method, path, status and duration, never names, ID numbers or images; quiet logs nothing', async () => {
    const lines: string[] = [];
    const spy = jest.spyOn(console, 'log').mockImplementation((...args: unknown[]) => {
      lines.push(args.map(String).join(' '));
    });
    try {
      const loud = await startSandbox({ port: 0, appcode: APPCODE });
      try {
        const token = await issue(loud, 'idcard');
        await runFlow(loud, token);
        const ocr = await issue(loud, 'ocr');
        await runFlow(loud, ocr);
        await getResult(loud, ocr);
        await loud.settleNotifies();
      } finally {
        await loud.close();
      }
      expect(lines.some((l) => /POST \/lite\/v1\/get_biz_token 200 \d+ms/.test(l))).toBe(true);
      expect(lines.some((l) => /GET \/lite\/v1\/get_result 200/.test(l))).toBe(true);
      const all = lines.join('\n');
      for (const secret of [SAMPLE_NAME, SAMPLE_ID, '/9j/', 'biz_token=']) expect(all).not.toContain(secret);
      lines.length = 0;
      await runFlow(sb, await issue(sb, 'idcard'));
      expect(lines).toEqual([]);
    } finally {
      spy.mockRestore();
    }
  });
});

describe('close()', () => {
  it('resolves promptly with a keep-alive connection and a delayed request still open', async () => {
    const local = await start();
    const agent = new http.Agent({ keepAlive: true });
    await new Promise<void>((resolve) =>
      http.get(`${local.url}/__sandbox/clock`, { agent }, (r) => r.resume().on('end', resolve)),
    );
    const pending = fetch(`${local.url}/lite/v1/get_config?biz_token=1,x`, {
      headers: { 'X-Sandbox-Fault': 'latency=20000' },
    }).catch((e: unknown) => e);
    await new Promise((resolve) => setTimeout(resolve, 50));
    const started = Date.now();
    await local.close();
    // Far below the 20 s the delayed request would hold it, whatever the machine's load.
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(await pending).toMatchObject({ message: 'fetch failed' });
    agent.destroy();
  });
});

describe('CLI (npm run sandbox)', () => {
  it('prints that it is a test double with its URL, serves, and stops on SIGTERM', async () => {
    const tsx = join(__dirname, '../../node_modules/.bin/tsx');
    const child = spawn(tsx, [join(__dirname, '../../dev/sandbox/main.ts')], {
      env: { ...process.env, SANDBOX_PORT: '0', SANDBOX_APPCODE: 'cli-appcode' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    const url = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no banner: ${output}`)), 15000);
      child.stdout.on('data', (chunk: Buffer) => {
        output += chunk.toString();
        const match = /FaceID SANDBOX \(test double\) listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(output);
        if (match) {
          clearTimeout(timer);
          resolve(match[1]);
        }
      });
      child.once('exit', () => reject(new Error(`exited early: ${output}`)));
    });
    const ok = await fetch(`${url}/lite/v1/get_biz_token`, {
      method: 'POST',
      headers: { Authorization: 'APPCODE cli-appcode' },
      body: new URLSearchParams(IDCARD_PARAMS),
    });
    expect(ok.status).toBe(200);
    const exit = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    child.kill('SIGTERM');
    expect(await exit).toBe(0);
  }, 30000);
});
