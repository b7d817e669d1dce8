/** A loopback proxy in front of the sandbox that records what the backend sends upstream. */
import {
  createServer,
  type IncomingHttpHeaders,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import type { AddressInfo } from 'node:net';
import { startSandbox, type Sandbox, type SandboxOptions } from '../../dev/sandbox';

export interface RecordedRequest {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

/** An answer FaceID (the sandbox) gave, whether or not it reached the backend. */
export interface RecordedAnswer {
  path: string;
  status: number;
  body: string;
}

/** How an answer FaceID gave is lost on its way back, after FaceID did the work. */
export type LostAnswer = 'reset' | 'truncated' | 'gateway-502' | 'gateway-504' | 'late';

export interface RecordingUpstream {
  url: string;
  requests: RecordedRequest[];
  /** Every answer the sandbox gave, in order (what FaceID did, even when the backend never saw it). */
  answers: RecordedAnswer[];
  /** Requests to one API path. */
  calls(path: string): RecordedRequest[];
  /** Rewrites the JSON body of the next answer to `path` (what a misbehaving upstream would send). */
  rewriteNext(path: string, rewrite: (body: Record<string, unknown>) => Record<string, unknown>): void;
  /**
   * Lets the next `times` requests to `path` reach the sandbox, then loses its answer: the connection reset, the
   * body cut, a gateway's HTML error page instead, or the answer held back `lateMs` (past the caller's time-out).
   */
  loseNext(path: string, how: LostAnswer, times?: number, lateMs?: number): void;
  close(): Promise<void>;
}

/** Starts a proxy on 127.0.0.1 that forwards every request to `target` and remembers it. */
export async function startRecordingUpstream(target: string): Promise<RecordingUpstream> {
  const requests: RecordedRequest[] = [];
  const answers: RecordedAnswer[] = [];
  const rewrites = new Map<string, (body: Record<string, unknown>) => Record<string, unknown>>();
  const losses: { path: string; how: LostAnswer; times: number; lateMs: number }[] = [];
  const takeLoss = (path: string) => {
    const loss = losses.find((l) => l.path === path);
    if (!loss) return undefined;
    if (--loss.times <= 0) losses.splice(losses.indexOf(loss), 1);
    return loss;
  };
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
      answers.push({ path, status: upstream.status, body: answer.toString('utf8') });
      const loss = takeLoss(path);
      if (loss?.how === 'reset') return void req.socket.resetAndDestroy();
      if (loss?.how === 'truncated') {
        res.writeHead(upstream.status, { 'content-type': 'application/json' });
        return void res.end(answer.subarray(0, Math.floor(answer.length / 2)));
      }
      if (loss?.how === 'gateway-502' || loss?.how === 'gateway-504') {
        const status = loss.how === 'gateway-502' ? 502 : 504;
        res.writeHead(status, { 'content-type': 'text/html' });
        return void res.end(`<html><body><center><h1>${status} Gateway Error</h1></center></body></html>`);
      }
      if (loss?.how === 'late') await new Promise((done) => setTimeout(done, loss.lateMs));
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
    answers,
    calls: (path) => requests.filter((r) => r.path.split('?')[0] === path),
    rewriteNext: (path, rewrite) => void rewrites.set(path, rewrite),
    loseNext: (path, how, times = 1, lateMs = 0) => void losses.push({ path, how, times, lateMs }),
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
