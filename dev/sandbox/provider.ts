/** The interface a FaceID product module implements to add its endpoints to the sandbox. */
import type { SandboxClock } from './clock';
import type { FlowStore } from './flows';
import type { RouteRegistry } from './server';
import type { WechatSandbox } from './wechat';

export interface ProviderDeps {
  flows: FlowStore;
  clock: SandboxClock;
  appcode: string;
  /** The api_key / api_secret pair the Megvii products require (docs/providers.md#vendor-documents). */
  apiKey: string;
  apiSecret: string;
  /** WeChat 人脸核身 2.0's state: apps, access tokens, verifications. */
  wechat: WechatSandbox;
}

export interface SandboxProvider {
  /** Short name for logs, e.g. `fidlite`. */
  name: string;
  register(routes: RouteRegistry, deps: ProviderDeps): void;
}
