/** Finds secrets in what the mini-program package would contain: secret variable names, their values, private keys. */
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join, matchesGlob, posix, relative, sep } from 'node:path';

/** Variables that hold secrets; none of their names or values may appear in the mini-program package. */
export const SECRET_VARIABLES = [
  'FACEID_APPCODE',
  'FACEID_API_KEY',
  'FACEID_API_SECRET',
  'FACEID_API_KEYS_SHA256',
  'MP_PRIVATE_KEY',
  'MP_PRIVATE_KEY_PATH',
  'TCB_SECRET_ID',
  'TCB_SECRET_KEY',
  'TCB_SESSION_TOKEN',
  'TENCENTCLOUD_SECRETID',
  'TENCENTCLOUD_SECRETKEY',
  'TENCENTCLOUD_SESSIONTOKEN',
] as const;

/** Variable names of that shape: …_SECRET, …_SECRET_KEY, …_SECRETID, …_APPCODE, …_PRIVATE_KEY, …_API_KEY. */
const SECRET_NAME_SHAPE =
  '[A-Z][A-Z0-9]*_(?:[A-Z0-9]+_)*?(?:SECRET(?:_?KEY|_?ID)?|APPCODE|PRIVATE_KEY(?:_PATH)?|API_KEY|API_SECRET|ACCESS_KEY(?:_ID|_SECRET)?)';
const SECRET_NAME_SOURCE = `\\b(?:${SECRET_VARIABLES.join('|')}|${SECRET_NAME_SHAPE})\\b`;
const SECRET_NAME = new RegExp(`^(?:${SECRET_NAME_SOURCE})$`);

const PRIVATE_KEY_HEADER = /-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY-----/;

/** Values shorter than this are not searched for (too many accidental matches). */
const MIN_VALUE_LENGTH = 8;

interface PackRule {
  type: 'prefix' | 'suffix' | 'folder' | 'file' | 'glob' | 'regexp';
  value: string;
}

export interface PackOptions {
  ignore?: PackRule[];
  include?: PackRule[];
}

type SecretHitKind = 'variable-name' | 'variable-value' | 'private-key';

/** One finding: where, and which variable (never the value itself). */
export interface SecretHit {
  file: string;
  line: number;
  kind: SecretHitKind;
  variable?: string;
}

const withSlash = (p: string): string => (p.startsWith('/') ? p : `/${p}`);

// The rule semantics of miniprogram-ci's packOptions (utils/filerules.js): project-relative, lower-case paths.
function ruleMatches(path: string, rule: PackRule): boolean {
  const file = path.toLowerCase();
  const value = rule.value.toLowerCase();
  const base = file.slice(file.lastIndexOf('/') + 1);
  switch (rule.type) {
    case 'prefix':
      return base.startsWith(value);
    case 'suffix':
      return base.endsWith(value);
    case 'folder':
      return withSlash(file).startsWith(withSlash(value).replace(/\/?$/, '/'));
    case 'file':
      return withSlash(file) === withSlash(value);
    case 'glob':
      return matchesGlob(file, value) || matchesGlob(withSlash(file), value);
    case 'regexp':
      try {
        return new RegExp(value, 'i').test(file) || new RegExp(value, 'i').test(withSlash(file));
      } catch {
        return false;
      }
  }
}

/** Whether packOptions leave the project-relative path out of the package. */
export function isPackIgnored(path: string, options: PackOptions = {}): boolean {
  const ignored = (options.ignore ?? []).some((rule) => ruleMatches(path, rule));
  return ignored && !(options.include ?? []).some((rule) => ruleMatches(path, rule));
}

/** Folders that never hold authored code: npm output is built from package.json at upload time. */
const SKIPPED_FOLDERS = new Set(['node_modules', 'miniprogram_npm', '.git']);

/** The project-relative paths (posix) of the files under `miniprogramRoot` that would be packaged. */
export function packagedFiles(
  projectRoot: string,
  miniprogramRoot: string,
  options: PackOptions = {},
): string[] {
  const out: string[] = [];
  const walk = (dir: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const full = join(dir, entry.name);
      const rel = relative(projectRoot, full).split(sep).join(posix.sep);
      if (entry.isDirectory()) {
        if (!SKIPPED_FOLDERS.has(entry.name)) walk(full);
      } else if (entry.isFile() && !isPackIgnored(rel, options)) {
        out.push(rel);
      }
    }
  };
  walk(join(projectRoot, miniprogramRoot));
  return out.sort();
}

/** Whether a variable name is a secret's, by the list or by its shape. */
export function isSecretVariable(name: string): boolean {
  return SECRET_NAME.test(name);
}

/** What to search for per secret variable set in `env`: the value, or each long line of a multi-line value. */
function secretNeedles(env: NodeJS.ProcessEnv): { variable: string; needles: string[] }[] {
  const out: { variable: string; needles: string[] }[] = [];
  for (const [variable, raw] of Object.entries(env)) {
    if (!raw || !isSecretVariable(variable)) continue;
    const lines = raw
      .trim()
      .split(/\r?\n/)
      .map((l) => l.trim());
    const candidates =
      lines.length === 1 ? lines : lines.filter((l) => l.length >= 16 && !l.startsWith('-----'));
    const needles = candidates.filter((n) => n.length >= MIN_VALUE_LENGTH);
    if (needles.length) out.push({ variable, needles });
  }
  return out;
}

/** Scans text for secrets; `file` only labels the hits. */
export function scanText(file: string, text: string, env: NodeJS.ProcessEnv = {}): SecretHit[] {
  const hits: SecretHit[] = [];
  const values = secretNeedles(env);
  const names = new RegExp(SECRET_NAME_SOURCE, 'g');
  text.split(/\r?\n/).forEach((content, index) => {
    const line = index + 1;
    for (const variable of new Set(content.match(names) ?? []))
      hits.push({ file, line, kind: 'variable-name', variable });
    for (const { variable, needles } of values)
      if (needles.some((needle) => content.includes(needle)))
        hits.push({ file, line, kind: 'variable-value', variable });
    if (PRIVATE_KEY_HEADER.test(content)) hits.push({ file, line, kind: 'private-key' });
  });
  return hits;
}

/** The text with every value of a secret variable set in `env` replaced by [redacted]. */
export function redactSecrets(text: string, env: NodeJS.ProcessEnv): string {
  let out = text;
  for (const { needles } of secretNeedles(env))
    for (const needle of needles) out = out.split(needle).join('[redacted]');
  return out;
}

const BINARY_PROBE = 8192;

/** Scans every packaged file under `projectRoot` (text files; binary files are searched for values only). */
export function scanFiles(projectRoot: string, files: string[], env: NodeJS.ProcessEnv = {}): SecretHit[] {
  const hits: SecretHit[] = [];
  for (const file of files) {
    const full = join(projectRoot, file);
    if (!statSync(full).isFile()) continue;
    const bytes = readFileSync(full);
    const binary = bytes.subarray(0, BINARY_PROBE).includes(0);
    const found = scanText(file, bytes.toString(binary ? 'latin1' : 'utf8'), env);
    hits.push(...(binary ? found.filter((h) => h.kind !== 'variable-name') : found));
  }
  return hits;
}

/** A hit as one line for the terminal: path, line and what was found, never the secret's value. */
export function describeHit(hit: SecretHit): string {
  const what =
    hit.kind === 'private-key'
      ? 'a private-key header'
      : hit.kind === 'variable-value'
        ? `the value of ${hit.variable}`
        : `the secret variable name ${hit.variable}`;
  return `${hit.file}:${hit.line}: ${what}`;
}
