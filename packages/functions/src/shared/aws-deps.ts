import { ConfigError } from '@ballotstream/core';
import type { Deps } from './deps';

/** Builds the AWS adapters for a Lambda cold start. */
export async function buildAwsDeps(): Promise<Deps> {
  // The AWS record store, vote stores, KMS keys and biometric client are wired by the SST app;
  // until a handler's adapter exists this fails loudly rather than running half-configured.
  throw new ConfigError('AWS dependencies are not wired for this handler yet');
}
