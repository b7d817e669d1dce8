/** Own code in the main package, from the offline miniprogram-ci compile of `npm run build:mp`. */
import { resolve } from 'node:path';
import { buildMiniProgram, withCompilerOutputHeld } from '../pipeline/build-mp';

/** Compiled files that are not this project's own code: the vendor slot and npm packages. */
const NOT_OWN = ['faceid-components/', 'miniprogram_npm/'];

export interface PackageFigures {
  totalBytes: number;
  ownBytes: number;
  /** Part of ownBytes: helpers the compiler adds for our code (@babel/runtime). */
  helperBytes: number;
  files: number;
}

/** Compiles the mini-program offline and sums the main package without the vendor slot and miniprogram_npm. */
export async function measurePackage(root = resolve(__dirname, '..')): Promise<PackageFigures> {
  const report = await withCompilerOutputHeld(() => buildMiniProgram(root));
  const own = Object.entries(report.files).filter(([name]) => !NOT_OWN.some((p) => name.startsWith(p)));
  return {
    totalBytes: report.totalBytes,
    ownBytes: own.reduce((sum, [, bytes]) => sum + bytes, 0),
    helperBytes: report.helperBytes,
    files: own.length,
  };
}
