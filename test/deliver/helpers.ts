/** A temporary copy of the project for delivery tests, and a fake miniprogram-ci module that records its calls. */
import { cpSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join, resolve } from 'node:path';
import type { MiniprogramCi, ProgressTask, ProjectOptions } from '../../pipeline/deliver/ci';

export const ROOT = resolve(__dirname, '..', '..');

const COPIED = ['project.config.json', 'package.json', 'miniprogram', 'cloudfunctions'];
const SKIPPED = new Set(['node_modules', 'miniprogram_npm']);

/** Copies what delivery reads into a fresh folder; `vendor` replaces the stand-in with a fake vendor package. */
export function copyProject(options: { vendor?: boolean } = {}): string {
  const dir = mkdtempSync(join(tmpdir(), 'deliver-'));
  for (const entry of COPIED)
    cpSync(join(ROOT, entry), join(dir, entry), {
      recursive: true,
      filter: (src) => !SKIPPED.has(basename(src)),
    });
  if (options.vendor) {
    const slot = join(dir, 'miniprogram', 'faceid-components');
    rmSync(slot, { recursive: true });
    cpSync(join(ROOT, 'miniprogram', 'faceid-components', 'components'), join(slot, 'components'), {
      recursive: true,
    });
    writeFileSync(join(slot, 'package.json'), '{"name":"faceid-components","version":"9.9.9"}');
  }
  return dir;
}

export interface Call {
  method: string;
  options: Record<string, unknown>;
}

/** A fake of the miniprogram-ci module: records every call, reports progress, and can fail `method`. */
export function fakeCi(fail?: { method: string; error: unknown }): MiniprogramCi & {
  calls: Call[];
  projects: ProjectOptions[];
  keySeen: { mode: number; content: string }[];
} {
  const calls: Call[] = [];
  const projects: ProjectOptions[] = [];
  const keySeen: { mode: number; content: string }[] = [];
  const record = async (method: string, options: object): Promise<void> => {
    calls.push({ method, options: options as Record<string, unknown> });
    const progress = (options as { onProgressUpdate?: (t: ProgressTask) => void }).onProgressUpdate;
    progress?.({ id: 'compile', message: 'compiling', status: 'doing' });
    progress?.('plain progress text');
    if (fail?.method === method) throw fail.error;
  };
  return {
    calls,
    projects,
    keySeen,
    Project: class {
      constructor(options: ProjectOptions) {
        projects.push(options);
        const stat = statSync(options.privateKeyPath);
        keySeen.push({ mode: stat.mode & 0o777, content: readFileSync(options.privateKeyPath, 'utf8') });
      }
    },
    upload: (o) => record('upload', o),
    preview: async (o) => {
      await record('preview', o);
      writeFileSync(o.qrcodeOutputDest, 'qr');
    },
  };
}

/** Collects printed lines. */
export function capture(): { lines: string[]; out: (line: string) => void; text(): string } {
  const lines: string[] = [];
  return { lines, out: (line) => lines.push(line), text: () => lines.join('\n') };
}
