declare module 'dynalite' {
  import type { Server } from 'node:http';

  /** Starts a DynamoDB-compatible server on LevelDB (in memory without a path). */
  function dynalite(options?: {
    createTableMs?: number;
    deleteTableMs?: number;
    updateTableMs?: number;
    path?: string;
  }): Server;
  export default dynalite;
}
