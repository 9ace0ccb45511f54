import { join } from 'node:path';
import { type Role, roleSchema } from '@ballotstream/events';
import { LocalTokenIssuer } from '../auth/jwt';
import { countFlag, type ParsedArgs, stringFlag, UsageError } from './args';
import { dataDirOf } from './data-dir';

/**
 * `ballotstream token --role officer --region north [--sub name] [--ttl seconds]`
 * and the data-directory flags:
 * prints a bearer token the local runtime of that data directory accepts.
 */
export async function token(args: ParsedArgs): Promise<void> {
  const parsed = roleSchema.exclude(['public']).safeParse(stringFlag(args, 'role'));
  if (!parsed.success) throw new UsageError('--role must be one of admin, officer, clerk, booth, citizen');
  const role: Role = parsed.data;
  const regionId = stringFlag(args, 'region');
  if (role === 'officer' && regionId === undefined)
    throw new UsageError('an officer token needs --region <regionId>');
  const dataDir = dataDirOf(args);
  const issuer = LocalTokenIssuer.fromKeyDir(join(dataDir, 'keys'));
  const subject = stringFlag(args, 'sub');
  process.stdout.write(
    `${issuer.mint({
      role,
      ttlSeconds: countFlag(args, 'ttl', 12 * 3600),
      ...(regionId === undefined ? {} : { regionId }),
      ...(subject === undefined ? {} : { subject }),
    })}\n`,
  );
}
