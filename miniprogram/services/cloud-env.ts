/**
 * The CloudBase environment the mini-program talks to. `npm run upload` and `npm run preview` write the id here for
 * the package they build (`--env <id>`, else TCB_ENV) and put the line back afterwards; empty means the
 * environment the devtools select.
 */
const CLOUD_ENV = '';

/** wx.cloud.init's options: the configured environment, else the default one. */
export function cloudInitOptions(env: string = CLOUD_ENV): { env?: string; traceUser: boolean } {
  return env ? { env, traceUser: true } : { traceUser: true };
}
