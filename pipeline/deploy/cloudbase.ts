/**
 * The CloudBase environment through @cloudbase/manager-node (Tencent Cloud API 3.0, TC3-signed with a CAM key):
 * reads what the environment holds and applies the changes of a plan.
 */
import CloudBase from '@cloudbase/manager-node';
import type { CloudbaseManifest, FunctionTrigger, IndexDeclaration } from '../functions-manifest';
import {
  descriptionOf,
  type Change,
  type CurrentCollection,
  type CurrentFunction,
  type CurrentRoute,
  type CurrentState,
  type DesiredFunction,
} from './plan';
import type { Credentials } from './variables';

/** Error code of the Tencent Cloud API for a function that does not exist. */
const FUNCTION_NOT_FOUND = 'ResourceNotFound.Function';

interface ApiError {
  code?: string;
  message?: string;
}

interface IndexInfo {
  Name: string;
  Keys: { Name: string; Direction: string | number }[];
}

interface TriggerInfo {
  Type?: string;
  TriggerName?: string;
  TriggerDesc?: string;
}

/** A timer trigger's cron: GetFunction answers `{"cron":"…"}` for timers; the bare expression is accepted too. */
function cronOf(desc: string | undefined): string {
  try {
    const parsed = JSON.parse(desc ?? '') as { cron?: string };
    if (typeof parsed?.cron === 'string') return parsed.cron;
  } catch {
    // not JSON: the expression itself
  }
  return desc ?? '';
}

function indexOf(info: IndexInfo): IndexDeclaration {
  return {
    name: info.Name,
    keys: Object.fromEntries(info.Keys.map((k) => [k.Name, Number(k.Direction) === -1 ? -1 : 1])),
  };
}

/** Waits `ms` milliseconds. */
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** One CloudBase environment, managed through the official management SDK. */
export class CloudBaseEnvironment {
  private readonly app: CloudBase;

  constructor(
    private readonly credentials: Credentials,
    private readonly functionRoot: string,
  ) {
    this.app = new CloudBase({
      envId: credentials.envId,
      secretId: credentials.secretId,
      secretKey: credentials.secretKey,
      token: credentials.token,
      region: credentials.region,
    });
  }

  private get tcb() {
    return this.app.commonService('tcb', '2018-06-08');
  }

  /** Reads the collections, functions and HTTP access the manifest is about. */
  async readState(manifest: CloudbaseManifest): Promise<CurrentState> {
    await this.app.currentEnvironment().lazyInit();
    const { envId } = this.credentials;
    const db = this.app.database;
    const names = new Set<string>();
    for (let offset = 0; ; offset += 100) {
      const page = (await db.listCollections({ MgoLimit: 100, MgoOffset: offset })) as {
        Collections: { CollectionName: string }[];
        Pager?: { Total?: number };
      };
      for (const c of page.Collections) names.add(c.CollectionName);
      if (page.Collections.length < 100 || offset + 100 >= (page.Pager?.Total ?? 0)) break;
    }
    const collections: Record<string, CurrentCollection | undefined> = {};
    for (const { name } of manifest.collections) {
      if (!names.has(name)) continue;
      const table = (await db.describeCollection(name)) as { Indexes?: IndexInfo[] };
      const acl = (await this.tcb.call({
        Action: 'DescribeDatabaseACL',
        Param: { EnvId: envId, CollectionName: name },
      })) as { AclTag?: string };
      collections[name] = {
        indexes: (table.Indexes ?? []).filter((i) => i.Name !== '_id_').map(indexOf),
        acl: acl.AclTag ?? '',
      };
    }
    const functions: Record<string, CurrentFunction | undefined> = {};
    for (const { name } of manifest.functions) functions[name] = await this.readFunction(name);
    const gateway = await this.app.access.getDomainList();
    const routes: CurrentRoute[] = [];
    for (const fn of manifest.functions.filter((f) => f.path)) {
      const { APISet } = await this.app.access.getAccessList({ name: fn.name });
      for (const api of APISet ?? [])
        if (api.Name === fn.name)
          routes.push({ apiId: api.APIId, name: api.Name, path: api.Path, auth: !!api.EnableAuth });
    }
    const storage = (await this.app.storage.getStorageAcl({ withRule: true })) as {
      acl: string;
      rule?: unknown;
    };
    return {
      storage: { acl: storage.acl, rule: storage.rule },
      collections,
      functions,
      access: { enabled: !!gateway.EnableService, domain: gateway.DefaultDomain ?? '', routes },
    };
  }

