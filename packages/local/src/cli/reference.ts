import { existsSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { asyncApiDocument } from '../reference/asyncapi';
import { openApiDocument } from '../reference/openapi';
import { type ParsedArgs, stringFlag } from './args';

/** `ballotstream reference [--out docs]`: writes openapi.json and asyncapi.json into an existing folder. */
export async function reference(args: ParsedArgs): Promise<void> {
  const out = resolve(stringFlag(args, 'out', 'docs')!);
  if (!existsSync(out)) throw new Error(`no folder ${out}: reference writes into an existing one`);
  for (const [name, doc] of [
    ['openapi.json', openApiDocument()],
    ['asyncapi.json', asyncApiDocument()],
  ] as const) {
    writeFileSync(join(out, name), `${JSON.stringify(doc, null, 2)}\n`);
    process.stdout.write(`${join(out, name)}\n`);
  }
}
