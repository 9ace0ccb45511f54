#!/usr/bin/env node
import { createPublicKey } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { BoothGateway, PressRefusedError } from './booth-gateway';
import { componentConfigurationFromEnv, processConfigOf } from './greengrass/component-config';
import { SWAP_EXIT_CODE, VERSION_ENV } from './ota/host';
import { runHost } from './ota/host-main';
import { UpdateAgent } from './ota/update-agent';
import { gatewayProcessConfigSchema } from './process-config';

// The gateway as its own process: `main.ts <config.json>`, or `main.ts --greengrass` as the
// Greengrass component runs it, its configuration then in the environment the recipe sets.
// It reads button presses from stdin as `cast <ballotToken> <candidateId>` and answers on stdout
// `cast <voteId>` once the vote is on disk, or `refused <reason>`; `close` publishes the result record.
// With `ota` in its configuration it takes over-the-air updates through IoT Jobs and leaves with
// SWAP_EXIT_CODE for the host (`ota/host.ts`) to swap versions.
const path = process.argv[2];
if (path === undefined) {
  process.stderr.write('usage: main.ts <config.json> | main.ts --greengrass | main.ts --host <either>\n');
  process.exit(2);
}
if (path === '--host') {
  await runHost(fileURLToPath(import.meta.url), process.argv.slice(3), process.env);
  process.exit(0);
}
const config =
  path === '--greengrass'
    ? processConfigOf(componentConfigurationFromEnv(process.env), (file) => readFileSync(file, 'utf8'))
    : gatewayProcessConfigSchema.parse(JSON.parse(readFileSync(path, 'utf8')));
const offset = config.clockOffsetMs ?? 0;
const clock = () => Date.now() + offset;
const version = process.env[VERSION_ENV] ?? '0.0.0';
let gateway: BoothGateway | undefined;
const agent =
  config.ota === undefined
    ? undefined
    : new UpdateAgent({
        thing: config.machineId,
        electionId: config.electionId,
        currentVersion: version,
        publicKey: createPublicKey(config.ota.codeSigningPublicKeyPem),
        installDir: config.ota.dir,
        moment: () => ({
          now: clock(),
          ...gateway!.presses(),
          ...(config.pollHours === undefined ? {} : { pollHours: config.pollHours }),
        }),
        swap: async (next) => {
          const pending = gateway!.pending();
          await gateway!.stop();
          process.stdout.write(`updating ${next} pending=${pending}\n`, () => process.exit(SWAP_EXIT_CODE));
        },
      });
gateway = new BoothGateway({
  ...config,
  privateKey: config.privateKeyPem,
  clock,
  ...(agent === undefined ? {} : { companion: agent }),
});
await gateway.start();
process.stdout.write(`ready pending=${gateway.pending()} version=${version}\n`);

const lines = createInterface({ input: process.stdin });
for await (const line of lines) {
  const [command, a, b] = line.trim().split(/\s+/);
  try {
    if (command === 'cast' && a !== undefined && b !== undefined) {
      const receipt = await gateway.cast(a, b);
      process.stdout.write(`cast ${receipt.voteId}\n`);
    } else if (command === 'drain') {
      await gateway.drained();
      process.stdout.write('drained\n');
    } else if (command === 'close') {
      const record = await gateway.closePoll();
      process.stdout.write(`closed ${record.voteCount}\n`);
    } else if (command === 'ota-report') {
      await agent?.reportOwed();
      process.stdout.write('reported\n');
    }
  } catch (error) {
    const reason = error instanceof PressRefusedError ? error.reason : String(error);
    process.stdout.write(`refused ${reason}\n`);
  }
}
agent?.stop();
await gateway.stop();
