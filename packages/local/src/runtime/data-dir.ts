import { randomBytes } from 'node:crypto';
import {
  linkSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  unlinkSync,
  writeFileSync,
} from 'node:fs';
import { dirname, join } from 'node:path';
import { isMainThread } from 'node:worker_threads';

/** A data directory holds keys, voter pseudonyms and votes: only its owner may enter it. */
export const PRIVATE_DIR_MODE = 0o700;
/** Every file the runtime writes is its owner's alone. */
export const PRIVATE_FILE_MODE = 0o600;
/** The lock a running runtime holds on its data directory: its pid, one line. */
export const LOCK_FILE = 'runtime.lock';
/** Marks a directory `up --demo` made for itself, the only kind it may wipe. */
export const DEMO_MARKER = '.ballotstream-demo';

/** A second runtime was started on a data directory a live one holds. */
export class DataDirBusyError extends Error {
  override readonly name = 'DataDirBusyError';
  constructor(
    readonly dir: string,
    readonly pid: number,
  ) {
    super(
      `the data directory ${dir} is in use by ballotstream process ${pid} (${join(dir, LOCK_FILE)}); ` +
        'stop that runtime or give another --data-dir',
    );
  }
}

/** `up --demo` was pointed at a directory it did not make, which it will not empty. */
export class NotADemoDirError extends Error {
  override readonly name = 'NotADemoDirError';
  constructor(readonly dir: string) {
    super(
      `${dir} holds files that ballotstream up --demo did not create (no ${DEMO_MARKER} in it), so the ` +
        'demo will not wipe it; give an empty or new --data-dir, or remove it yourself',
    );
  }
}

/**
 * Makes every file and directory this process creates from now on its owner's alone, the ones
 * native libraries create too (LMDB, DuckDB's files and WAL). A worker thread cannot change it.
 */
export function ownerOnlyFiles(): void {
  if (isMainThread) process.umask(0o077);
}

/** Creates a directory (and its missing parents) that only its owner may enter. */
export function makePrivateDir(dir: string): void {
  mkdirSync(dir, { recursive: true, mode: PRIVATE_DIR_MODE });
}

/**
 * Writes a file that is its owner's alone from the moment it exists: a fresh name created with mode
 * 0600, then renamed over the target, so neither a loose umask nor an older file with looser
 * bits ever lets the content be read by anyone else.
 */
export function writePrivateFile(path: string, content: string | Uint8Array): void {
  makePrivateDir(dirname(path));
  const fresh = `${path}.${randomBytes(6).toString('hex')}.tmp`;
  writeFileSync(fresh, content, { mode: PRIVATE_FILE_MODE, flag: 'wx' });
  try {
    renameSync(fresh, path);
  } catch (error) {
    rmSync(fresh, { force: true });
    throw error;
  }
}

/** Whether a process with this id is running (one we may not signal still counts). */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function lockHolder(path: string): number | undefined {
  try {
    const pid = Number.parseInt(readFileSync(path, 'utf8').trim(), 10);
    return Number.isSafeInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

/** A data directory this process holds; `release` lets the next runtime have it. */
export interface DataDirLock {
  readonly dir: string;
  release(): void;
}

/**
 * Holds a data directory for this process, creating it (0700) if needed: a lock file with this
 * pid, linked into place whole (link fails when the lock exists). A lock whose process is gone (a crash, a kill -9) is taken over; one whose
 * process lives is refused with `DataDirBusyError`, whichever process that is, this one included.
 */
export function lockDataDir(dir: string): DataDirLock {
  makePrivateDir(dir);
  const path = join(dir, LOCK_FILE);
  for (let attempt = 0; attempt < 5; attempt++) {
    // The pid is written first under a name of our own, then linked into place (which fails if
    // the lock exists): no one ever sees a lock file without its pid.
    const fresh = `${path}.${process.pid}-${randomBytes(4).toString('hex')}.tmp`;
    writeFileSync(fresh, `${process.pid}\n`, { mode: PRIVATE_FILE_MODE, flag: 'wx' });
    try {
      linkSync(fresh, path);
      return {
        dir,
        release: () => {
          if (lockHolder(path) === process.pid) rmSync(path, { force: true });
        },
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    } finally {
      rmSync(fresh, { force: true });
    }
    const holder = lockHolder(path);
    if (holder !== undefined && alive(holder)) throw new DataDirBusyError(dir, holder);
    // Stale (or unreadable): move it aside under a name of our own, so
    // that of two processes taking it over at once only one removes it; then create ours again.
    const aside = `${path}.stale-${process.pid}-${randomBytes(4).toString('hex')}`;
    try {
      renameSync(path, aside);
    } catch {
      continue;
    }
    const moved = lockHolder(aside);
    if (moved !== holder && moved !== undefined && alive(moved)) {
      // Another process took it over between our read and our move: the lock is theirs.
      renameSync(aside, path);
      throw new DataDirBusyError(dir, moved);
    }
    unlinkSync(aside);
  }
  throw new Error(`could not take the lock ${path}: it keeps changing hands`);
}

/**
 * Readies a data directory for `up --demo`, which starts every demo afresh. The caller holds the
 * lock already, so no running runtime's data can be under it. A new or empty directory is marked
 * as the demo's own; a marked one is emptied (all but the lock); anything else is refused.
 */
export function resetDemoDir(lock: DataDirLock): void {
  const entries = readdirSync(lock.dir).filter((name) => name !== LOCK_FILE);
  if (entries.length > 0 && !entries.includes(DEMO_MARKER)) throw new NotADemoDirError(lock.dir);
  for (const name of entries) rmSync(join(lock.dir, name), { recursive: true, force: true });
  writePrivateFile(join(lock.dir, DEMO_MARKER), 'made by ballotstream up --demo, which may wipe it\n');
}
