import { createInterface } from 'node:readline';
import { GatewayHost, VERSION_ENV } from './host';
import { installInitial } from './install';

/**
 * `gateway.mjs --host <gateway args>`: the process Greengrass runs. It installs the version it
 * shipped as (`BALLOTSTREAM_GATEWAY_VERSION`, this very file) into the install folder
 * (`BALLOTSTREAM_OTA_DIR`) unless something newer is there, runs the current version with the
 * same arguments, passes its own input to it and its output on, and stops it on SIGTERM.
 */
export async function runHost(
  entryPath: string,
  args: readonly string[],
  env: NodeJS.ProcessEnv,
): Promise<void> {
  const dir = env.BALLOTSTREAM_OTA_DIR;
  const version = env[VERSION_ENV];
  if (dir === undefined || version === undefined) {
    throw new Error(`the host needs BALLOTSTREAM_OTA_DIR and ${VERSION_ENV}`);
  }
  installInitial(dir, version, entryPath);
  const host = new GatewayHost({ dir, args, onLine: (line) => process.stdout.write(`${line}\n`) });
  host.start();
  process.once('SIGTERM', () => void host.stop().then(() => process.exit(0)));
  for await (const line of createInterface({ input: process.stdin })) host.send(line);
  await host.stop();
}
