/**
 * `npm run deploy [-- --plan] [--replace-runtime] [--vars <path>]`: brings a CloudBase environment to what
 * cloudbaserc.json declares (collections with indexes and permissions, every function with its runtime, memory,
 * time-out, variables and timer, the HTTP access route), changing only what differs.
 */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, resolve, sep } from 'node:path';
import { parseArgs } from 'node:util';
import { buildFunctions } from '../build-functions';
import { envIdVariable, readManifest, type CloudbaseManifest } from '../functions-manifest';
import { describeHit, redactSecrets, scanFiles } from '../deliver/secret-scan';
import { CloudBaseEnvironment } from './cloudbase';
import { describeChange, planDeployment, type Change, type CurrentState, type DesiredFunction } from './plan';
import { checkConfiguration, credentialsFrom, functionVariables, operatorEnv, readDotEnv } from './variables';
import { UsageError } from '../cli';

const ROOT = resolve(__dirname, '..', '..');

/** The function behind FACEID_NOTIFY_URL: its HTTP access route is the notify's address. */
const NOTIFY_FUNCTION = 'faceidNotify';

const USAGE = `usage: npm run deploy [-- --plan] [--replace-runtime] [--vars <path>]
  --plan             print what would change and change nothing
  --replace-runtime  delete and re-create a function whose runtime differs from cloudbaserc.json
  --vars <path>      variables file read under the process environment (default .env)
  --help             this text

Needs TCB_ENV, TCB_SECRET_ID, TCB_SECRET_KEY (a CAM key allowed to manage the environment; TCB_SESSION_TOKEN for a
temporary key, TCB_REGION if not ap-shanghai) and the FACEID_* variables of the functions (see README).`;

/** What a deployment needs of an environment. */
interface DeployTarget {
  readState(manifest: CloudbaseManifest): Promise<CurrentState>;
  apply(change: Change): Promise<void>;
}

interface DeployDeps {
  env?: NodeJS.ProcessEnv;
  root?: string;
  out?: (line: string) => void;
  err?: (line: string) => void;
  /** Builds the bundles first (default: pipeline/build-functions). */
  build?: () => Promise<unknown>;
  now?: () => number;
}

/** The files uploaded for a function: its folder without node_modules. */
function filesOf(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true })
    .flatMap((e) =>
      e.isDirectory() ? (e.name === 'node_modules' ? [] : filesOf(join(dir, e.name))) : [join(dir, e.name)],
    )
    .sort();
}

/** A hash of everything uploaded for a function. */
function codeHashOf(folder: string): string {
  const hash = createHash('sha256');
  for (const file of filesOf(folder)) {
    hash.update(relative(folder, file).split(sep).join('/'));
    hash.update('\0');
    hash.update(readFileSync(file));
    hash.update('\0');
  }
  return hash.digest('hex').slice(0, 16);
}

