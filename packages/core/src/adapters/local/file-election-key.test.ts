import { mkdtempSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { electionKeyContract } from '../../testing/election-key-contract';
import { loadFileElectionKey, MemoryElectionKey } from './file-election-key';

electionKeyContract('key file', async () => loadFileElectionKey(mkdtempSync(join(tmpdir(), 'bs-ekey-'))));
electionKeyContract('in memory', async () => new MemoryElectionKey());

describe('the election key file', () => {
  it('is made once, readable by its owner alone, and read back as the same key', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'bs-ekey-'));
    const first = await loadFileElectionKey(dir).publicKeyPem();
    expect(statSync(join(dir, 'election-p256.pem')).mode & 0o777).toBe(0o600);
    expect(await loadFileElectionKey(dir).publicKeyPem()).toBe(first);
  });
});
