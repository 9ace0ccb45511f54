import { afterAll, beforeAll } from 'vitest';
import { type ExternalApisServer, startExternalApisServer } from '../../testing/external-apis-server';
import { biometricsContract, voterRegistryContract } from '../../testing/external-ports-contract';
import { MemoryRecordStore } from '../local/memory-record-store';
import { SeededVoterRegistry } from '../local/seeded-voter-registry';
import { SimulatedBiometrics } from '../local/simulated-biometrics';
import { staticApiKey } from './external-api';
import { HttpBiometrics } from './http-biometrics';
import { HttpVoterRegistry } from './http-voter-registry';

// The HTTP adapters show the same behaviour as the local stand-ins they replace in AWS.
let server: ExternalApisServer;
beforeAll(async () => {
  server = await startExternalApisServer({ apiKey: 'k' });
});
afterAll(async () => server.close());

const http = () => ({ baseUrl: server.url, apiKey: staticApiKey('k') });

voterRegistryContract('seeded (local)', async () => {
  const registry = new SeededVoterRegistry(new MemoryRecordStore());
  return { registry, register: (voters) => registry.register(voters) };
});
voterRegistryContract('HTTP', async () => ({
  registry: new HttpVoterRegistry(http()),
  register: (voters) => server.register(voters),
}));

biometricsContract('simulated, in memory (local)', async () => new SimulatedBiometrics());
biometricsContract(
  'simulated, in a record store (local)',
  async () => new SimulatedBiometrics(new MemoryRecordStore()),
);
biometricsContract('HTTP', async () => new HttpBiometrics(http()));
