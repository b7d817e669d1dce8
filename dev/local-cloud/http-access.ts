/** Local CloudBase "HTTP access": turns an HTTP request into a function's event and its answer into a response. */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { LocalCloud } from './index';

const MAX_BODY = 1024 * 1024;

/** The event CloudBase would pass for this request. */
async function httpEventOf(req: IncomingMessage): Promise<Record<string, unknown>> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY) throw new Error('body too large');
    chunks.push(chunk as Buffer);
  }
  const url = new URL(req.url ?? '/', 'http://local');
  return {
    httpMethod: req.method ?? 'GET',
    path: url.pathname,
    queryStringParameters: Object.fromEntries(url.searchParams),
    headers: req.headers,
    body: Buffer.concat(chunks).toString('base64'),
    isBase64Encoded: true,
  };
}

/** Writes a function's HTTP-access answer (`{ statusCode, headers, body }`) to the response. */
function writeHttpAnswer(res: ServerResponse, answer: unknown): void {
  const a = (answer ?? {}) as { statusCode?: number; headers?: Record<string, string>; body?: string };
  if (typeof a.statusCode !== 'number') {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify(answer));
    return;
  }
  res.writeHead(a.statusCode, a.headers ?? {});
  res.end(a.body ?? '');
}

/** Serves one function over HTTP on 127.0.0.1, as CloudBase HTTP access would (calls carry no openid). */
export async function serveHttpFunction(
  cloud: LocalCloud,
  name: string,
): Promise<{ url: string; server: Server; close(): Promise<void> }> {
  const answer = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    try {
      writeHttpAnswer(res, await cloud.invoke(name, await httpEventOf(req), null));
    } catch {
      res.writeHead(500).end();
    }
  };
  // answer() settles every request itself, failures included.
  const server = createServer((req, res) => void answer(req, res));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    server,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
