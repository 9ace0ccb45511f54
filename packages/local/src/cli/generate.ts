import { resolve } from 'node:path';
import { writeSyntheticElection } from '../registry/synthetic';
import { countFlag, type ParsedArgs, stringFlag } from './args';

/**
 * `ballotstream generate --out <dir> --booths N --voters N [--regions N] [--constituencies N]
 * [--machines]`: writes the CSV files of a synthetic election, for load tests of the import.
 */
export async function generate(args: ParsedArgs): Promise<void> {
  const out = resolve(stringFlag(args, 'out', '.data/generated')!);
  const booths = countFlag(args, 'booths', 1000);
  const files = await writeSyntheticElection(out, {
    regions: countFlag(args, 'regions', 36),
    constituencies: countFlag(args, 'constituencies', Math.max(1, Math.min(543, Math.ceil(booths / 10)))),
    candidatesPerConstituency: countFlag(args, 'candidates', 8),
    booths,
    voters: countFlag(args, 'voters', 10_000),
    machines: args.flags.has('machines'),
  });
  for (const [name, path] of Object.entries(files)) process.stdout.write(`${name.padEnd(15)} ${path}\n`);
}
