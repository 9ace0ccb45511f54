import { createHash, createPublicKey, verify, X509Certificate } from 'node:crypto';
import {
  type Bulletin,
  type BulletinBody,
  type BulletinConstituency,
  canonicalJson,
  type ResultRecord,
} from '@ballotstream/events';
import type { AuditLog } from '../../ports/audit-log';
import type { ElectionKey } from '../../ports/election-key';
import type { RecordStore } from '../../ports/record-store';
import { GENESIS_HASH } from '../audit/audit-chain';
import { recordAuditLog } from '../audit/record-audit-log';
import { resultSignatureValid } from '../casting/check-result';
import { allEntities } from '../registry/registry-records';
import { recordKeys } from '../shared/keys';
import { partitionRecords } from '../shared/pages';
import { machineCloses } from './close-of-poll';

/** Sums result records' counts per candidate. */
function sumCounts(records: readonly ResultRecord[]): { counts: Record<string, number>; voteCount: number } {
  const counts: Record<string, number> = {};
  let voteCount = 0;
  for (const r of records) {
    voteCount += r.voteCount;
    for (const [candidate, n] of Object.entries(r.counts)) counts[candidate] = (counts[candidate] ?? 0) + n;
  }
  return { counts, voteCount };
}

/**
 * The bulletin's content: every registered machine with its key, certificate, status and signed
 * record; each constituency's result as the sum of its reconciled machines' records; the audit
 * log's head. Reads durable records only.
 */
export async function buildBulletinBody(
  deps: { readonly records: RecordStore; readonly auditLog?: AuditLog },
  electionId: string,
  options: { readonly now: number; readonly caCertificatePem?: string },
): Promise<BulletinBody> {
  const machines = await machineCloses(deps.records, electionId);
  const certified = new Map<string, string>();
  const certifications = recordKeys.certificationsPartition(electionId);
  for await (const r of partitionRecords(deps.records, 'results', certifications))
    certified.set(r.sk, String(r.certifiedAt));
  const constituencies: BulletinConstituency[] = [];
  for await (const c of allEntities(deps.records, 'constituency')) {
    const constituencyId = String(c.constituencyId);
    const counted = machines.filter(
      (m) => m.constituencyId === constituencyId && m.status === 'reconciled' && m.record !== undefined,
    );
    const certifiedAt = certified.get(constituencyId);
    constituencies.push({
      constituencyId,
      regionId: String(c.regionId),
      ...sumCounts(counted.map((m) => m.record!)),
      countedMachines: counted.map((m) => m.machineId).sort(),
      ...(certifiedAt === undefined ? {} : { certifiedAt }),
    });
  }
  constituencies.sort((a, b) => a.constituencyId.localeCompare(b.constituencyId));
  const head = await (deps.auditLog ?? recordAuditLog(deps.records)).head();
  return {
    format: 'ballotstream-bulletin/1',
    electionId,
    generatedAt: new Date(options.now).toISOString(),
    ...(options.caCertificatePem === undefined ? {} : { caCertificatePem: options.caCertificatePem }),
    machines: machines
      .map((m) => ({
        machineId: m.machineId,
        boothId: m.boothId,
        constituencyId: m.constituencyId,
        regionId: m.regionId,
        publicKey: m.publicKey,
        ...(m.certificatePem === undefined ? {} : { certificatePem: m.certificatePem }),
        status: m.status,
        problems: [...m.problems],
        ...(m.exception === undefined ? {} : { exception: m.exception }),
        ...(m.record === undefined ? {} : { record: m.record }),
      }))
      .sort((a, b) => a.machineId.localeCompare(b.machineId)),
    constituencies,
    audit: { entries: head?.seq ?? 0, headHash: head?.hash ?? GENESIS_HASH },
  };
}

/** SHA-256 of a public key's DER (SPKI), hex: the election key's fingerprint. */
export function keyFingerprint(publicKeyPem: string): string {
  const der = createPublicKey(publicKeyPem).export({ type: 'spki', format: 'der' });
  return createHash('sha256').update(der).digest('hex');
}

/** Signs a bulletin body with the election key. */
export async function signBulletin(key: ElectionKey, body: BulletinBody): Promise<Bulletin> {
  const publicKeyPem = await key.publicKeyPem();
  const signature = await key.sign(Buffer.from(canonicalJson(body)));
  return {
    body,
    electionKey: { publicKeyPem, fingerprint: keyFingerprint(publicKeyPem) },
    signature: Buffer.from(signature).toString('base64url'),
  };
}

