export { DuckDbVoteStore } from './duckdb-vote-store';
export {
  HmacVoterPseudonyms,
  loadFileTicketKeys,
  loadFileVoterPseudonyms,
  MemoryTicketKeys,
} from './file-ticket-keys';
export { LmdbRecordStore } from './lmdb-record-store';
export { MemoryRecordStore } from './memory-record-store';
export { MemoryVoterCache } from './memory-voter-cache';
export { SimulatedBiometrics } from './simulated-biometrics';
