#!/usr/bin/env node
import { alerts } from './cli/alerts';
import { parseArgs } from './cli/args';
import { audit } from './cli/audit';
import { exportBulletinCommand, verifyElection } from './cli/bulletin';
import { capacity } from './cli/capacity';
import { issueCert, verifyResult } from './cli/casting';
import { generate } from './cli/generate';
import { exportCommand, importCommand } from './cli/registry-files';
import { ticketKeys } from './cli/ticket-keys';
import { token } from './cli/token';
import { up } from './cli/up';
import { ownerOnlyFiles } from './runtime/data-dir';

const commands: Record<
  string,
  { summary: string; run: (args: ReturnType<typeof parseArgs>) => Promise<void> }
> = {
  up: { summary: 'start the embedded runtime (--demo seeds and plays a demo election)', run: up },
  simulate: {
    summary: 'play an election day (--config <file>) and report tally vs ground truth, incidents vs alerts',
    run: (a) => import('./cli/simulate').then((m) => m.simulateCommand(a)),
  },
  import: {
    summary: 'import a CSV file of one entity (booths.csv, voters.csv; --per-row)',
    run: importCommand,
  },
  generate: {
    summary: 'write the CSV files of a synthetic election (--booths N --voters N --machines)',
    run: generate,
  },
  export: {
    summary: 'export one entity as CSV (ballotstream export booths --out booths.csv)',
    run: exportCommand,
  },
  token: { summary: 'print a bearer token (--role officer --region <r>)', run: token },
  'ticket-keys': {
    summary: 'rotate the ticket-signing key (rotate [--algorithm ecdsa-p256]) or list public keys',
    run: ticketKeys,
  },
  audit: { summary: 'verify (or list) the hash-chained audit log', run: audit },
  capacity: {
    summary: 'AWS capacity plan and cost of the day (--config <blueprint> or --voters --booths)',
    run: capacity,
  },
  alerts: { summary: 'list alerts, or the officer notifications in the outbox (--follow)', run: alerts },
  'issue-cert': { summary: "issue a machine's client certificate from the election CA", run: issueCert },
  'verify-result': {
    summary: "verify a machine's signed result record (--public-key or --data-dir)",
    run: verifyResult,
  },
  'export-bulletin': {
    summary: 'write the signed public bulletin as static files (--out <dir> [--data-dir] [--election])',
    run: exportBulletinCommand,
  },
  'verify-election': {
    summary: 'check a bulletin (dir or URL): every signature, chain and constituency result',
    run: verifyElection,
  },
};

function usage(): string {
  const lines = Object.entries(commands).map(([name, c]) => `  ${name.padEnd(10)} ${c.summary}`);
  return ['usage: ballotstream <command> [flags]', '', 'commands:', ...lines].join('\n');
}

// Keys, pseudonym secrets, votes and certificates: whatever a command writes is its owner's alone.
ownerOnlyFiles();
const args = parseArgs(process.argv.slice(2));
const name = args.positional[0];
const command = name === undefined ? undefined : commands[name];
if (command === undefined) {
  process.stderr.write(`${name === undefined ? '' : `unknown command: ${name}\n\n`}${usage()}\n`);
  process.exit(name === undefined || name === 'help' ? 0 : 2);
} else {
  try {
    await command.run(args);
  } catch (error) {
    process.stderr.write(`ballotstream ${name}: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  }
}
