import { buildFunctions } from '../pipeline/build-functions';

/** Builds the cloud-function bundles once, so the tests exercise exactly what is deployed. */
export default async function globalSetup(): Promise<void> {
  await buildFunctions();
}
