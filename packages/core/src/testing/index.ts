export { type DetectorStateSpace, detectorStateContract } from './detector-state-contract';
export { recordStoreContract } from './record-store-contract';
export { voteStoreContract } from './vote-store-contract';
export { voterCacheContract } from './voter-cache-contract';
