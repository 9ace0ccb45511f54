import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { findMachine, resultSignatureValid } from '@ballotstream/core';
import { LmdbRecordStore } from '@ballotstream/core/adapters/local';
import { describeIssues, resultRecordSchema } from '@ballotstream/events';
import { issueMachineCertificate, loadOrCreateElectionCa } from '../pki/election-ca';
import { writePrivateFile } from '../runtime/data-dir';
import { type ParsedArgs, stringFlag, UsageError } from './args';
import { dataDirOf } from './data-dir';

/**
 * `ballotstream issue-cert <machineId> [--data-dir d | --config b | --demo] [--out <dir>]`: issues the
 * machine's client certificate from the election CA (created on first use under `<data-dir>/pki`).
 */
export async function issueCert(args: ParsedArgs): Promise<void> {
  const machineId = args.positional[1];
  if (machineId === undefined || !/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(machineId)) {
    throw new UsageError('usage: ballotstream issue-cert <machineId> (letters, digits, ".", "_" and "-")');
  }
  const dataDir = dataDirOf(args);
  const out = resolve(stringFlag(args, 'out', join(dataDir, 'machines'))!);
  const ca = await loadOrCreateElectionCa(join(dataDir, 'pki'));
  const issued = await issueMachineCertificate(ca, machineId);
  const keyPath = join(out, `${machineId}.key.pem`);
  // The key is 0600 from the moment it exists: never a window in which another user may read it.
  writePrivateFile(keyPath, issued.keyPem);
  writePrivateFile(join(out, `${machineId}.cert.pem`), issued.certPem);
  writePrivateFile(join(out, 'ca.cert.pem'), issued.caPem);
  process.stdout.write(
    `issued a client certificate for ${machineId} (CN=${machineId}) from the election CA in ${join(dataDir, 'pki')}\n` +
      `  ${join(out, `${machineId}.cert.pem`)}\n  ${keyPath}\n  ${join(out, 'ca.cert.pem')}\n`,
  );
}

/**
 * `ballotstream verify-result <file> (--public-key <base64url> | --data-dir <dir>)`: checks that a
 * machine's result record is signed by that machine; anyone holding its public key can run it.
 */
export async function verifyResult(args: ParsedArgs): Promise<void> {
  const file = args.positional[1];
  if (file === undefined)
    throw new UsageError('usage: ballotstream verify-result <file> (--public-key <key> | --data-dir <dir>)');
  let value: unknown;
  try {
    value = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new Error(
      `${file} is not a readable JSON file: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
  const parsed = resultRecordSchema.safeParse(value);
  if (!parsed.success) {
    const problems = describeIssues(parsed.error, { whole: '(record)', limit: 5 });
    throw new Error(`${file} is not a result record: ${problems.join('; ')}`);
  }
  const record = parsed.data;
  const publicKey = stringFlag(args, 'public-key') ?? (await registeredKey(args, record.machineId));
  if (!resultSignatureValid(record, publicKey)) {
    throw new Error(`the signature of ${file} does NOT verify with the key of machine ${record.machineId}`);
  }
  const counts = Object.entries(record.counts)
    .map(([candidate, n]) => `${candidate} ${n}`)
    .join(', ');
  process.stdout.write(
    `valid: signed by machine ${record.machineId} (booth ${record.boothId}, election ${record.electionId})\n` +
      `  ${record.voteCount} votes: ${counts || 'none'}\n  vote ids sha256 ${record.voteIdsHash}\n`,
  );
}

async function registeredKey(args: ParsedArgs, machineId: string): Promise<string> {
  const dataDir = stringFlag(args, 'data-dir');
  if (dataDir === undefined)
    throw new Error('give the machine key with --public-key, or --data-dir to read it from the registry');
  const records = new LmdbRecordStore(join(resolve(dataDir), 'records'));
  try {
    const machine = await findMachine(records, machineId);
    if (machine === undefined) throw new Error(`machine ${machineId} is not in the registry at ${dataDir}`);
    return machine.publicKey;
  } finally {
    await records.close();
  }
}