  private async readFunction(name: string): Promise<CurrentFunction | undefined> {
    try {
      const info = await this.app.functions.getFunctionDetail(name);
      const triggers = ((info.Triggers ?? []) as TriggerInfo[])
        .filter((t) => t.Type === 'timer')
        .map((t): FunctionTrigger => ({
          name: t.TriggerName ?? '',
          type: 'timer',
          config: cronOf(t.TriggerDesc),
        }));
      return {
        runtime: info.Runtime,
        memorySize: info.MemorySize,
        timeout: info.Timeout,
        handler: info.Handler,
        installDependency: info.InstallDependency === 'TRUE',
        description: info.Description ?? '',
        variables: Object.fromEntries((info.Environment?.Variables ?? []).map((v) => [v.Key, v.Value])),
        triggers,
      };
    } catch (err) {
      if ((err as ApiError).code === FUNCTION_NOT_FOUND) return undefined;
      throw err;
    }
  }

  private config(fn: DesiredFunction) {
    const d = fn.declaration;
    return {
      name: d.name,
      runtime: d.runtime,
      memorySize: d.memorySize,
      timeout: d.timeout,
      handler: d.handler,
      installDependency: d.installDependency,
      description: descriptionOf(fn),
      envVariables: fn.variables,
    };
  }

  /** Sets a function's memory, time-out, remote install, description and variables (all of them, as declared). */
  private async configure(fn: DesiredFunction): Promise<void> {
    const { envVariables, runtime: _runtime, handler: _handler, ...config } = this.config(fn);
    if (Object.keys(envVariables).length) {
      await this.app.functions.updateFunctionConfig({ ...config, envVariables });
      return;
    }
    // The SDK leaves variables alone when given none; the API call with an empty list removes them.
    await this.app.functions.updateFunctionConfig(config);
    await this.app.functions.waitFunctionActive(fn.declaration.name);
    const { Functions } = this.app.currentEnvironment().lazyEnvironmentConfig;
    await this.app.commonService('scf', '2018-04-16').call({
      Action: 'UpdateFunctionConfiguration',
      Param: {
        FunctionName: fn.declaration.name,
        Namespace: Functions?.[0]?.Namespace ?? this.credentials.envId,
        Environment: { Variables: [] },
      },
    });
  }

  private async waitUntilDeleted(name: string): Promise<void> {
    for (let i = 0; i < 120; i++) {
      if (!(await this.readFunction(name))) return;
      await sleep(1000);
    }
    throw new Error(`function ${name} was not deleted within 2 minutes`);
  }

  /** Applies one change; resolves once the environment has taken it. */
  async apply(change: Change): Promise<void> {
    const { envId } = this.credentials;
    const functions = this.app.functions;
    switch (change.kind) {
      case 'create-collection':
        await this.app.database.createCollection(change.collection);
        return;
      case 'update-indexes':
        await this.app.database.updateCollection(change.collection, {
          ...(change.drop.length ? { DropIndexes: change.drop.map((IndexName) => ({ IndexName })) } : {}),
          CreateIndexes: change.create.map((index) => ({
            IndexName: index.name,
            MgoKeySchema: {
              MgoIndexKeys: Object.entries(index.keys).map(([Name, direction]) => ({
                Name,
                Direction: String(direction),
              })),
              MgoIsUnique: false,
            },
          })),
        });
        return;
      case 'set-storage-rule':
        await this.app.storage.setStorageAcl(change.storage.acl, change.storage.rule);
        return;
      case 'set-acl':
        await this.tcb.call({
          Action: 'ModifyDatabaseACL',
          Param: { EnvId: envId, CollectionName: change.collection, AclTag: change.acl },
        });
        return;
      case 'create-function': {
        const name = change.fn.declaration.name;
        if (change.replace) {
          await functions.deleteFunction(name);
          await this.waitUntilDeleted(name);
        }
        await functions.createFunction({
          func: { ...this.config(change.fn), triggers: change.fn.declaration.triggers },
          functionRootPath: this.functionRoot,
          deployMode: 'zip',
        });
        return;
      }
      case 'update-function': {
        const name = change.fn.declaration.name;
        if (change.code) {
          await functions.updateFunctionCode({
            func: {
              name,
              runtime: change.fn.declaration.runtime,
              handler: change.fn.declaration.handler,
              installDependency: change.fn.declaration.installDependency,
            },
            functionRootPath: this.functionRoot,
            deployMode: 'zip',
          });
          await functions.waitFunctionActive(name);
        }
        await this.configure(change.fn);
        await functions.waitFunctionActive(name);
        return;
      }
      case 'update-triggers': {
        const name = change.fn.declaration.name;
        for (const trigger of change.drop) await functions.deleteFunctionTrigger(name, trigger);
        if (change.create.length) await functions.createFunctionTriggers(name, change.create);
        return;
      }
      case 'enable-http-access':
        await this.app.access.switchAuth(true);
        return;
      case 'create-route':
        await this.app.access.createAccess({ name: change.name, path: change.path, auth: false });
        return;
      case 'delete-route':
        await this.app.access.deleteAccess({ name: change.name, apiId: change.apiId });
        return;
      case 'open-route':
        await this.app.access.switchPathAuth({ apiIds: [change.apiId], auth: false });
        return;
    }
  }
}
