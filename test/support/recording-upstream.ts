/** A loopback proxy in front of the sandbox that records what the backend sends upstream. */
import {
  createServer,
  type IncomingHttpHeaders,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import type { AddressInfo } from 'node:net';
import { startSandbox, type Sandbox, type SandboxOptions } from '../../tools/sandbox';

export interface RecordedRequest {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

export interface RecordingUpstream {
  url: string;
  requests: RecordedRequest[];
  /** Requests to one API path. */
  calls(path: string): RecordedRequest[];
  /** Rewrites the JSON body of the next answer to `path` (what a misbehaving upstream would send). */
  rewriteNext(path: string, rewrite: (body: Record<string, unknown>) => Record<string, unknown>): void;
  close(): Promise<void>;
}

/** Starts a proxy on 127.0.0.1 that forwards every request to `target` and remembers it. */
export async function startRecordingUpstream(target: string): Promise<RecordingUpstream> {
  const requests: RecordedRequest[] = [];
  const rewrites = new Map<string, (body: Record<string, unknown>) => Record<string, unknown>>();
  const forward = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks);
    requests.push({ method: req.method ?? '', path: req.url ?? '', headers: req.headers, body });
    const headers = Object.fromEntries(
      Object.entries(req.headers).filter(([k]) => !['host', 'connection', 'content-length'].includes(k)),
    ) as Record<string, string>;
    try {
      const upstream = await fetch(target + (req.url ?? ''), {
        method: req.method,
        headers,
        body: req.method === 'GET' ? undefined : body,
      });
      let answer = Buffer.from(await upstream.arrayBuffer());
      const path = (req.url ?? '').split('?')[0] ?? '';
      const rewrite = rewrites.get(path);
      if (rewrite) {
        rewrites.delete(path);
        answer = Buffer.from(
          JSON.stringify(rewrite(JSON.parse(answer.toString('utf8')) as Record<string, unknown>)),
        );
      }
      res.writeHead(upstream.status, {
        'content-type': upstream.headers.get('content-type') ?? 'text/plain',
      });
      res.end(answer);
    } catch {
      req.socket.destroy();
    }
  };
  // A failure anywhere (reading the request included) drops the connection, as a broken upstream would.
  const server: Server = createServer((req, res) => {
    forward(req, res).catch(() => req.socket.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    calls: (path) => requests.filter((r) => r.path.split('?')[0] === path),
    rewriteNext: (path, rewrite) => void rewrites.set(path, rewrite),
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/**
 * Starts a sandbox and a recording proxy in front of it before each test of the file and closes both after; the
 * returned object holds the current pair. Register it before the file's own beforeEach, which can then use it.
 */
export function useSandboxUpstream(options: SandboxOptions = {}): {
  sandbox: Sandbox;
  upstream: RecordingUpstream;
} {
  const current = {} as { sandbox: Sandbox; upstream: RecordingUpstream };
  beforeEach(async () => {
    current.sandbox = await startSandbox({ port: 0, quiet: true, ...options });
    current.upstream = await startRecordingUpstream(current.sandbox.url);
  });
  afterEach(async () => {
    await current.upstream.close();
    await current.sandbox.close();
  });
  return current;
}
