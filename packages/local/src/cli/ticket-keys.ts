import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { loadFileTicketKeys, rotateFileTicketKeys } from '@ballotstream/core/adapters/local';
import { type ParsedArgs, stringFlag, UsageError } from './args';
import { dataDirOf } from './data-dir';

/**
 * `ballotstream ticket-keys rotate [--algorithm ed25519|ecdsa-p256] [--data-dir d]` adds a ticket
 * key that signs from the runtime's next start (older keys keep verifying); `ticket-keys list`
 * prints the key ids and public keys booths need to verify tickets offline.
 */
export async function ticketKeys(args: ParsedArgs): Promise<void> {
  const dir = join(dataDirOf(args), 'keys');
  const action = args.positional[1] ?? 'list';
  if (action === 'rotate') {
    const algorithm = stringFlag(args, 'algorithm', 'ed25519');
    if (algorithm !== 'ed25519' && algorithm !== 'ecdsa-p256')
      throw new UsageError('--algorithm must be ed25519 or ecdsa-p256');
    loadFileTicketKeys(dir); // creates the first key when there is none, so rotation adds a second
    const keyId = rotateFileTicketKeys(dir, algorithm);
    process.stdout.write(
      `ticket key ${keyId} (${algorithm}) signs from the next start; older keys still verify\n`,
    );
    return;
  }
  if (action !== 'list') throw new UsageError(`unknown action ${action}: use rotate or list`);
  // Listing reads: it must not make a first key (and a data directory) where there was none.
  if (!existsSync(dir))
    throw new Error(`no ticket keys in ${dir} (the demo's: --demo; an election's: --config <blueprint>)`);
  const keys = loadFileTicketKeys(dir);
  for (const { keyId, publicKeyPem } of keys.publicKeys()) {
    process.stdout.write(`${keyId}${keyId === keys.currentKeyId ? ' (signs)' : ''}\n${publicKeyPem}`);
  }
}
