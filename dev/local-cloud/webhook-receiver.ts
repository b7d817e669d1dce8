/**
 * `npm start`'s sample receiver of the result webhook, on 127.0.0.1: it checks each request as docs/webhook.md
 * tells a business to (the HMAC-SHA256 signature over "<t>.<raw body>", `t` at most 5 minutes old, an `id` seen
 * before ignored) and reports each delivery it verified. Written from the doc: it imports nothing from server/.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';

/** What the receiver took from one verified delivery: masked fields only, as the webhook sends them. */
interface VerifiedDelivery {
  id: string;
  bizNo: string;
  status: string;
  outcome: string | null;
  maskedName: string | null;
  maskedIdNumber: string | null;
}

export interface WebhookReceiver {
  /** The URL to set as FACEID_WEBHOOK_URL. */
  url: string;
  /** The generated FACEID_WEBHOOK_SECRET. */
  secret: string;
  /** Every delivery verified so far, once per id. */
  deliveries: VerifiedDelivery[];
  close(): Promise<void>;
}

const MAX_AGE_S = 300;

function verified(secret: string, header: string | undefined, body: string, nowS: number): boolean {
  const parts: Record<string, string | undefined> = Object.fromEntries(
    (header ?? '').split(',').map((part): [string, string | undefined] => {
      const [key, value] = part.split('=', 2);
      return [key, value];
    }),
  );
  const t = Number(parts.t);
  if (!Number.isInteger(t) || Math.abs(nowS - t) > MAX_AGE_S || typeof parts.v1 !== 'string') return false;
  const expected = createHmac('sha256', secret).update(`${t}.${body}`).digest();
  const given = Buffer.from(parts.v1, 'hex');
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/** The one line a verified delivery is printed as. */
export function deliveryLine(d: VerifiedDelivery): string {
  const who = [d.maskedName, d.maskedIdNumber].filter(Boolean).join(' ');
  return `webhook: verified delivery ${d.id.slice(0, 8)}: ${d.bizNo} ${d.status} ${d.outcome ?? '-'}${who ? ` (${who})` : ''}`;
}

/** Starts the receiver on a free port of 127.0.0.1 with a new secret; `onDelivery` hears each new delivery. */
export async function startWebhookReceiver(
  onDelivery: (delivery: VerifiedDelivery) => void,
): Promise<WebhookReceiver> {
  const secret = randomBytes(24).toString('hex');
  const deliveries: VerifiedDelivery[] = [];
  const seen = new Set<string>();
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const signature = req.headers['x-faceid-signature'];
      if (req.method !== 'POST' || !verified(secret, signature as string, body, Date.now() / 1000)) {
        res.writeHead(401).end();
        return;
      }
      const got = JSON.parse(body) as VerifiedDelivery;
      if (!seen.has(got.id)) {
        seen.add(got.id);
        const delivery: VerifiedDelivery = {
          id: got.id,
          bizNo: got.bizNo,
          status: got.status,
          outcome: got.outcome,
          maskedName: got.maskedName,
          maskedIdNumber: got.maskedIdNumber,
        };
        deliveries.push(delivery);
        onDelivery(delivery);
      }
      res.writeHead(200).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/faceid/results`,
    secret,
    deliveries,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
