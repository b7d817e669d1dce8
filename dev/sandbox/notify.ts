/** Sends FaceID's end-of-flow callback, to loopback addresses only, and keeps a record of every attempt. */
import http from 'node:http';
import https from 'node:https';
import type { SandboxClock } from './clock';

interface NotifyPayload {
  biz_token: string;
  error_code: number;
  error_msg: string;
}

export interface NotifyRecord {
  biz_token: string;
  url: string;
  /** `delivered`: a 2xx answer; `failed`: another status or no answer; `skipped`: not a loopback host. */
  status: 'delivered' | 'failed' | 'skipped';
  /** The form field `data` as sent. */
  data: string;
  http_status?: number;
  error?: string;
  /** Whether real FaceID would call this port at all (443, 5000, 16003, 8883, 8028). */
  megvii_port_ok: boolean;
  at_ms: number;
}

/** Ports Megvii's servers call back on. */
export const MEGVII_NOTIFY_PORTS = [443, 5000, 16003, 8883, 8028];
const LOOPBACK_HOSTS: Record<string, string> = {
  '127.0.0.1': '127.0.0.1',
  localhost: '127.0.0.1',
  '[::1]': '::1',
};
const NOTIFY_TIMEOUT_MS = 5000;

/** The address to connect to for a loopback notify URL, or undefined for any other host. */
export function loopbackAddress(url: URL): string | undefined {
  return Object.prototype.hasOwnProperty.call(LOOPBACK_HOSTS, url.hostname)
    ? LOOPBACK_HOSTS[url.hostname]
    : undefined;
}

/** Delivers callbacks and remembers them for `GET /__sandbox/notifies`. */
export class Notifier {
  private records: NotifyRecord[] = [];
  private readonly inFlight = new Set<{ promise: Promise<void>; abort: () => void }>();
  private generation = 0;

  constructor(
    private readonly clock: SandboxClock,
    private readonly log: (line: string) => void,
  ) {}

  /** Every attempt so far, oldest first. */
  list(): NotifyRecord[] {
    return this.records.map((r) => ({ ...r }));
  }

  /** Resolves when no callback is in flight. */
  async settle(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.all([...this.inFlight].map((f) => f.promise));
  }

  /** Forgets every record; callbacks still in flight are not recorded. */
  reset(): void {
    this.generation++;
    this.records = [];
  }

  /** Aborts callbacks in flight. */
  close(): void {
    this.generation++;
    for (const flight of this.inFlight) flight.abort();
  }

  /** Posts `data=<payload JSON>` to `notifyUrl` if it is a loopback URL; records the attempt either way. */
  send(notifyUrl: string, payload: NotifyPayload): void {
    const data = JSON.stringify(payload);
    let url: URL | undefined;
    try {
      url = new URL(notifyUrl);
    } catch {
      url = undefined;
    }
    const port = url ? Number(url.port || (url.protocol === 'https:' ? 443 : 80)) : 0;
    const base = {
      biz_token: payload.biz_token,
      url: notifyUrl,
      data,
      megvii_port_ok: MEGVII_NOTIFY_PORTS.includes(port),
    };
    const address = url && /^https?:$/.test(url.protocol) ? loopbackAddress(url) : undefined;
    if (!url || !address) {
      this.records.push({ ...base, status: 'skipped', at_ms: this.clock.now() });
      this.log('notify skipped (not a loopback host)');
      return;
    }
    const generation = this.generation;
    const body = new URLSearchParams({ data }).toString();
    let abort = (): void => undefined;
    const promise = new Promise<void>((resolve) => {
      let finished = false;
      const finish = (outcome: Pick<NotifyRecord, 'status' | 'http_status' | 'error'>): void => {
        if (finished) return;
        finished = true;
        if (generation === this.generation)
          this.records.push({ ...base, ...outcome, at_ms: this.clock.now() });
        this.log(`notify ${outcome.status}${outcome.http_status ? ` ${outcome.http_status}` : ''}`);
        resolve();
      };
      const client = url.protocol === 'https:' ? https : http;
      const request = client.request(
        {
          host: address,
          port,
          path: `${url.pathname}${url.search}`,
          method: 'POST',
          headers: {
            Host: url.host,
            'Content-Type': 'application/x-www-form-urlencoded',
            'Content-Length': String(Buffer.byteLength(body)),
          },
          timeout: NOTIFY_TIMEOUT_MS,
          rejectUnauthorized: false,
        },
        (response) => {
          response.resume();
          response.on('end', () => {
            const status = response.statusCode ?? 0;
            finish({ status: status >= 200 && status < 300 ? 'delivered' : 'failed', http_status: status });
          });
          response.on('error', (error) =>
            finish({ status: 'failed', http_status: response.statusCode, error: error.message }),
          );
        },
      );
      request.on('timeout', () => request.destroy(new Error('timeout')));
      request.on('error', (error) => finish({ status: 'failed', error: error.message }));
      abort = () => request.destroy(new Error('sandbox closed'));
      request.end(body);
    });
    const flight = { promise, abort: () => abort() };
    this.inFlight.add(flight);
    void promise.then(() => this.inFlight.delete(flight));
  }
}