/** What checking a bulletin found: problems fail it; notes are excused exceptions, shown but accepted. */
export interface BulletinCheck {
  readonly problems: readonly string[];
  readonly notes: readonly string[];
  readonly machines: number;
  readonly records: number;
  readonly constituencies: number;
  readonly votes: number;
}

function certificateProblem(
  machineId: string,
  certificatePem: string,
  ca: X509Certificate | undefined,
): string | undefined {
  let cert: X509Certificate;
  try {
    cert = new X509Certificate(certificatePem);
  } catch {
    return `machine ${machineId}: its certificate is not a readable X.509 certificate`;
  }
  if (ca === undefined)
    return `machine ${machineId}: has a certificate but the bulletin holds no election CA`;
  if (!cert.checkIssued(ca) || !cert.verify(ca.publicKey))
    return `machine ${machineId}: its certificate is not signed by the election CA`;
  if (!cert.subject.split('\n').includes(`CN=${machineId}`))
    return `machine ${machineId}: its certificate names ${cert.subject.replace(/\n/g, ', ')}`;
  return undefined;
}

/**
 * Checks a bulletin with nothing but itself: the election key's signature over the body, each
 * machine certificate against the election CA, each record's signature against its machine's
 * key (naming the machine whose key it does verify with, if any), and every constituency's
 * result recomputed from the records of the machines it counts. Every difference is named.
 */
export function checkBulletin(bulletin: Bulletin, pinnedFingerprint?: string): BulletinCheck {
  const found: Findings = { problems: [], notes: [] };
  const { body } = bulletin;
  checkElectionSignature(bulletin, pinnedFingerprint, found.problems);
  const ca = readElectionCa(body, found.problems);
  const byId = new Map(body.machines.map((m) => [m.machineId, m]));
  const validRecord = new Map<string, ResultRecord>();
  let records = 0;
  for (const m of body.machines) {
    if (m.record !== undefined) records++;
    const valid = checkMachine(body, m, ca, found);
    if (valid !== undefined) validRecord.set(m.machineId, valid);
  }
  let votes = 0;
  for (const c of body.constituencies) {
    checkConstituency(body, c, byId, validRecord, found.problems);
    votes += c.voteCount;
  }
  const listed = new Set(body.constituencies.map((c) => c.constituencyId));
  for (const m of body.machines)
    if (!listed.has(m.constituencyId))
      found.problems.push(
        `machine ${m.machineId} belongs to constituency ${m.constituencyId}, which has no result`,
      );
  return {
    ...found,
    machines: body.machines.length,
    records,
    constituencies: body.constituencies.length,
    votes,
  };
}

/** What a check found: problems fail it, notes (excused exceptions) do not. */
interface Findings {
  readonly problems: string[];
  readonly notes: string[];
}

type BulletinMachine = BulletinBody['machines'][number];

/** The election key's signature over the body, its stated fingerprint, and the pinned one if given. */
function checkElectionSignature(
  bulletin: Bulletin,
  pinnedFingerprint: string | undefined,
  problems: string[],
): void {
  let fingerprint: string | undefined;
  try {
    fingerprint = keyFingerprint(bulletin.electionKey.publicKeyPem);
    const signed = verify(
      'sha256',
      Buffer.from(canonicalJson(bulletin.body)),
      bulletin.electionKey.publicKeyPem,
      Buffer.from(bulletin.signature, 'base64url'),
    );
    if (!signed)
      problems.push('the bulletin is not signed by its election key: it was changed after signing');
  } catch {
    problems.push('the election key or its signature cannot be read');
  }
  if (fingerprint !== undefined && fingerprint !== bulletin.electionKey.fingerprint)
    problems.push(`the election key's fingerprint is ${fingerprint}, the bulletin states another`);
  if (pinnedFingerprint !== undefined && fingerprint !== pinnedFingerprint)
    problems.push(`the election key ${fingerprint} is not the one expected (${pinnedFingerprint})`);
}

/** The election CA certificate, when the bulletin holds one that reads and signs itself. */
function readElectionCa(body: BulletinBody, problems: string[]): X509Certificate | undefined {
  if (body.caCertificatePem === undefined) return undefined;
  try {
    const ca = new X509Certificate(body.caCertificatePem);
    if (!ca.verify(ca.publicKey)) problems.push('the election CA certificate is not self-signed');
    return ca;
  } catch {
    problems.push('the election CA certificate cannot be read');
    return undefined;
  }
}

