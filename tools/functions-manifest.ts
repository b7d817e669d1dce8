/** The one declaration of every cloud function (cloudbaserc.json): runtime, memory, time-out and triggers. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export const MANIFEST_PATH = join(__dirname, '..', 'cloudbaserc.json');

export interface FunctionTrigger {
  name: string;
  type: 'timer';
  /** Seven-field cron: second minute hour day month weekday year. */
  config: string;
}

export interface FunctionDeclaration {
  name: string;
  /** CloudBase runtime name, e.g. `Nodejs20.19`. */
  runtime: string;
  /** Megabytes. */
  memorySize: number;
  /** Seconds the platform lets one invocation run before stopping it. */
  timeout: number;
  handler: string;
  installDependency: boolean;
  triggers?: FunctionTrigger[];
}

export interface CloudbaseManifest {
  version: string;
  envId: string;
  functionRoot: string;
  functions: FunctionDeclaration[];
}

/** Reads cloudbaserc.json. */
export function readManifest(path = MANIFEST_PATH): CloudbaseManifest {
  return JSON.parse(readFileSync(path, 'utf8')) as CloudbaseManifest;
}

/** One function's declaration; throws for a name the manifest does not declare. */
export function declarationOf(name: string, manifest = readManifest()): FunctionDeclaration {
  const found = manifest.functions.find((fn) => fn.name === name);
  if (!found) throw new Error(`cloudbaserc.json declares no function ${name}`);
  return found;
}
