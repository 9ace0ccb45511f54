export { openPgPool, pgPoolClient } from './pg-client';
export { PostgresVoteStore, type PostgresVoteStoreOptions, type SqlClient } from './postgres-vote-store';
