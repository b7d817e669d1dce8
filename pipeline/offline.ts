/**
 * Keeps a process off the network: outbound TCP connections to anything but loopback are refused. The tests and
 * the offline compile use it, so nothing they run can reach a real host (miniprogram-ci, for one, reports
 * telemetry to WeChat's servers on its own).
 */
import net from 'node:net';

const LOOPBACK = /^(localhost|127(\.\d{1,3}){3}|::1|\[::1\]|::ffff:127(\.\d{1,3}){3})$/i;

/** Whether a host name stays on this machine. */
export function isLoopbackHost(host: string): boolean {
  return LOOPBACK.test(host);
}

const INSTALLED = Symbol.for('faceid.offlineGuard');
const BLOCKED = Symbol.for('faceid.offlineGuard.blocked');
// Kept on the socket prototype, the one object every test file of a worker shares (each has its own globalThis).
const shared = net.Socket.prototype as unknown as Record<symbol, unknown>;
/** Connections refused so far in this process, newest last. */
export const blockedConnections: string[] = (shared[BLOCKED] ??= []) as string[];

/** Whether this process refuses connections off the machine (so the function instances it starts do too). */
export function isNetworkBlocked(): boolean {
  return Boolean((net.Socket.prototype as net.Socket & { [INSTALLED]?: boolean })[INSTALLED]);
}

/** Refuses every outbound connection that would leave the machine; idempotent. */
export function blockExternalNetwork(): void {
  const proto = net.Socket.prototype as net.Socket & { [INSTALLED]?: boolean };
  if (proto[INSTALLED]) return;
  proto[INSTALLED] = true;
  // The original is kept to be called with the socket as `this` (connect.apply below).
  // eslint-disable-next-line @typescript-eslint/unbound-method
  const connect = proto.connect as (...args: unknown[]) => net.Socket;
  proto.connect = function guardedConnect(this: net.Socket, ...args: unknown[]): net.Socket {
    const [first, second] = args;
    let host: string | undefined;
    if (Array.isArray(first)) {
      const options = first[0] as { host?: string; path?: string } | undefined;
      host = options?.path ? undefined : (options?.host ?? 'localhost');
    } else if (typeof first === 'object' && first !== null) {
      const options = first as { host?: string; path?: string };
      host = options.path ? undefined : (options.host ?? 'localhost');
    } else if (typeof first === 'number' || (typeof first === 'string' && /^\d+$/.test(first))) {
      host = typeof second === 'string' ? second : 'localhost';
    }
    if (host !== undefined && !isLoopbackHost(host)) {
      blockedConnections.push(host);
      process.nextTick(() =>
        this.destroy(
          Object.assign(new Error(`offline: connection to ${host} refused`), { code: 'ECONNREFUSED' }),
        ),
      );
      return this;
    }
    return connect.apply(this, args);
  };
}
