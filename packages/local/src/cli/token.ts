import { join, resolve } from 'node:path';
import { type Role, roleSchema } from '@ballotstream/events';
import { LocalTokenIssuer } from '../auth/jwt';
import { numberFlag, type ParsedArgs, stringFlag } from './args';

/**
 * `ballotstream token --role officer --region north [--sub name] [--ttl seconds] [--data-dir d]`:
 * prints a bearer token the local runtime of that data directory accepts.
 */
export async function token(args: ParsedArgs): Promise<void> {
  const parsed = roleSchema.exclude(['public']).safeParse(stringFlag(args, 'role'));
  if (!parsed.success) throw new Error('--role must be one of admin, officer, clerk, booth, citizen');
  const role: Role = parsed.data;
  const regionId = stringFlag(args, 'region');
  if (role === 'officer' && regionId === undefined)
    throw new Error('an officer token needs --region <regionId>');
  const dataDir = resolve(stringFlag(args, 'data-dir', '.data/local')!);
  const issuer = LocalTokenIssuer.fromKeyDir(join(dataDir, 'keys'));
  const subject = stringFlag(args, 'sub');
  process.stdout.write(
    `${issuer.mint({
      role,
      ttlSeconds: numberFlag(args, 'ttl', 12 * 3600),
      ...(regionId === undefined ? {} : { regionId }),
      ...(subject === undefined ? {} : { subject }),
    })}\n`,
  );
}
