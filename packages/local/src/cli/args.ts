import { parseArgs as parseArgv } from 'node:util';

/** Command-line flags by name (a text value, or `true` for a switch); positional words stay in order. */
export interface ParsedArgs {
  readonly positional: readonly string[];
  readonly flags: ReadonlyMap<string, string | true>;
}

/** One flag a command accepts: a value (`string`) or a switch (`boolean`), with its help line. */
export interface FlagSpec {
  readonly type: 'string' | 'boolean';
  readonly description: string;
  /** What the value looks like in the help (`<n>`, `<dir>`); switches have none. */
  readonly value?: string;
}

/** What a command accepts: positional words after its name and its flags. */
export interface CommandSpec {
  readonly name: string;
  readonly summary: string;
  /** The words after `ballotstream <name>`, as the usage line shows them (`<file.csv>`). */
  readonly arguments?: string;
  /** Most positional words after the command's name. */
  readonly maxPositionals: number;
  readonly flags: Readonly<Record<string, FlagSpec>>;
}

/** A mistake in how a command was called: printed with a pointer to `--help`, exit code 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

const helpFlag = { help: { type: 'boolean', short: 'h' } } as const;

/**
 * Parses a command's arguments strictly against its spec: an unknown flag, a switch given a value,
 * a value flag without one or too many positional words are refused as a `UsageError`.
 * Returns `'help'` when `--help` or `-h` is among them, whatever else is.
 */
export function parseCommandArgs(spec: CommandSpec, argv: readonly string[]): ParsedArgs | 'help' {
  // Help wins over every other mistake, so `up --help --bogus` still explains rather than scolds.
  if (argv.includes('--help') || argv.includes('-h')) return 'help';
  let parsed: ReturnType<typeof parseArgv>;
  try {
    parsed = parseArgv({
      args: [...argv],
      strict: true,
      allowPositionals: true,
      options: {
        ...helpFlag,
        ...Object.fromEntries(Object.entries(spec.flags).map(([name, f]) => [name, { type: f.type }])),
      },
    });
  } catch (error) {
    // node:util's messages name the flag and say what is wrong with it; they are kept as they are.
    throw new UsageError(error instanceof Error ? error.message : String(error), { cause: error });
  }
  const positional = [spec.name, ...parsed.positionals];
  if (parsed.positionals.length > spec.maxPositionals)
    throw new UsageError(
      `unexpected argument ${JSON.stringify(parsed.positionals[spec.maxPositionals])}${spec.maxPositionals === 0 ? ': this command takes flags only' : ''}`,
    );
  const flags = new Map<string, string | true>();
  for (const [name, value] of Object.entries(parsed.values)) {
    if (typeof value === 'string') flags.set(name, value);
    else if (value === true) flags.set(name, true);
  }
  return { positional, flags };
}

/** The help text of one command: its usage line, summary and every flag it accepts. */
export function commandHelp(spec: CommandSpec): string {
  const flagWords = Object.entries(spec.flags).map(
    ([name, f]) => [`--${name}${f.value === undefined ? '' : ` ${f.value}`}`, f.description] as const,
  );
  const width = Math.max(12, ...flagWords.map(([w]) => w.length)) + 2;
  return [
    `usage: ballotstream ${spec.name}${spec.arguments === undefined ? '' : ` ${spec.arguments}`}${flagWords.length > 0 ? ' [flags]' : ''}`,
    '',
    spec.summary,
    '',
    'flags:',
    ...flagWords.map(([w, d]) => `  ${w.padEnd(width)}${d}`),
    `  ${'-h, --help'.padEnd(width)}print this help and do nothing else`,
  ].join('\n');
}

/** A numeric flag within bounds, or the default; a value that is not one is a `UsageError`. */
export function numberFlag(
  args: ParsedArgs,
  name: string,
  fallback: number,
  bounds: { min?: number; max?: number; integer?: boolean } = {},
): number {
  const value = args.flags.get(name);
  if (value === undefined) return fallback;
  const n = Number(value);
  const { min = Number.NEGATIVE_INFINITY, max = Number.POSITIVE_INFINITY, integer = false } = bounds;
  if (value === true || value.trim() === '' || !Number.isFinite(n) || (integer && !Number.isInteger(n)))
    throw new UsageError(
      `--${name} needs ${integer ? 'a whole number' : 'a number'}, not ${JSON.stringify(value)}`,
    );
  if (n < min || n > max) throw new UsageError(`--${name} must be between ${min} and ${max}, not ${value}`);
  return n;
}

/** A TCP port flag (0 picks a free one), or the default. */
export function portFlag(args: ParsedArgs, name: string, fallback = 0): number {
  return numberFlag(args, name, fallback, { min: 0, max: 65_535, integer: true });
}

/** A whole-number count flag of at least `min` (1 unless told), or the default. */
export function countFlag(args: ParsedArgs, name: string, fallback: number, min = 1): number {
  return numberFlag(args, name, fallback, { min, integer: true });
}

/** A text flag, or the default. */
export function stringFlag(args: ParsedArgs, name: string, fallback?: string): string | undefined {
  const value = args.flags.get(name);
  return typeof value === 'string' ? value : fallback;
}
