import { voteStoreContract } from '../../testing/vote-store-contract';
import { DuckDbVoteStore } from './duckdb-vote-store';

voteStoreContract('DuckDB (in memory)', (region) => DuckDbVoteStore.open(region, ':memory:'));