/**
 * One machine: its certificate, its record's identity, signature and sums, and whether it
 * reconciled. Returns the record when its signature verifies with the machine's own key.
 */
function checkMachine(
  body: BulletinBody,
  m: BulletinMachine,
  ca: X509Certificate | undefined,
  { problems, notes }: Findings,
): ResultRecord | undefined {
  const where = `machine ${m.machineId} (booth ${m.boothId}, constituency ${m.constituencyId})`;
  if (m.certificatePem !== undefined) {
    const problem = certificateProblem(m.machineId, m.certificatePem, ca);
    if (problem !== undefined) problems.push(problem);
  }
  const excused = m.exception === undefined ? undefined : `excused by the returning officer: ${m.exception}`;
  if (m.record === undefined) {
    (excused ? notes : problems).push(
      `${where}: no result record${m.status === 'missing' ? ' (it never reported)' : ''}${excused ? `; ${excused}` : ''}`,
    );
    return undefined;
  }
  const r = m.record;
  if (r.electionId !== body.electionId) problems.push(`${where}: its record is for election ${r.electionId}`);
  if (r.machineId !== m.machineId || r.boothId !== m.boothId || r.constituencyId !== m.constituencyId)
    problems.push(
      `${where}: its record names machine ${r.machineId}, booth ${r.boothId}, constituency ${r.constituencyId}`,
    );
  if (!resultSignatureValid(r, m.publicKey)) {
    const signer = body.machines.find(
      (o) => o.machineId !== m.machineId && resultSignatureValid(r, o.publicKey),
    );
    problems.push(
      signer === undefined
        ? `${where}: its record's signature does not verify with its key (altered, or signed by an unknown key)`
        : `${where}: its record is signed by machine ${signer.machineId}'s key, not its own`,
    );
    return undefined;
  }
  const sum = Object.values(r.counts).reduce((a, b) => a + b, 0);
  if (sum !== r.voteCount)
    problems.push(`${where}: its record's counts add up to ${sum}, not ${r.voteCount}`);
  if (m.status !== 'reconciled') {
    const why = m.problems.length > 0 ? `: ${m.problems.join('; ')}` : '';
    (excused ? notes : problems).push(
      `${where}: its signed record disagrees with the votes the platform stored${why}${excused ? `; ${excused}` : ''}`,
    );
  }
  return r;
}

/**
 * One constituency: the machines it counts are its own, reconciled and verified, none it
 * should count is left out, and its published result equals the sum of their records.
 */
function checkConstituency(
  body: BulletinBody,
  c: BulletinConstituency,
  byId: ReadonlyMap<string, BulletinMachine>,
  validRecord: ReadonlyMap<string, ResultRecord>,
  problems: string[],
): void {
  const counted: ResultRecord[] = [];
  for (const machineId of c.countedMachines) {
    const m = byId.get(machineId);
    const r = validRecord.get(machineId);
    if (m === undefined)
      problems.push(`constituency ${c.constituencyId} counts machine ${machineId}, not listed`);
    else if (m.constituencyId !== c.constituencyId)
      problems.push(`constituency ${c.constituencyId} counts machine ${machineId} of ${m.constituencyId}`);
    else if (m.status !== 'reconciled')
      problems.push(`constituency ${c.constituencyId} counts machine ${machineId}, which is ${m.status}`);
    else if (r === undefined)
      problems.push(
        `constituency ${c.constituencyId} counts machine ${machineId}, whose record does not verify`,
      );
    else counted.push(r);
  }
  for (const m of body.machines)
    if (
      m.constituencyId === c.constituencyId &&
      m.status === 'reconciled' &&
      !c.countedMachines.includes(m.machineId)
    )
      problems.push(`constituency ${c.constituencyId} leaves out reconciled machine ${m.machineId}`);
  const recomputed = sumCounts(counted);
  for (const candidate of new Set([...Object.keys(recomputed.counts), ...Object.keys(c.counts)])) {
    const published = c.counts[candidate] ?? 0;
    const fromRecords = recomputed.counts[candidate] ?? 0;
    if (published !== fromRecords)
      problems.push(
        `constituency ${c.constituencyId}, candidate ${candidate}: published ${published}, the machine records add up to ${fromRecords}`,
      );
  }
  if (c.voteCount !== recomputed.voteCount)
    problems.push(
      `constituency ${c.constituencyId}: published ${c.voteCount} votes, the machine records add up to ${recomputed.voteCount}`,
    );
}
