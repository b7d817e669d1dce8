/** What a deployment changes: the differences between cloudbaserc.json (plus the operator's values) and the cloud. */
import type {
  CloudbaseManifest,
  CollectionAcl,
  FunctionDeclaration,
  FunctionTrigger,
  IndexDeclaration,
  StorageDeclaration,
} from '../functions-manifest';
import { shownValue } from './variables';

/** A function as the cloud has it. */
export interface CurrentFunction {
  runtime: string;
  memorySize: number;
  timeout: number;
  handler: string;
  installDependency: boolean;
  description: string;
  variables: Record<string, string>;
  triggers: FunctionTrigger[];
}

/** A collection as the cloud has it (`_id_` left out). */
export interface CurrentCollection {
  indexes: IndexDeclaration[];
  acl: string;
}

/** An HTTP access route. */
export interface CurrentRoute {
  apiId: string;
  name: string;
  path: string;
  /** Whether callers must be signed in to CloudBase (FaceID's notify is not). */
  auth: boolean;
}

/** The storage bucket's permission as the cloud has it (`rule` only with CUSTOM). */
interface CurrentStorage {
  acl: string;
  rule?: unknown;
}

/** What the environment holds, read before anything changes. */
export interface CurrentState {
  storage: CurrentStorage;
  collections: Record<string, CurrentCollection | undefined>;
  functions: Record<string, CurrentFunction | undefined>;
  access: { enabled: boolean; domain: string; routes: CurrentRoute[] };
}

/** What a function must become: its declaration, the operator's values, and the code to upload. */
export interface DesiredFunction {
  declaration: FunctionDeclaration;
  variables: Record<string, string>;
  /** Identifies the bundle folder's content; kept in the function's description. */
  codeHash: string;
}

export type Change =
  | { kind: 'create-collection'; collection: string }
  | { kind: 'update-indexes'; collection: string; create: IndexDeclaration[]; drop: string[] }
  | { kind: 'set-acl'; collection: string; acl: CollectionAcl; from?: string }
  | { kind: 'set-storage-rule'; storage: StorageDeclaration; from: CurrentStorage }
  | { kind: 'create-function'; fn: DesiredFunction; replace: boolean }
  | { kind: 'update-function'; fn: DesiredFunction; code: boolean; config: string[] }
  | { kind: 'update-triggers'; fn: DesiredFunction; create: FunctionTrigger[]; drop: string[] }
  | { kind: 'enable-http-access' }
  | { kind: 'create-route'; name: string; path: string }
  | { kind: 'delete-route'; name: string; path: string; apiId: string }
  | { kind: 'open-route'; name: string; path: string; apiId: string };

interface Plan {
  changes: Change[];
  /** Differences a deployment cannot make without an explicit choice (nothing is changed while there are any). */
  problems: string[];
}

/** The description a deployed function carries: it names the code it runs (letters, digits and spaces only). */
export function descriptionOf(fn: DesiredFunction): string {
  return `FaceID ${fn.declaration.name} code ${fn.codeHash}`;
}

/** A storage permission as one line: the tag, and the rule of a CUSTOM one (read, then write). */
function storageText(storage: { acl: string; rule?: unknown }): string {
  if (storage.acl !== 'CUSTOM') return storage.acl;
  const rule = (storage.rule ?? {}) as Partial<Record<'read' | 'write', unknown>>;
  return `CUSTOM ${JSON.stringify({ read: rule.read, write: rule.write })}`;
}

function sameKeys(a: IndexDeclaration['keys'], b: IndexDeclaration['keys']): boolean {
  return JSON.stringify(Object.entries(a)) === JSON.stringify(Object.entries(b));
}

function variableChanges(want: Record<string, string>, have: Record<string, string>): string[] {
  const lines: string[] = [];
  for (const [name, value] of Object.entries(want)) {
    if (!(name in have)) lines.push(`set ${name} = ${shownValue(name, value)}`);
    else if (have[name] !== value) lines.push(`change ${name} to ${shownValue(name, value)}`);
  }
  for (const name of Object.keys(have)) if (!(name in want)) lines.push(`remove ${name}`);
  return lines;
}

function planFunction(fn: DesiredFunction, have: CurrentFunction | undefined, replaceRuntime: boolean): Plan {
  const decl = fn.declaration;
  if (!have) return { changes: [{ kind: 'create-function', fn, replace: false }], problems: [] };
  if (have.runtime !== decl.runtime) {
    if (replaceRuntime) return { changes: [{ kind: 'create-function', fn, replace: true }], problems: [] };
    return {
      changes: [],
      problems: [
        `${decl.name} runs ${have.runtime} but cloudbaserc.json declares ${decl.runtime}; CloudBase cannot change ` +
          `a function's runtime: run again with --replace-runtime to delete and re-create it`,
      ],
    };
  }
  const changes: Change[] = [];
  const code = have.description !== descriptionOf(fn) || have.handler !== decl.handler;
  const config = [
    ...(have.memorySize !== decl.memorySize ? [`memory ${have.memorySize} → ${decl.memorySize} MB`] : []),
    ...(have.timeout !== decl.timeout ? [`time-out ${have.timeout} → ${decl.timeout} s`] : []),
    ...(have.installDependency !== decl.installDependency
      ? [`remote npm install ${decl.installDependency ? 'on' : 'off'}`]
      : []),
    ...variableChanges(fn.variables, have.variables),
  ];
  if (code || config.length) changes.push({ kind: 'update-function', fn, code, config });
  const want = decl.triggers ?? [];
  const create = want.filter((t) => !have.triggers.some((h) => h.name === t.name && h.config === t.config));
  const drop = have.triggers
    .filter((h) => !want.some((t) => t.name === h.name && t.config === h.config))
    .map((h) => h.name);
  if (create.length || drop.length) changes.push({ kind: 'update-triggers', fn, create, drop });
  return { changes, problems: [] };
}

