/** The real wx-server-sdk in the test process, pointed at a CloudBase stand-in on loopback. */
import type { CloudSdk } from '../../server/runtime';
import { startCloudBase, type CloudBaseOptions, type CloudBaseStandIn } from '../../dev/cloudbase';
import { PROJECT_COLLECTIONS } from '../../dev/local-cloud';

/**
 * Sets the variables the cloud sets (the stand-in's `sdkEnvironment()`) in this process and returns wx-server-sdk
 * initialised for the current environment; resolves the function that restores the previous values.
 */
export function useSdkInThisProcess(variables: Record<string, string>): {
  sdk: CloudSdk;
  restore: () => void;
} {
  const saved = Object.fromEntries(Object.keys(variables).map((key) => [key, process.env[key]]));
  Object.assign(process.env, variables);
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const sdk = require('wx-server-sdk') as CloudSdk;
  sdk.init({ env: sdk.DYNAMIC_CURRENT_ENV as unknown as string });
  return {
    sdk,
    restore() {
      for (const [key, value] of Object.entries(saved)) {
        if (value === undefined) delete process.env[key];
        else process.env[key] = value;
      }
    },
  };
}

export interface SdkOverStandIn {
  cloudbase: CloudBaseStandIn;
  sdk: CloudSdk;
  /** Stops the stand-in and restores the environment variables. */
  close(): Promise<void>;
}

/** Starts a stand-in with the project's collections and points this process's wx-server-sdk at it. */
export async function sdkOverStandIn(options: CloudBaseOptions = {}): Promise<SdkOverStandIn> {
  const cloudbase = await startCloudBase({ collections: PROJECT_COLLECTIONS, ...options });
  const { sdk, restore } = useSdkInThisProcess(cloudbase.sdkEnvironment());
  return {
    cloudbase,
    sdk,
    async close() {
      await cloudbase.close();
      restore();
    },
  };
}
