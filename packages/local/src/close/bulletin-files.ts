import { mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type BulletinCheck, buildBulletinBody, signBulletin } from '@ballotstream/core';
import type { AuditLog, ElectionKey, RecordStore } from '@ballotstream/core/ports';
import { type Bulletin, bulletinSchema, describeIssues } from '@ballotstream/events';

/** The file of a bulletin directory that holds the signed bulletin. */
export const BULLETIN_FILE = 'bulletin.json';

/**
 * Writes the signed bulletin as static files a mirror can host: `bulletin.json` (everything,
 * signed), `election-key.pem`, and one `machines/<id>.json` per signed machine record.
 */
export async function exportBulletin(
  deps: { readonly records: RecordStore; readonly auditLog?: AuditLog; readonly electionKey: ElectionKey },
  electionId: string,
  outDir: string,
  options: { readonly now: number; readonly caCertificatePem?: string },
): Promise<Bulletin> {
  const body = await buildBulletinBody(deps, electionId, options);
  const bulletin = await signBulletin(deps.electionKey, body);
  mkdirSync(join(outDir, 'machines'), { recursive: true });
  writeFileSync(join(outDir, BULLETIN_FILE), `${JSON.stringify(bulletin, null, 1)}\n`);
  writeFileSync(join(outDir, 'election-key.pem'), bulletin.electionKey.publicKeyPem);
  for (const m of body.machines)
    if (m.record !== undefined)
      writeFileSync(join(outDir, 'machines', `${m.machineId}.json`), `${JSON.stringify(m.record)}\n`);
  return bulletin;
}

/** Reads a bulletin from a directory, a file, or a URL (the `/bulletin` route or a mirror's directory). */
export async function readBulletin(where: string): Promise<Bulletin> {
  let value: unknown;
  if (/^https?:\/\//.test(where)) {
    const first = await fetch(where);
    value = first.ok ? await first.json().catch(() => undefined) : undefined;
    if (bulletinSchema.safeParse(value).success === false) {
      const again = await fetch(`${where.replace(/\/+$/, '')}/${BULLETIN_FILE}`);
      if (!again.ok && !first.ok) throw new Error(`${where} answered ${first.status}`);
      if (again.ok) value = await again.json();
    }
  } else {
    const file = statSync(where).isDirectory() ? join(where, BULLETIN_FILE) : where;
    value = JSON.parse(readFileSync(file, 'utf8'));
  }
  const parsed = bulletinSchema.safeParse(value);
  if (!parsed.success)
    throw new Error(`${where} is not a bulletin: ${describeIssues(parsed.error, { limit: 5 }).join('; ')}`);
  return parsed.data;
}

/** The report `verify-election` prints. */
export function describeCheck(bulletin: Bulletin, check: BulletinCheck): string {
  const lines = [
    `election ${bulletin.body.electionId}, bulletin of ${bulletin.body.generatedAt}`,
    `  election key sha256 ${bulletin.electionKey.fingerprint}`,
    `  audit log: ${bulletin.body.audit.entries} entries, head ${bulletin.body.audit.headHash}`,
    `  ${check.machines} machines, ${check.records} signed records, ${check.constituencies} constituencies, ${check.votes} votes`,
  ];
  for (const note of check.notes) lines.push(`  note: ${note}`);
  for (const problem of check.problems) lines.push(`  DIFFERENCE: ${problem}`);
  lines.push(
    check.problems.length === 0
      ? 'verified: every signature checks and every constituency result adds up from the machine records'
      : `NOT verified: ${check.problems.length} difference(s)`,
  );
  return `${lines.join('\n')}\n`;
}
