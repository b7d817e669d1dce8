/**
 * One cloud-function instance (a worker thread): loads the bundle once, then runs one invocation at a time with
 * the caller's WX_* variables set in its environment, as the platform does; its console goes to the host. The cloud
 * installs nothing beside a bundle, so a bundle that requires anything but Node.js's own modules fails to load here
 * too, although node_modules is next door.
 */
import Module, { isBuiltin } from 'node:module';
import { format } from 'node:util';
import { parentPort, workerData } from 'node:worker_threads';
import { blockExternalNetwork } from '../../pipeline/offline';

/** What the host sends: an invocation, with the variables to set (null: unset) for it. */
export interface InvokeMessage {
  id: number;
  event: unknown;
  context: Record<string, unknown>;
  env: Record<string, string | null>;
}

/** What an instance answers. */
export type InstanceMessage =
  | { type: 'ready' }
  | { type: 'console'; level: 'log' | 'info' | 'warn' | 'error' | 'debug'; text: string }
  | { type: 'done'; id: number; result: unknown }
  | { type: 'failed'; id: number; message: string };

export interface InstanceData {
  bundle: string;
  offline: boolean;
}

if (!parentPort) throw new Error('a function instance runs only in a worker thread');
const port = parentPort;
const data = workerData as InstanceData;
if (data.offline) blockExternalNetwork();
for (const level of ['log', 'info', 'warn', 'error', 'debug'] as const)
  console[level] = (...args: unknown[]) =>
    port.postMessage({ type: 'console', level, text: format(...args) } satisfies InstanceMessage);

type Load = (request: string, parent: { filename?: string } | null | undefined, isMain: boolean) => unknown;
const loader = Module as unknown as { _load: Load };
const load = loader._load;
loader._load = function (request, parent, isMain) {
  if (parent?.filename === data.bundle && !isBuiltin(request))
    throw new Error(`Cannot find module '${request}' (the cloud installs no package beside the bundle)`);
  return load(request, parent, isMain);
};

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { main } = require(data.bundle) as { main: (event: unknown, context: unknown) => Promise<unknown> };

port.on('message', (message: InvokeMessage) => {
  for (const [key, value] of Object.entries(message.env)) {
    if (value === null) delete process.env[key];
    else process.env[key] = value;
  }
  main(message.event, message.context).then(
    (result) => port.postMessage({ type: 'done', id: message.id, result } satisfies InstanceMessage),
    (error: unknown) =>
      port.postMessage({
        type: 'failed',
        id: message.id,
        message: error instanceof Error ? `${error.name}: ${error.message}` : String(error),
      } satisfies InstanceMessage),
  );
});
port.postMessage({ type: 'ready' } satisfies InstanceMessage);
