export { type DetectorStateSpace, detectorStateContract } from './detector-state-contract';
export { electionKeyContract } from './election-key-contract';
export {
  type ExternalApisServer,
  type GivenAnswer,
  type ScriptedAnswer,
  type SeenRequest,
  startExternalApisServer,
} from './external-apis-server';
export { biometricsContract, type RegistryUnderTest, voterRegistryContract } from './external-ports-contract';
export { recordStoreContract } from './record-store-contract';
export { sourceFiles } from './source-files';
export { voteStoreContract } from './vote-store-contract';
export { voterCacheContract } from './voter-cache-contract';
