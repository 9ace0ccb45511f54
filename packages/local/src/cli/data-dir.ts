import { resolve } from 'node:path';
import { loadBlueprint } from '@ballotstream/core/blueprint';
import { type FlagSpec, type ParsedArgs, stringFlag } from './args';

/**
 * The flags that choose an election's data directory, the same on every command that reads or
 * writes one, so a token, certificate or import lands where `up` with the same flags looks.
 */
export const dataDirFlags = {
  'data-dir': {
    type: 'string',
    value: '<dir>',
    description: 'the data directory (wins over --config and --demo)',
  },
  config: {
    type: 'string',
    value: '<blueprint>',
    description: "the election's blueprint: its data directory is .data/<stage>",
  },
  demo: { type: 'boolean', description: "the demo election's data directory, .data/demo" },
  'mock-poll': {
    type: 'boolean',
    description: "the blueprint's rehearsal: open now, stage and election id with -mock, .data/<stage>-mock",
  },
} as const satisfies Record<string, FlagSpec>;

/**
 * The data directory by the one rule every command follows: `--data-dir`, else `.data/demo` for
 * `--demo`, else `.data/<stage>` of the `--config` blueprint (`.data/<stage>-mock` for its mock
 * poll), else `.data/local`.
 */
export function dataDirOf(args: ParsedArgs): string {
  const named = stringFlag(args, 'data-dir');
  if (named !== undefined) return resolve(named);
  if (args.flags.has('demo')) return resolve('.data/demo');
  const config = stringFlag(args, 'config');
  if (config !== undefined) {
    const { stage } = loadBlueprint(config);
    return resolve('.data', args.flags.has('mock-poll') ? `${stage}-mock` : stage);
  }
  return resolve('.data/local');
}
