/**
 * One module instance per file, as in WeChat. simulate's browser `require` evaluates a file again on every call,
 * so module state (services/flow) would not be shared between pages; this require caches by normalized path.
 */

interface Mod {
  exports: unknown;
}

const cache = new Map<string, Mod>();

/** Joins and normalizes a path of the mini-program tree: no leading slash, no `.js`. */
function normalize(path: string): string {
  const out: string[] = [];
  for (const part of path.replace(/\\/g, '/').split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') out.pop();
    else out.push(part);
  }
  return out.join('/').replace(/\.js$/, '');
}

function dirname(path: string): string {
  const i = path.lastIndexOf('/');
  return i < 0 ? '' : path.slice(0, i);
}

/** Loads a module of window.__FILE_MAP__ by path, once. */
export function requireModule(path: string): unknown {
  const wanted = normalize(path);
  const files = window.__FILE_MAP__;
  const key = [wanted, `${wanted}/index`].find((k) => `${k}.js` in files);
  if (!key) throw new Error(`module not found: ${path}`);
  const hit = cache.get(key);
  if (hit) return hit.exports;
  const mod: Mod = { exports: {} };
  cache.set(key, mod);
  // The pages' compiled CommonJS modules are run as WeChat runs them: wrapped in a function of require and module.
  // eslint-disable-next-line @typescript-eslint/no-implied-eval -- the code is the project's own compiled pages
  const run = new Function('require', 'module', files[`${key}.js`]) as (
    req: (p: string) => unknown,
    m: Mod,
  ) => void;
  try {
    run.call(
      window,
      (rel: string) => requireModule(rel.startsWith('/') ? rel : `${dirname(key)}/${rel}`),
      mod,
    );
  } catch (error) {
    cache.delete(key);
    throw error;
  }
  return mod.exports;
}

/** Replaces simulate's uncached window.require. */
export function installRequire(): void {
  (window as unknown as { require: typeof requireModule }).require = requireModule;
}
