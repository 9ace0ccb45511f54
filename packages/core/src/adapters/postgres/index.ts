// The pg driver is reached through its own subpath (`adapters/postgres/pg`), so a Lambda that
// talks to PostgreSQL over the RDS Data API does not bundle it.
export { PostgresVoteStore, type PostgresVoteStoreOptions, type SqlClient } from './postgres-vote-store';