/** Every change that makes the environment match the declaration, in the order they are applied. */
export function planDeployment(
  manifest: CloudbaseManifest,
  desired: DesiredFunction[],
  current: CurrentState,
  options: { replaceRuntime?: boolean } = {},
): Plan {
  const plan: Plan = { changes: [], problems: [] };
  if (storageText(current.storage) !== storageText(manifest.storage))
    plan.changes.push({ kind: 'set-storage-rule', storage: manifest.storage, from: current.storage });
  for (const collection of manifest.collections) {
    const have = current.collections[collection.name];
    if (!have) plan.changes.push({ kind: 'create-collection', collection: collection.name });
    const existing = have?.indexes ?? [];
    const create = collection.indexes.filter(
      (i) => !existing.some((e) => e.name === i.name && sameKeys(e.keys, i.keys)),
    );
    const drop = existing.filter((e) => create.some((i) => i.name === e.name)).map((e) => e.name);
    if (create.length)
      plan.changes.push({ kind: 'update-indexes', collection: collection.name, create, drop });
    if (have?.acl !== collection.acl)
      plan.changes.push({
        kind: 'set-acl',
        collection: collection.name,
        acl: collection.acl,
        from: have?.acl,
      });
  }
  for (const fn of desired) {
    const { changes, problems } = planFunction(
      fn,
      current.functions[fn.declaration.name],
      !!options.replaceRuntime,
    );
    plan.changes.push(...changes);
    plan.problems.push(...problems);
  }
  // Deleting a function deletes its HTTP access routes too.
  const replaced = new Set(
    plan.changes.flatMap((c) => (c.kind === 'create-function' && c.replace ? [c.fn.declaration.name] : [])),
  );
  const routed = manifest.functions.filter((fn): fn is typeof fn & { path: string } => Boolean(fn.path));
  if (routed.length && !current.access.enabled) plan.changes.push({ kind: 'enable-http-access' });
  for (const fn of routed) {
    const routes = replaced.has(fn.name) ? [] : current.access.routes.filter((r) => r.name === fn.name);
    const route = routes.find((r) => r.path === fn.path);
    if (!route) plan.changes.push({ kind: 'create-route', name: fn.name, path: fn.path });
    else if (route.auth)
      plan.changes.push({ kind: 'open-route', name: fn.name, path: route.path, apiId: route.apiId });
    for (const stale of routes.filter((r) => r.path !== fn.path))
      plan.changes.push({ kind: 'delete-route', name: fn.name, path: stale.path, apiId: stale.apiId });
  }
  return plan;
}

function keysText(keys: IndexDeclaration['keys']): string {
  return Object.entries(keys)
    .map(([field, direction]) => `${field} ${direction === 1 ? 'asc' : 'desc'}`)
    .join(', ');
}

/** One line per effect of a change, as the plan prints it (secret values never appear). */
export function describeChange(change: Change): string[] {
  switch (change.kind) {
    case 'create-collection':
      return [`collection ${change.collection}: create`];
    case 'update-indexes':
      return [
        ...change.drop.map(
          (name) => `collection ${change.collection}: drop index ${name} (its keys changed)`,
        ),
        ...change.create.map(
          (i) => `collection ${change.collection}: create index ${i.name} (${keysText(i.keys)})`,
        ),
      ];
    case 'set-acl':
      return [`collection ${change.collection}: permission ${change.from ?? '(new)'} → ${change.acl}`];
    case 'set-storage-rule':
      return [`storage: permission ${storageText(change.from)} → ${storageText(change.storage)}`];
    case 'create-function': {
      const d = change.fn.declaration;
      const what = `${d.runtime}, ${d.memorySize} MB, ${d.timeout} s, code ${change.fn.codeHash}`;
      return [
        change.replace
          ? `function ${d.name}: delete and re-create (${what})`
          : `function ${d.name}: create (${what})`,
        ...Object.entries(change.fn.variables).map(
          ([name, value]) => `function ${d.name}: set ${name} = ${shownValue(name, value)}`,
        ),
        ...(d.triggers ?? []).map((t) => `function ${d.name}: timer ${t.name} (${t.config})`),
      ];
    }
    case 'update-function':
      return [
        ...(change.code ? [`function ${change.fn.declaration.name}: upload code ${change.fn.codeHash}`] : []),
        ...change.config.map((line) => `function ${change.fn.declaration.name}: ${line}`),
      ];
    case 'update-triggers': {
      const name = change.fn.declaration.name;
      return [
        ...change.drop.map((t) => `function ${name}: delete trigger ${t}`),
        ...change.create.map((t) => `function ${name}: timer ${t.name} (${t.config})`),
      ];
    }
    case 'enable-http-access':
      return ['HTTP access: turn on'];
    case 'create-route':
      return [`HTTP access: route ${change.path} → ${change.name}`];
    case 'delete-route':
      return [`HTTP access: delete route ${change.path} → ${change.name}`];
    case 'open-route':
      return [
        `HTTP access: route ${change.path} → ${change.name} without sign-in (called from outside CloudBase)`,
      ];
  }
}
