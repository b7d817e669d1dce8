/** The first statement of every bundle: refuses to load on a Node.js older than the runtime the function declares. */

/**
 * JavaScript source that throws, naming the function, both versions and the fix, when the running Node.js
 * (`process.versions.node`) is older than `required` (major.minor, e.g. `20.19`).
 */
export function nodeVersionGuard(fn: string, required: string): string {
  const [major, minor] = required.split('.').map(Number);
  if (!Number.isInteger(major) || !Number.isInteger(minor))
    throw new Error(`bad Node.js version ${required}`);
  const message =
    `cloud function ${fn} needs Node.js ${required} or newer but runs on Node.js ` +
    `" + running + ": its runtime must be Nodejs${required} (cloudbaserc.json); npm run deploy creates it so`;
  return [
    '(function () {',
    '  var running = process.versions.node;',
    "  var v = running.split('.').map(Number);",
    `  if (v[0] < ${major} || (v[0] === ${major} && v[1] < ${minor})) throw new Error("${message}");`,
    '})();',
  ].join('\n');
}
