#!/usr/bin/env node
import { commandHelp, parseCommandArgs, UsageError } from './cli/args';
import { commands } from './cli/commands';
import { ownerOnlyFiles } from './runtime/data-dir';

function overview(): string {
  const lines = commands.map((c) => `  ${c.name.padEnd(16)} ${c.summary}`);
  return [
    'usage: ballotstream <command> [flags]',
    '',
    'commands:',
    ...lines,
    '',
    'ballotstream <command> --help lists the flags of a command.',
  ].join('\n');
}

// Keys, pseudonym secrets, votes and certificates: whatever a command writes is its owner's alone.
ownerOnlyFiles();
const [name, ...rest] = process.argv.slice(2);
const command = commands.find((c) => c.name === name);
if (name === undefined || name === 'help' || name === '--help' || name === '-h') {
  process.stdout.write(`${overview()}\n`);
} else if (command === undefined) {
  process.stderr.write(`unknown command: ${name}\n\n${overview()}\n`);
  process.exitCode = 2;
} else {
  try {
    const args = parseCommandArgs(command, rest);
    if (args === 'help') process.stdout.write(`${commandHelp(command)}\n`);
    else await command.run(args);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    if (error instanceof UsageError) {
      process.stderr.write(
        `ballotstream ${name}: ${message}\n(ballotstream ${name} --help lists its flags)\n`,
      );
      process.exit(2);
    }
    process.stderr.write(`ballotstream ${name}: ${message}\n`);
    process.exit(1);
  }
}
