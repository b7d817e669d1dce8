/** Own code in the main package, from the offline miniprogram-ci compile of `npm run build:mp`. */
import { resolve } from 'node:path';

/** Compiled files that are not this project's own code: the vendor slot and npm packages. */
const NOT_OWN = ['faceid-components/', 'miniprogram_npm/'];

export interface PackageFigures {
  totalBytes: number;
  ownBytes: number;
  /** Part of ownBytes: helpers the compiler adds for our code (@babel/runtime). */
  helperBytes: number;
  files: number;
}

const CONSOLE_METHODS = ['log', 'info', 'warn', 'error', 'debug'] as const;

/**
 * Runs `fn` with the console held back: miniprogram-ci logs its own progress and harmless "[error]" lines, which
 * are printed only when the compile really fails.
 */
async function withCompilerOutputHeld<T>(fn: () => Promise<T>): Promise<T> {
  const held: string[] = [];
  const saved = CONSOLE_METHODS.map((name) => [name, console[name].bind(console)] as const);
  for (const name of CONSOLE_METHODS)
    console[name] = (...args: unknown[]) => void held.push(args.map(String).join(' '));
  try {
    return await fn();
  } catch (error) {
    for (const [name, method] of saved) console[name] = method;
    for (const line of held) console.error(line);
    throw error;
  } finally {
    for (const [name, method] of saved) console[name] = method;
  }
}

/** Compiles the mini-program offline and sums the main package without the vendor slot and miniprogram_npm. */
export async function measurePackage(root = resolve(__dirname, '..')): Promise<PackageFigures> {
  const report = await withCompilerOutputHeld(async () => {
    // Loaded here: miniprogram-ci prints a banner as soon as it is loaded.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { buildMiniProgram } = require('../tools/build-mp') as typeof import('../tools/build-mp');
    return buildMiniProgram(root);
  });
  const own = Object.entries(report.files).filter(([name]) => !NOT_OWN.some((p) => name.startsWith(p)));
  return {
    totalBytes: report.totalBytes,
    ownBytes: own.reduce((sum, [, bytes]) => sum + bytes, 0),
    helperBytes: report.helperBytes,
    files: own.length,
  };
}
