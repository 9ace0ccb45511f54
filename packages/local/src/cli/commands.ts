import type { CommandSpec, FlagSpec, ParsedArgs } from './args';
import { dataDirFlags } from './data-dir';
import { FALSE_WARNING_LIMIT } from './simulate-verdict';

/** A command: what it accepts, and its body, loaded only when it runs so `--help` can never run it. */
export interface Command extends CommandSpec {
  readonly run: (args: ParsedArgs) => Promise<void>;
}

const s = (value: string, description: string): FlagSpec => ({ type: 'string', value, description });
const b = (description: string): FlagSpec => ({ type: 'boolean', description });

/** Every command of `ballotstream`, in the order the overview lists them. */
export const commands: readonly Command[] = [
  {
    name: 'up',
    summary: 'start the embedded runtime (--demo seeds and plays a demo election)',
    maxPositionals: 0,
    flags: {
      ...dataDirFlags,
      demo: b('seed a demo election in .data/demo and play booths through it'),
      config: s('<blueprint>', "run this election's blueprint (data in .data/<stage>)"),
      voters: s('<n>', 'voters in the demo election'),
      'http-port': s('<port>', 'API port (0, the default, picks a free one)'),
      'mqtt-port': s('<port>', 'MQTT port (0, the default, picks a free one)'),
      regions: s('<1|2>', "2 runs the secondary region's broker, API and cache beside the primary's"),
      'redis-url': s('<url>', 'voter cache in Redis (default REDIS_URL, else in process)'),
      'secondary-redis-url': s('<url>', "the secondary region's Redis (default: the primary's)"),
      'smtp-url': s('<url>', 'mail officers through this relay (default BALLOTSTREAM_SMTP_URL)'),
      'plain-mqtt': b('MQTT without TLS client certificates'),
      'no-web-build': b('serve the web apps as built, never build them'),
      'store-memory-mb': s('<mb>', 'buffer memory of each embedded vote store'),
      'store-threads': s('<n>', 'threads of each embedded vote store'),
    },
    run: (a) => import('./up').then((m) => m.up(a)),
  },
  {
    name: 'simulate',
    summary: 'play an election day and report tally vs ground truth, incidents vs alerts',
    maxPositionals: 0,
    flags: {
      config: s('<file>', 'the simulation (e.g. packages/local/src/simulate/national-2000.json)'),
      booths: s('<n>', 'booths (default: the file’s)'),
      speedup: s('<x>', 'simulated seconds per real second'),
      'voters-per-booth': s('<n>', 'voters on each booth’s roll'),
      incidents: s('<a,b|none>', 'incidents to inject (default: the file’s)'),
      'max-false-warnings': s(
        '<n>',
        `exit 1 when more false warnings than this are raised (default ${FALSE_WARNING_LIMIT}); any false critical fails`,
      ),
      out: s('<file>', 'where the JSON report goes (default .data/simulate/report-<time>.json)'),
      bulletin: s('<dir>', 'where the public bulletin goes'),
    },
    run: (a) => import('./simulate').then((m) => m.simulateCommand(a)),
  },
  {
    name: 'import',
    summary: 'import a CSV file of one entity (booths.csv, voters.csv) into the data directory',
    arguments: '<file.csv>',
    maxPositionals: 1,
    flags: {
      ...dataDirFlags,
      entity: s('<entity>', 'what the file holds, when its name does not say'),
      'per-row': b('write the good rows even when some are bad'),
      election: s('<id>', 'the election the rows belong to (default demo-2026)'),
      'max-problems': s('<n>', 'bad rows printed before the rest are only counted (default 20)'),
    },
    run: (a) => import('./registry-files').then((m) => m.importCommand(a)),
  },
  {
    name: 'generate',
    summary: 'write the CSV files of a synthetic election, for load tests of the import',
    maxPositionals: 0,
    flags: {
      out: s('<dir>', 'where the files go (default .data/generated)'),
      booths: s('<n>', 'booths (default 1000)'),
      voters: s('<n>', 'voters (default 10000)'),
      regions: s('<n>', 'regions (default 36)'),
      constituencies: s('<n>', 'constituencies (default booths / 10, at most 543)'),
      candidates: s('<n>', 'candidates per constituency (default 8)'),
      machines: b('write machines.csv as well'),
    },
    run: (a) => import('./generate').then((m) => m.generate(a)),
  },
  {
    name: 'export',
    summary: 'export every entity of one kind as CSV (to stdout unless --out)',
    arguments: '<entities>',
    maxPositionals: 1,
    flags: { ...dataDirFlags, out: s('<file.csv>', 'write here instead of stdout') },
    run: (a) => import('./registry-files').then((m) => m.exportCommand(a)),
  },
  {
    name: 'token',
    summary: 'print a bearer token the runtime of the data directory accepts',
    maxPositionals: 0,
    flags: {
      ...dataDirFlags,
      role: s('<role>', 'admin, officer, clerk, booth or citizen'),
      region: s('<regionId>', "an officer's region (required for officers)"),
      sub: s('<name>', "the token's subject"),
      ttl: s('<seconds>', 'lifetime (default 43200, twelve hours)'),
    },
    run: (a) => import('./token').then((m) => m.token(a)),
  },
  {
    name: 'ticket-keys',
    summary: 'rotate the ticket-signing key, or list the public keys booths verify tickets with',
    arguments: '[rotate|list]',
    maxPositionals: 1,
    flags: { ...dataDirFlags, algorithm: s('<ed25519|ecdsa-p256>', 'algorithm of a rotated key') },
    run: (a) => import('./ticket-keys').then((m) => m.ticketKeys(a)),
  },
  {
    name: 'audit',
    summary: 'verify (or list) the hash-chained audit log',
    arguments: 'verify|list',
    maxPositionals: 1,
    flags: {
      ...dataDirFlags,
      from: s('<seq>', 'first entry listed (default 1)'),
      limit: s('<n>', 'entries listed (default 50)'),
    },
    run: (a) => import('./audit').then((m) => m.audit(a)),
  },
  {
    name: 'capacity',
    summary: 'AWS capacity plan, cost of the day, and what one vote costs in requests',
    maxPositionals: 0,
    flags: {
      config: s('<blueprint>', 'take the scale from this blueprint'),
      voters: s('<n>', 'voters on the roll'),
      booths: s('<n>', 'booths'),
      hours: s('<h>', 'poll hours (default 11)'),
      'peak-factor': s('<f>', 'peak rate over the average (default 3)'),
      turnout: s('<0..1>', 'share of voters who vote (default 1)'),
      'machines-per-booth': s('<n>', 'machines per booth (default 1)'),
    },
    run: (a) => import('./capacity').then((m) => m.capacity(a)),
  },
  {
    name: 'alerts',
    summary: 'list alerts, or the officer notifications in the outbox',
    arguments: '[list|outbox]',
    maxPositionals: 1,
    flags: {
      ...dataDirFlags,
      region: s('<regionId>', 'only this region'),
      severity: s('<s,s>', 'only these severities (critical, warning, info)'),
      limit: s('<n>', 'alerts listed (default 50)'),
      follow: b('keep printing new notifications as they arrive'),
    },
    run: (a) => import('./alerts').then((m) => m.alerts(a)),
  },
  {
    name: 'issue-cert',
    summary: "issue a machine's client certificate from the election CA of the data directory",
    arguments: '<machineId>',
    maxPositionals: 1,
    flags: { ...dataDirFlags, out: s('<dir>', 'where the files go (default <data-dir>/machines)') },
    run: (a) => import('./casting').then((m) => m.issueCert(a)),
  },
  {
    name: 'verify-result',
    summary: "verify a machine's signed result record",
    arguments: '<file>',
    maxPositionals: 1,
    flags: {
      'public-key': s('<base64url>', "the machine's Ed25519 public key"),
      'data-dir': s('<dir>', "read the machine's key from this data directory's registry"),
    },
    run: (a) => import('./casting').then((m) => m.verifyResult(a)),
  },
  {
    name: 'export-bulletin',
    summary: 'write the signed public bulletin as static files',
    maxPositionals: 0,
    flags: {
      ...dataDirFlags,
      out: s('<dir>', 'where the bulletin goes (required)'),
      election: s('<id>', 'the election (default: the registry’s only one)'),
    },
    run: (a) => import('./bulletin').then((m) => m.exportBulletinCommand(a)),
  },
  {
    name: 'reference',
    summary: 'write the API reference (openapi.json, asyncapi.json) into a folder',
    maxPositionals: 0,
    flags: { out: s('<dir>', 'an existing folder (default docs)') },
    run: (a) => import('./reference').then((m) => m.reference(a)),
  },
  {
    name: 'verify-election',
    summary: 'check a bulletin (dir or URL): every signature, chain and constituency result',
    arguments: '<bulletin dir | file | URL>',
    maxPositionals: 1,
    flags: { 'key-fingerprint': s('<hex>', "the election key's expected SHA-256 fingerprint") },
    run: (a) => import('./bulletin').then((m) => m.verifyElection(a)),
  },
];
