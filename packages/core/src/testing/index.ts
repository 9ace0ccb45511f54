export { recordStoreContract } from './record-store-contract';
export { voteStoreContract } from './vote-store-contract';
export { voterCacheContract } from './voter-cache-contract';
