#!/usr/bin/env node
import { readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { BoothGateway, PressRefusedError } from './booth-gateway';
import { componentConfigurationFromEnv, processConfigOf } from './greengrass/component-config';
import { gatewayProcessConfigSchema } from './process-config';

// The gateway as its own process: `main.ts <config.json>`, or `main.ts --greengrass` as the
// Greengrass component runs it, its configuration then in the environment the recipe sets.
// It reads button presses from stdin as `cast <ballotToken> <candidateId>` and answers on stdout
// `cast <voteId>` once the vote is on disk, or `refused <reason>`; `close` publishes the result record.
const path = process.argv[2];
if (path === undefined) {
  process.stderr.write('usage: main.ts <config.json> | main.ts --greengrass\n');
  process.exit(2);
}
const config =
  path === '--greengrass'
    ? processConfigOf(componentConfigurationFromEnv(process.env), (file) => readFileSync(file, 'utf8'))
    : gatewayProcessConfigSchema.parse(JSON.parse(readFileSync(path, 'utf8')));
const offset = config.clockOffsetMs ?? 0;
const gateway = new BoothGateway({
  ...config,
  privateKey: config.privateKeyPem,
  clock: () => Date.now() + offset,
});
await gateway.start();
process.stdout.write(`ready pending=${gateway.pending()}\n`);

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
    }
  } catch (error) {
    const reason = error instanceof PressRefusedError ? error.reason : String(error);
    process.stdout.write(`refused ${reason}\n`);
  }
}
await gateway.stop();