function parse(argv: string[]): { plan: boolean; replaceRuntime: boolean; envFile: string; help: boolean } {
  try {
    const { values } = parseArgs({
      args: argv,
      strict: true,
      allowPositionals: false,
      options: {
        plan: { type: 'boolean', default: false },
        'replace-runtime': { type: 'boolean', default: false },
        vars: { type: 'string', default: '.env' },
        help: { type: 'boolean', default: false },
      },
    });
    return {
      plan: values.plan,
      replaceRuntime: values['replace-runtime'],
      envFile: values.vars,
      help: values.help,
    };
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
}

/** Runs a deployment; resolves with the exit code (0 done or planned, 1 failed, 2 usage or configuration). */
export async function deploy(argv: string[], deps: DeployDeps = {}): Promise<number> {
  const out = deps.out ?? ((line: string) => console.log(line));
  const err = deps.err ?? ((line: string) => console.error(line));
  const root = deps.root ?? ROOT;
  const now = deps.now ?? Date.now;
  const started = now();
  const progress = (line: string): void =>
    out(`[${((now() - started) / 1000).toFixed(1).padStart(5)}s] ${line}`);
  let env = operatorEnv(deps.env ?? process.env, {});
  try {
    const args = parse(argv);
    if (args.help) {
      out(USAGE);
      return 0;
    }
    env = operatorEnv(deps.env ?? process.env, readDotEnv(resolve(root, args.envFile)));
    const manifest = readManifest(join(root, 'cloudbaserc.json'));
    const credentials = credentialsFrom(env, envIdVariable(manifest));
    const routed = manifest.functions.find((fn) => fn.name === NOTIFY_FUNCTION && fn.path);
    const needsNotifyUrl = manifest.functions.some((fn) => 'FACEID_NOTIFY_URL' in fn.envVariables);
    const notifyFromRoute = !env.FACEID_NOTIFY_URL && needsNotifyUrl && routed !== undefined;
    // Everything that can be checked offline is checked before any network call, and named at once.
    const offline = checkConfiguration(
      manifest,
      notifyFromRoute ? { ...env, FACEID_NOTIFY_URL: `https://http-access.invalid${routed.path}` } : env,
    );
    const missing = [...('missing' in credentials ? credentials.missing : []), ...offline.missing];
    if (missing.length || offline.invalid.length || 'missing' in credentials) {
      if (missing.length) err(`deploy: set ${missing.join(', ')} (in the environment or ${args.envFile})`);
      for (const line of offline.invalid) err(`deploy: ${line}`);
      err('deploy: nothing was changed');
      return 2;
    }
    const functionRoot = resolve(root, manifest.functionRoot);
    progress(`building the functions`);
    await (deps.build ?? buildFunctions)();
    const uploaded = manifest.functions.flatMap((fn) =>
      filesOf(join(functionRoot, fn.name)).map((file) => relative(root, file)),
    );
    const leaked = scanFiles(root, uploaded, env).filter((hit) => hit.kind !== 'variable-name');
    if (leaked.length) {
      err(
        `deploy: the function code carries secrets:\n${leaked.map((h) => `  ${describeHit(h)}`).join('\n')}`,
      );
      err('deploy: nothing was changed');
      return 1;
    }
    progress(`reading environment ${credentials.envId}`);
    const target: DeployTarget = new CloudBaseEnvironment(credentials, functionRoot);
    const current = await target.readState(manifest);

    if (notifyFromRoute && current.access.domain) {
      env.FACEID_NOTIFY_URL = `https://${current.access.domain}${routed.path}`;
      progress(`FACEID_NOTIFY_URL = ${env.FACEID_NOTIFY_URL} (the HTTP access route of ${routed.name})`);
    }
    const problems = checkConfiguration(manifest, env);
    if (problems.missing.length || problems.invalid.length) {
      if (problems.missing.length)
        err(`deploy: set ${problems.missing.join(', ')} (in the environment or ${args.envFile})`);
      if (problems.missing.includes('FACEID_NOTIFY_URL') && routed)
        err(
          `deploy: FACEID_NOTIFY_URL is the HTTPS address of the HTTP access route ${routed.path} → ${routed.name} ` +
            `(https://<the environment's HTTP access domain>${routed.path}); it is filled in when the environment shows that domain`,
        );
      for (const line of problems.invalid) err(`deploy: ${line}`);
      err('deploy: nothing was changed');
      return 2;
    }

    const desired: DesiredFunction[] = manifest.functions.map((declaration) => ({
      declaration,
      variables: functionVariables(declaration, env),
      codeHash: codeHashOf(join(functionRoot, declaration.name)),
    }));
    const plan = planDeployment(manifest, desired, current, { replaceRuntime: args.replaceRuntime });
    if (plan.problems.length) {
      for (const problem of plan.problems) err(`deploy: ${problem}`);
      err('deploy: nothing was changed');
      return 1;
    }
    if (!plan.changes.length) {
      progress(`environment ${credentials.envId} is up to date: nothing to change`);
      return 0;
    }
    const lines = plan.changes.flatMap(describeChange);
    out(`${args.plan ? 'would change' : 'changes'} (${lines.length}):`);
    for (const line of lines) out(`  ${line}`);
    if (args.plan) {
      out('--plan: nothing was changed');
      return 0;
    }
    await applyAll(plan.changes, target, progress);
    progress(`environment ${credentials.envId} deployed: ${lines.length} change(s)`);
    return 0;
  } catch (error) {
    if (error instanceof UsageError) {
      err(`deploy: ${error.message}\n${USAGE}`);
      return 2;
    }
    const message = error instanceof Error ? error.message : JSON.stringify(error);
    err(`deploy failed: ${redactSecrets(message, env)}`);
    return 1;
  }
}

function subjectOf(change: Change): string {
  switch (change.kind) {
    case 'set-storage-rule':
      return 'storage';
    case 'create-collection':
    case 'update-indexes':
    case 'set-acl':
      return `collection ${change.collection}`;
    case 'create-function':
    case 'update-function':
    case 'update-triggers':
      return `function ${change.fn.declaration.name}`;
    default:
      return 'HTTP access';
  }
}

/**
 * Applies the changes: the storage permission and the collections first (locked before any code runs), then each
 * function's changes in order (functions side by side), then HTTP access (its route needs the function).
 */
async function applyAll(
  changes: Change[],
  target: DeployTarget,
  progress: (line: string) => void,
): Promise<void> {
  const run = async (subject: string, list: Change[]): Promise<void> => {
    for (const change of list) {
      try {
        await target.apply(change);
      } catch (error) {
        const reason = error instanceof Error ? error.message : JSON.stringify(error);
        throw new Error(`${subject}: ${reason.replace(/\s*\n\s*/g, ' ')}`, { cause: error });
      }
      for (const line of describeChange(change)) progress(`done: ${line}`);
    }
  };
  const bySubject = new Map<string, Change[]>();
  for (const change of changes)
    bySubject.set(subjectOf(change), [...(bySubject.get(subjectOf(change)) ?? []), change]);
  // One phase at a time; within a phase every subject runs to its end, so one failure stops no other.
  for (const phase of ['storage', 'collection ', 'function ', 'HTTP access']) {
    const results = await Promise.allSettled(
      [...bySubject.entries()].filter(([s]) => s.startsWith(phase)).map(([s, list]) => run(s, list)),
    );
    const failed = results.flatMap((r) => (r.status === 'rejected' ? [(r.reason as Error).message] : []));
    if (failed.length)
      throw new Error(`${failed.join('; ')} (the changes reported done are kept: run again to finish)`);
  }
}
