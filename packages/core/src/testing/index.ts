export { recordStoreContract } from './record-store-contract';
export { voterCacheContract } from './voter-cache-contract';
