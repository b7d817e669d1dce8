/** Each bundled cloud function: its size, and the time a fresh Node process takes to require it. */
import { execFileSync } from 'node:child_process';
import { statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { functionNames } from '../tools/build-functions';
import { quantile } from './stats';

const ROOT = resolve(__dirname, '..');

// Loaded in the fresh process: the SDKs the cloud provides resolve to a stub (the local stand-in's slot is set as
// well), then the bundle is required and the time printed.
const PROBE = `
const Module = require('module');
const { performance } = require('perf_hooks');
const stub = { init() {}, getWXContext: () => ({}), database() { throw new Error('stub'); } };
globalThis[Symbol.for('faceid.localCloudSdk')] = stub;
const load = Module._load;
Module._load = function (request, ...rest) {
  return request === 'wx-server-sdk' || request === '@cloudbase/node-sdk' ? stub : load.call(this, request, ...rest);
};
const start = performance.now();
const mod = require(process.argv[1]);
const took = performance.now() - start;
if (typeof mod.main !== 'function') throw new Error('no exports.main');
process.stdout.write(String(took));
`;

export interface BundleFigures {
  name: string;
  bytes: number;
  /** Median cold require time over `runs` fresh processes, in milliseconds. */
  requireMs: number;
}

/** Size of each cloudfunctions/<name>/index.js in bytes. */
export function bundleSizes(): { name: string; bytes: number }[] {
  return functionNames().map((name) => ({
    name,
    bytes: statSync(join(ROOT, 'cloudfunctions', name, 'index.js')).size,
  }));
}

/** Sizes and median cold require times (each in `runs` fresh processes). */
export function measureBundles(runs: number): BundleFigures[] {
  return bundleSizes().map(({ name, bytes }) => {
    const bundle = join(ROOT, 'cloudfunctions', name, 'index.js');
    const times: number[] = [];
    for (let i = 0; i < runs; i++)
      times.push(Number(execFileSync(process.execPath, ['-e', PROBE, bundle], { encoding: 'utf8' })));
    return { name, bytes, requireMs: quantile(times, 0.5) };
  });
}
