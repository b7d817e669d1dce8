/**
 * The one declaration of the backend (cloudbaserc.json): every cloud function (runtime, memory, time-out, handler,
 * environment variables, triggers, HTTP access path) and every database collection (permission, indexes). What all
 * functions share (the runtime, the handler, no remote npm install) is declared once, in `functionDefaultConfig`.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const MANIFEST_PATH = join(__dirname, '..', 'cloudbaserc.json');

export interface FunctionTrigger {
  name: string;
  type: 'timer';
  /** Seven-field cron: second minute hour day month weekday year. */
  config: string;
}

export interface FunctionDeclaration {
  name: string;
  /** CloudBase runtime name, e.g. `Nodejs24.11`. */
  runtime: string;
  /** Megabytes. */
  memorySize: number;
  /** Seconds the platform lets one invocation run before stopping it. */
  timeout: number;
  handler: string;
  /** Whether the cloud runs `npm install` after an upload; false: the bundle carries every package it needs. */
  installDependency: boolean;
  /** The variables the function reads, each `{{env.<same name>}}`: values come from the operator, never the repo. */
  envVariables: Record<string, string>;
  triggers?: FunctionTrigger[];
  /** HTTP access path routed to the function, e.g. `/faceid/notify`. */
  path?: string;
}

/** Who may read and write a collection from a client: ADMINONLY = only cloud functions and the console. */
export type CollectionAcl = 'READONLY' | 'PRIVATE' | 'ADMINWRITE' | 'ADMINONLY';

export interface IndexDeclaration {
  name: string;
  /** Field → 1 (ascending) or -1 (descending), in index order. */
  keys: Record<string, 1 | -1>;
}

export interface CollectionDeclaration {
  name: string;
  acl: CollectionAcl;
  indexes: IndexDeclaration[];
}

/** What every function gets unless its own declaration says otherwise. */
type FunctionDefaults = Pick<FunctionDeclaration, 'runtime' | 'handler' | 'installDependency'>;

/** Who may read and write cloud storage from a client (`CUSTOM`: by the rule). Functions and the console always may. */
type StorageAcl = 'READONLY' | 'PRIVATE' | 'ADMINWRITE' | 'ADMINONLY' | 'CUSTOM';

/** A storage security rule: each operation allowed always, never, or where the expression holds. */
interface StorageRule {
  read: boolean | string;
  write: boolean | string;
}

/** The cloud storage bucket's permission (CloudBase 存储安全规则). */
export interface StorageDeclaration {
  acl: StorageAcl;
  /** With `CUSTOM` only. */
  rule?: StorageRule;
}

export interface CloudbaseManifest {
  version: string;
  envId: string;
  functionRoot: string;
  functionDefaultConfig: FunctionDefaults;
  /** Each function with the defaults applied. */
  functions: FunctionDeclaration[];
  collections: CollectionDeclaration[];
  storage: StorageDeclaration;
}

/** Variables the functions read that a deployment never sets: they exist for local runs and tests. */
export const LOCAL_ONLY_VARIABLES = ['FACEID_STORE', 'FACEID_LOG'] as const;

const TEMPLATE = /^\{\{env\.([A-Z][A-Z0-9_]*)\}\}$/;

/** Throws unless every declared variable is the template of its own name (no value is ever written in the repo). */
function checkTemplates(manifest: CloudbaseManifest): void {
  for (const fn of manifest.functions)
    for (const [name, value] of Object.entries(fn.envVariables ?? {})) {
      if (TEMPLATE.exec(value)?.[1] !== name)
        throw new Error(
          `cloudbaserc.json: ${fn.name}.envVariables.${name} must be "{{env.${name}}}" (values come from the environment)`,
        );
    }
}

/** Reads cloudbaserc.json, each function with `functionDefaultConfig` applied. */
export function readManifest(path = MANIFEST_PATH): CloudbaseManifest {
  const manifest = JSON.parse(readFileSync(path, 'utf8')) as CloudbaseManifest;
  manifest.functions = manifest.functions.map((fn) => ({
    ...manifest.functionDefaultConfig,
    ...fn,
    envVariables: fn.envVariables ?? {},
  }));
  manifest.collections = manifest.collections ?? [];
  if (!manifest.storage)
    throw new Error('cloudbaserc.json: storage (the bucket’s permission) is not declared');
  if ((manifest.storage.acl === 'CUSTOM') !== (manifest.storage.rule !== undefined))
    throw new Error('cloudbaserc.json: storage.rule is declared with acl CUSTOM, and only then');
  checkTemplates(manifest);
  return manifest;
}

/** One function's declaration; throws for a name the manifest does not declare. */
export function declarationOf(name: string, manifest = readManifest()): FunctionDeclaration {
  const found = manifest.functions.find((fn) => fn.name === name);
  if (!found) throw new Error(`cloudbaserc.json declares no function ${name}`);
  return found;
}

/** The names of the variables a function is deployed with. */
export function variablesOf(fn: FunctionDeclaration): string[] {
  return Object.keys(fn.envVariables);
}

/** `Nodejs24.11` → `24.11`; throws for anything that is not a Node.js runtime name. */
export function nodeVersionOf(runtime: string): string {
  const match = /^Nodejs(\d+)\.(\d+)$/.exec(runtime);
  if (!match)
    throw new Error(`cloudbaserc.json: runtime ${runtime} is not a Node.js runtime (e.g. Nodejs24.11)`);
  return `${match[1]}.${match[2]}`;
}

/** The environment id the manifest names: the value of the variable in `envId` (`{{env.TCB_ENV}}`). */
export function envIdVariable(manifest = readManifest()): string {
  const match = TEMPLATE.exec(manifest.envId);
  if (!match) throw new Error('cloudbaserc.json: envId must be "{{env.<VARIABLE>}}"');
  return match[1];
}

/**
 * The `config.json` WeChat devtools and miniprogram-ci read beside a function (its triggers and open-API
 * permissions), derived from the declaration.
 */
export function devtoolsConfigOf(fn: FunctionDeclaration): object {
  return {
    permissions: { openapi: [] },
    ...(fn.triggers?.length ? { triggers: fn.triggers } : {}),
  };
}
