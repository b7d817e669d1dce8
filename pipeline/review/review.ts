/**
 * `npm run review [-- --vars <path>]`: what a business enters in the WeChat admin console before code review, for
 * its configuration: the 用户隐私保护指引 items the compiled package needs (refused when the package calls a
 * privacy-scoped interface the declared list lacks) and the server and business domain lists.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve, sep } from 'node:path';
import { UsageError, commandLine, parseOptions } from '../cli';
import { blockExternalNetwork } from '../offline';
import { buildMiniProgram, withCompilerOutputHeld } from '../build-mp';
import { operatorEnv, readDotEnv } from '../deploy/variables';
import { DOMAIN_LISTS, domainLists, type DomainLists } from './domains';
import { DECLARED_ITEMS, scanPackage, undeclared, type FoundType } from './privacy';

const ROOT = resolve(__dirname, '..', '..');

const USAGE = `usage: npm run review [-- --vars <path>]
  --vars <path>  variables file read under the process environment (default .env), as npm run deploy reads it
  --help         this text

Compiles the mini-program offline, lists the privacy guide's items it needs and the domains to allow; exits 1
when the package calls a privacy-scoped interface that pipeline/review/privacy.ts does not declare.`;

function walk(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = join(dir, name);
    return statSync(full).isDirectory() ? walk(full) : [full];
  });
}

/** The mini-program's privacy-policy setting (miniprogram/services/support.ts, typed for the pages, not for Node). */
export function privacyPolicyAddress(): string {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const support = require('../../miniprogram/services/support') as {
    SUPPORT_CONFIG: { privacyPolicy: string };
  };
  return support.SUPPORT_CONFIG.privacyPolicy;
}

/** The compiled package's files by their path in the package. */
export function readPackage(dir: string): Map<string, string> {
  return new Map(
    walk(dir).map((file) => [relative(dir, file).split(sep).join('/'), readFileSync(file, 'utf8')]),
  );
}

/** The review kit as Markdown: privacy items, what the package was found to call, and the domain lists. */
export function reviewReport(found: readonly FoundType[], domains: DomainLists): string {
  const uses = new Map(found.map((type) => [type.key, type.uses.join(', ')]));
  const lines = [
    '## 用户隐私保护指引 (设置 → 服务内容声明 → 用户隐私保护指引)',
    '',
    '| 信息类型 (privacy_key) | 用途（“为了…”） | found in the package | needed by |',
    '| --- | --- | --- | --- |',
    ...DECLARED_ITEMS.map(
      (item) =>
        `| ${item.label} (${item.key}) | ${item.purpose} | ${uses.get(item.key) ?? '—'} | ${item.neededBy} |`,
    ),
    '',
    '## 服务器域名 and 业务域名 (开发管理 → 开发设置)',
    '',
    '| list | domains |',
    '| --- | --- |',
    ...(Object.keys(DOMAIN_LISTS) as (keyof DomainLists)[]).map(
      (list) =>
        `| ${DOMAIN_LISTS[list]} | ${domains[list].map((d) => `${d.origin} (${d.why})`).join('<br>') || '—'} |`,
    ),
    '',
  ];
  return lines.join('\n');
}

/** Runs the review kit; resolves with the exit code. */
async function review(
  argv: string[],
  deps: { env?: NodeJS.ProcessEnv; out?: (line: string) => void; err?: (line: string) => void } = {},
): Promise<number> {
  const out = deps.out ?? ((line: string) => console.log(line));
  const err = deps.err ?? ((line: string) => console.error(line));
  const args = commandLine('review', USAGE, () => {
    const values = parseOptions(argv, { vars: { type: 'string' } });
    if (values.vars !== undefined && !values.vars.trim()) throw new UsageError('--vars must name a file');
    return { help: values.help ?? false, vars: values.vars ?? '.env' };
  });
  if (!args) return process.exitCode === 2 ? 2 : 0;
  const env = operatorEnv(deps.env ?? process.env, readDotEnv(resolve(ROOT, args.vars)));
  const domains = domainLists(env, privacyPolicyAddress());
  const dir = mkdtempSync(join(tmpdir(), 'mp-review-'));
  try {
    await withCompilerOutputHeld(() => buildMiniProgram(ROOT, dir));
    const found = scanPackage(readPackage(dir));
    out(reviewReport(found, domains));
    const missing = undeclared(found);
    for (const type of missing)
      err(
        `review: the package calls ${type.uses.join(', ')} (${type.files.join(', ')}): declare ${type.label} (${type.key}) in pipeline/review/privacy.ts and in the guide`,
      );
    return missing.length ? 1 : 0;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[1] && resolve(process.argv[1]) === __filename) {
  // The compile is offline by design; miniprogram-ci leaves workers open: exit explicitly.
  blockExternalNetwork();
  void review(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (error: unknown) => {
      console.error(`review failed: ${error instanceof Error ? error.message : String(error)}`);
      process.exit(1);
    },
  );
}
