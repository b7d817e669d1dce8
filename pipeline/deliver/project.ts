/** What delivery reads about the project: project.config.json, version and git description, the stand-in marker. */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { PackOptions } from './secret-scan';

/** The parts of project.config.json delivery uses. */
export interface ProjectConfig {
  miniprogramRoot: string;
  cloudfunctionRoot: string;
  packOptions: PackOptions;
}

/** Reads project.config.json at `root`. */
export function readProjectConfig(root: string): ProjectConfig {
  const raw = JSON.parse(readFileSync(join(root, 'project.config.json'), 'utf8')) as {
    miniprogramRoot?: string;
    cloudfunctionRoot?: string;
    packOptions?: PackOptions;
  };
  return {
    miniprogramRoot: (raw.miniprogramRoot ?? '').replace(/\/+$/, '') || '.',
    cloudfunctionRoot: (raw.cloudfunctionRoot ?? 'cloudfunctions').replace(/\/+$/, ''),
    packOptions: raw.packOptions ?? {},
  };
}

/** The folder of the FaceID component inside the mini-program. */
export const VENDOR_SLOT = 'faceid-components';

/** The phrase the stand-in's README opens with; Megvii's package has no such file. */
const STAND_IN_MARKER = 'development stand-in';

/** Whether the vendor slot still holds this project's sandbox stand-in rather than Megvii's package. */
export function hasSandboxStandIn(root: string, config: ProjectConfig): boolean {
  const readme = join(root, config.miniprogramRoot, VENDOR_SLOT, 'README.md');
  return existsSync(readme) && readFileSync(readme, 'utf8').split('\n', 1)[0].includes(STAND_IN_MARKER);
}

interface VersionInfo {
  version: string;
  desc: string;
}

function git(root: string, args: string[]): string | undefined {
  try {
    return execFileSync('git', args, {
      cwd: root,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    }).trim();
  } catch {
    return undefined;
  }
}

/** The upload version (package.json) and description (version, branch and short sha, plus an optional note). */
export function versionInfo(root: string, env: NodeJS.ProcessEnv, note?: string): VersionInfo {
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version?: string };
  const version = pkg.version ?? '0.0.0';
  const sha = git(root, ['rev-parse', '--short', 'HEAD']) ?? 'unknown';
  const head = git(root, ['rev-parse', '--abbrev-ref', 'HEAD']);
  const branch = head && head !== 'HEAD' ? head : env.GITHUB_HEAD_REF || env.GITHUB_REF_NAME || 'detached';
  return { version, desc: [`v${version}`, `${branch}@${sha}`, note].filter(Boolean).join(' ') };
}
