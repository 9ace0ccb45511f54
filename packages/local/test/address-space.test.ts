import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { type Runtime, startRuntime } from '../src/runtime/runtime';

// The kernel's default (heuristic) overcommit refuses a fork when one private writable mapping of
// the parent is larger than RAM and swap together. DuckDB 1.5.0 mapped 80% of RAM per instance,
// read-write, at open; two stores side by side merged into one mapping of 160%, and every process
// the runtime spawned failed with ENOMEM. Those figures were 18.8 GiB each here; the bounds below
// leave room for the runtime's real needs (heaps, worker threads, LMDB) and nothing like that.
const GiB = 1024 * 1024 * 1024;

/** The process's virtual size, and its largest and total private writable mapping, in bytes. */
function addressSpace(): { vmSize: number; largestWritable: number; writable: number } {
  const vmSizeKb = /^VmSize:\s+(\d+) kB$/m.exec(readFileSync('/proc/self/status', 'utf8'))?.[1];
  let largestWritable = 0;
  let writable = 0;
  for (const line of readFileSync('/proc/self/maps', 'utf8').split('\n')) {
    const m = /^([0-9a-f]+)-([0-9a-f]+) (\S{4})/.exec(line);
    // Private writable mappings are the ones the kernel charges against the commit limit.
    if (m === null || m[3]![1] !== 'w' || m[3]![3] !== 'p') continue;
    const size = Number.parseInt(m[2]!, 16) - Number.parseInt(m[1]!, 16);
    writable += size;
    largestWritable = Math.max(largestWritable, size);
  }
  return { vmSize: Number(vmSizeKb) * 1024, largestWritable, writable };
}

const gib = (bytes: number) => (bytes / GiB).toFixed(2);
const onLinux = process.platform === 'linux';
let runtime: Runtime | undefined;
const dir = mkdtempSync(join(tmpdir(), 'ballotstream-address-space-'));

afterAll(async () => {
  await runtime?.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe.runIf(onLinux)("the runtime's address space", () => {
  it('stays bounded with both vote stores, the record store and the workers open, and can still spawn', async () => {
    process.env.POWERTOOLS_LOG_LEVEL = 'ERROR';
    const before = addressSpace();
    runtime = await startRuntime({ dataDir: dir, runSchedules: false, mqttTls: true });
    await runtime.deps.voteStores.primary.tally('none', 0, 1);
    await runtime.deps.voteStores.secondary.tally('none', 0, 1);
    const after = addressSpace();
    const figures = `VmSize ${gib(before.vmSize)} → ${gib(after.vmSize)} GiB, private writable ${gib(before.writable)} → ${gib(after.writable)} GiB, largest mapping ${gib(after.largestWritable)} GiB`;
    expect(after.vmSize - before.vmSize, figures).toBeLessThan(4 * GiB);
    expect(after.writable - before.writable, figures).toBeLessThan(2 * GiB);
    expect(after.largestWritable, figures).toBeLessThan(1 * GiB);
    // What the casting test and the demo do: a child process from the runtime's own process.
    const child = spawnSync(process.execPath, ['-e', 'process.exit(0)']);
    expect({ error: child.error?.message, status: child.status }).toEqual({ error: undefined, status: 0 });
  });
});
