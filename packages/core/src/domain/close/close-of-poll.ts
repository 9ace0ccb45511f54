import type { CloseStatus, ResultRecord } from '@ballotstream/events';
import { resultRecordSchema } from '@ballotstream/events';
import type { AuditLog } from '../../ports/audit-log';
import type { Clock } from '../../ports/clock';
import type { RecordStore, StoredRecord } from '../../ports/record-store';
import { err, ok, type Result } from '../../result';
import type { AlertSignal } from '../alerts/alerts';
import { appendAudit } from '../audit/audit-chain';
import { type Actor, actorName, mayActIn } from '../fleet/audit';
import { allEntities } from '../registry/registry-records';
import { recordKeys } from '../shared/keys';
import { partitionRecords } from '../shared/pages';
import { findMachine } from '../shared/registry';
import { boothWindow, readPollHours } from '../shared/registry-facts';

/** A checked result record as the close-of-poll step receives it from `result.verified` / `result.mismatched`. */
export interface ResultCheckOutcome {
  readonly electionId: string;
  readonly machineId: string;
  readonly checkedAt: string;
  /** Empty when the record reconciled. */
  readonly problems: readonly string[];
  readonly record?: ResultRecord;
}

/** Where one registered machine stands at the close of poll. */
export interface MachineClose {
  readonly machineId: string;
  readonly boothId: string;
  readonly constituencyId: string;
  readonly regionId: string;
  readonly publicKey: string;
  readonly certificatePem?: string;
  readonly status: CloseStatus;
  readonly problems: readonly string[];
  readonly checkedAt?: string;
  readonly record?: ResultRecord;
  /** The returning officer's reason for certifying without this machine reconciled. */
  readonly exception?: string;
}

/**
 * Keeps the latest check of a machine's result record in its constituency's close-of-poll
 * partition (an older check arriving late never replaces a newer one). The machine's booth,
 * constituency and region come from the registry, never from the record. Returns where it
 * belongs, or undefined for a machine the registry does not know.
 */
export async function recordResultCheck(
  records: RecordStore,
  outcome: ResultCheckOutcome,
): Promise<{ constituencyId: string; regionId: string } | undefined> {
  const machine = await findMachine(records, outcome.machineId);
  if (machine === undefined) return undefined;
  const key = recordKeys.closeMachine(outcome.electionId, machine.constituencyId, machine.machineId);
  const current = await records.get('results', key);
  if (current !== undefined && String(current.checkedAt) > outcome.checkedAt) return machine;
  await records.put('results', {
    ...key,
    machineId: machine.machineId,
    status: outcome.problems.length === 0 ? 'reconciled' : 'disagreeing',
    checkedAt: outcome.checkedAt,
    problems: [...outcome.problems],
    ...(outcome.record === undefined ? {} : { record: outcome.record }),
  });
  return machine;
}

function partition(records: RecordStore, pk: string): AsyncGenerator<StoredRecord> {
  return partitionRecords(records, 'results', pk);
}

async function byMachine(records: RecordStore, pk: string): Promise<Map<string, StoredRecord>> {
  const found = new Map<string, StoredRecord>();
  for await (const r of partition(records, pk)) found.set(r.sk, r);
  return found;
}

/**
 * Every registered machine (of a region or constituency, or the country) with its close-of-poll
 * status: every machine is expected to send its signed record, so one without a check is missing.
 */
export async function machineCloses(
  records: RecordStore,
  electionId: string,
  filter: { readonly regionId?: string; readonly constituencyId?: string } = {},
): Promise<MachineClose[]> {
  const checks = new Map<string, Promise<Map<string, StoredRecord>>>();
  const exceptions = new Map<string, Promise<Map<string, StoredRecord>>>();
  const out: MachineClose[] = [];
  for await (const m of allEntities(records, 'machine', filter)) {
    const machineId = String(m.machineId);
    const constituencyId = String(m.constituencyId);
    let c = checks.get(constituencyId);
    if (c === undefined) {
      c = byMachine(records, recordKeys.closeMachinesPartition(electionId, constituencyId));
      checks.set(constituencyId, c);
      exceptions.set(
        constituencyId,
        byMachine(records, recordKeys.closeExceptionsPartition(electionId, constituencyId)),
      );
    }
    const check = (await c).get(machineId);
    const exception = (await exceptions.get(constituencyId))?.get(machineId);
    const record = resultRecordSchema.safeParse(check?.record);
    out.push({
      machineId,
      boothId: String(m.boothId),
      constituencyId,
      regionId: String(m.regionId),
      publicKey: String(m.publicKey),
      ...(typeof m.certificatePem === 'string' ? { certificatePem: m.certificatePem } : {}),
      status: check === undefined ? 'missing' : check.status === 'reconciled' ? 'reconciled' : 'disagreeing',
      problems: Array.isArray(check?.problems) ? check.problems.map(String) : [],
      ...(check === undefined ? {} : { checkedAt: String(check.checkedAt) }),
      ...(record.success ? { record: record.data } : {}),
      ...(exception === undefined ? {} : { exception: String(exception.reason) }),
    });
  }
  return out;
}

/** Reconciled, disagreeing and missing machines of one booth, constituency, region or the nation. */
export interface CloseCounts {
  readonly expected: number;
  readonly reconciled: number;
  readonly disagreeing: number;
  readonly missing: number;
}

export interface CloseRollup {
  readonly electionId: string;
  readonly regionId?: string;
  /** When polls close (from the registry's election), when it is registered. */
  readonly closesAt?: string;
  readonly nation: CloseCounts;
  readonly regions: readonly (CloseCounts & { readonly regionId: string })[];
  readonly constituencies: readonly (CloseCounts & {
    readonly constituencyId: string;
    readonly regionId: string;
  })[];
  readonly booths: readonly (CloseCounts & {
    readonly boothId: string;
    readonly constituencyId: string;
    readonly regionId: string;
  })[];
  /** Every machine that is not reconciled, named, with what is wrong. */
  readonly unreconciled: readonly Pick<
    MachineClose,
    'machineId' | 'boothId' | 'constituencyId' | 'regionId' | 'status' | 'problems' | 'exception'
  >[];
}

function tally(into: Map<string, CloseCounts>, key: string, status: CloseStatus): void {
  const c = into.get(key) ?? { expected: 0, reconciled: 0, disagreeing: 0, missing: 0 };
  into.set(key, { ...c, expected: c.expected + 1, [status]: c[status] + 1 });
}

/** Rolls machine statuses up per booth, constituency, region and nation. */
export function rollUp(
  electionId: string,
  machines: readonly MachineClose[],
  extra: { readonly regionId?: string; readonly closesAt?: string } = {},
): CloseRollup {
  const nation = new Map<string, CloseCounts>();
  const regions = new Map<string, CloseCounts>();
  const constituencies = new Map<string, CloseCounts>();
  const booths = new Map<string, CloseCounts>();
  const where = new Map<string, { constituencyId: string; regionId: string }>();
  for (const m of machines) {
    tally(nation, '', m.status);
    tally(regions, m.regionId, m.status);
    tally(constituencies, m.constituencyId, m.status);
    tally(booths, m.boothId, m.status);
    where.set(m.boothId, { constituencyId: m.constituencyId, regionId: m.regionId });
    where.set(m.constituencyId, { constituencyId: m.constituencyId, regionId: m.regionId });
  }
  const sorted = <T>(m: Map<string, T>) => [...m.entries()].sort(([a], [b]) => a.localeCompare(b));
  return {
    electionId,
    ...extra,
    nation: nation.get('') ?? { expected: 0, reconciled: 0, disagreeing: 0, missing: 0 },
    regions: sorted(regions).map(([regionId, c]) => ({ regionId, ...c })),
    constituencies: sorted(constituencies).map(([constituencyId, c]) => ({
      constituencyId,
      regionId: where.get(constituencyId)?.regionId ?? '',
      ...c,
    })),
    booths: sorted(booths).map(([boothId, c]) => ({ boothId, ...where.get(boothId)!, ...c })),
    unreconciled: machines
      .filter((m) => m.status !== 'reconciled')
      .sort((a, b) => a.machineId.localeCompare(b.machineId))
      .map(({ machineId, boothId, constituencyId, regionId, status, problems, exception }) => ({
        machineId,
        boothId,
        constituencyId,
        regionId,
        status,
        problems,
        ...(exception === undefined ? {} : { exception }),
      })),
  };
}

/** The close-of-poll roll-up of a region (or the nation), read from the durable close records. */
export async function readCloseRollup(
  records: RecordStore,
  electionId: string,
  regionId?: string,
): Promise<CloseRollup> {
  const machines = await machineCloses(records, electionId, regionId === undefined ? {} : { regionId });
  const hours = await readPollHours(records, electionId);
  return rollUp(electionId, machines, {
    ...(regionId === undefined ? {} : { regionId }),
    ...(hours === undefined ? {} : { closesAt: new Date(hours.closesAt).toISOString() }),
  });
}

export interface CertifyDeps {
  readonly records: RecordStore;
  readonly clock: Clock;
  readonly auditLog?: AuditLog;
}

/** A constituency's certification as kept: when, and on what basis. */
export interface Certification {
  readonly constituencyId: string;
  readonly regionId: string;
  readonly certifiedAt: string;
  /** `reconciled`: every machine reconciled; `exceptions`: the returning officer excused the rest. */
  readonly basis: 'reconciled' | 'exceptions';
  readonly machines: number;
  readonly exceptions: number;
}

/**
 * Certifies a constituency once every registered machine of it reconciled or carries the
 * returning officer's exception; certified once (a conditional write), audited. Returns the
 * certification when this call made it.
 */
export async function certifyIfReady(
  deps: CertifyDeps,
  electionId: string,
  constituencyId: string,
): Promise<Certification | undefined> {
  const key = recordKeys.certification(electionId, constituencyId);
  if ((await deps.records.get('results', key)) !== undefined) return undefined;
  const machines = await machineCloses(deps.records, electionId, { constituencyId });
  if (machines.length === 0) return undefined;
  if (!machines.every((m) => m.status === 'reconciled' || m.exception !== undefined)) return undefined;
  const excused = machines.filter((m) => m.status !== 'reconciled').length;
  const certification: Certification = {
    constituencyId,
    regionId: machines[0]!.regionId,
    certifiedAt: new Date(deps.clock.now()).toISOString(),
    basis: excused === 0 ? 'reconciled' : 'exceptions',
    machines: machines.length,
    exceptions: excused,
  };
  const written = await deps.records.put('results', { ...key, ...certification }, { kind: 'absent' });
  if (!written) return undefined;
  await appendAudit(deps, {
    actor: 'system:close-of-poll',
    action: 'constituency.certified',
    subject: `constituency:${constituencyId}`,
    details: { electionId, ...certification },
  });
  return certification;
}

export type ExceptionRefusal =
  | { readonly reason: 'not-found'; readonly message: string }
  | { readonly reason: 'reconciled'; readonly message: string };

/**
 * A returning officer records why a constituency may be certified without one machine reconciled
 * (missing or disagreeing); audited, then the constituency is certified if nothing else is open.
 * An officer of another region gets `not-found`, as for any entity outside their region.
 */
export async function recordCloseException(
  deps: CertifyDeps,
  input: {
    readonly electionId: string;
    readonly constituencyId: string;
    readonly machineId: string;
    readonly reason: string;
    readonly actor: Actor;
  },
): Promise<Result<{ certification?: Certification }, ExceptionRefusal>> {
  const machine = await findMachine(deps.records, input.machineId);
  if (
    machine === undefined ||
    machine.constituencyId !== input.constituencyId ||
    !mayActIn(input.actor, machine.regionId)
  )
    return err({
      reason: 'not-found',
      message: `no machine ${input.machineId} in constituency ${input.constituencyId}`,
    });
  const [close] = await machineCloses(deps.records, input.electionId, {
    constituencyId: input.constituencyId,
  }).then((all) => all.filter((m) => m.machineId === input.machineId));
  if (close?.status === 'reconciled')
    return err({ reason: 'reconciled', message: `machine ${input.machineId} reconciled; nothing to excuse` });
  await deps.records.put('results', {
    ...recordKeys.closeException(input.electionId, input.constituencyId, input.machineId),
    machineId: input.machineId,
    reason: input.reason,
    by: actorName(input.actor),
    at: new Date(deps.clock.now()).toISOString(),
  });
  await appendAudit(deps, {
    actor: actorName(input.actor),
    action: 'close.exception',
    subject: `machine:${input.machineId}`,
    details: {
      electionId: input.electionId,
      constituencyId: input.constituencyId,
      status: close?.status ?? 'missing',
      reason: input.reason,
    },
  });
  const certification = await certifyIfReady(deps, input.electionId, input.constituencyId);
  return ok(certification === undefined ? {} : { certification });
}

/** Certified / pending per constituency, for the national desk (or a region's officers). */
export interface CertificationReport {
  readonly electionId: string;
  readonly certified: number;
  readonly pending: number;
  /** When the last constituency was certified, once all are. */
  readonly allCertifiedAt?: string;
  readonly constituencies: readonly {
    readonly constituencyId: string;
    readonly regionId: string;
    readonly name: string;
    readonly status: 'certified' | 'pending';
    readonly certifiedAt?: string;
    readonly basis?: Certification['basis'];
  }[];
}

/** Reads every registered constituency's certification (of a region, or all). */
export async function readCertifications(
  records: RecordStore,
  electionId: string,
  regionId?: string,
): Promise<CertificationReport> {
  const kept = await byMachine(records, recordKeys.certificationsPartition(electionId));
  const constituencies: CertificationReport['constituencies'][number][] = [];
  for await (const c of allEntities(
    records,
    'constituency',
    regionId === undefined ? undefined : { regionId },
  )) {
    const constituencyId = String(c.constituencyId);
    const cert = kept.get(constituencyId);
    constituencies.push({
      constituencyId,
      regionId: String(c.regionId),
      name: String(c.name ?? constituencyId),
      status: cert === undefined ? 'pending' : 'certified',
      ...(cert === undefined
        ? {}
        : { certifiedAt: String(cert.certifiedAt), basis: cert.basis as Certification['basis'] }),
    });
  }
  constituencies.sort((a, b) => a.constituencyId.localeCompare(b.constituencyId));
  const certified = constituencies.filter((c) => c.status === 'certified');
  const last = certified
    .map((c) => c.certifiedAt!)
    .sort()
    .at(-1);
  return {
    electionId,
    certified: certified.length,
    pending: constituencies.length - certified.length,
    ...(certified.length === constituencies.length && last !== undefined ? { allCertifiedAt: last } : {}),
    constituencies,
  };
}

/** How long after polls close a missing record is a warning, then critical (the blueprint's thresholds). */
export interface MissingGrace {
  readonly missingWarningAfterMs: number;
  readonly missingCriticalAfterMs: number;
}

/**
 * The alerts due for machines whose record has not come: none before the warning grace after
 * their booth closes (the election's close, or a late-closing booth's own), a warning after it, a critical alert after the critical grace; each machine is
 * alerted once per severity (`markAlerted` after the alert is raised).
 */
export async function missingResultSignals(
  records: RecordStore,
  electionId: string,
  now: number,
  grace: MissingGrace,
): Promise<AlertSignal[]> {
  const election = await readPollHours(records, electionId);
  if (election === undefined || now < election.closesAt + grace.missingWarningAfterMs) return [];
  // A late-closing booth's machines are due after the booth's own close, not the election's.
  const boothCloses = new Map<string, unknown>();
  const signals: AlertSignal[] = [];
  for (const m of await machineCloses(records, electionId)) {
    if (m.status !== 'missing' || m.exception !== undefined) continue;
    if (!boothCloses.has(m.boothId)) {
      const booth = await records.get('registry', recordKeys.registryEntity('booth', m.boothId));
      boothCloses.set(m.boothId, booth?.closesAt);
    }
    const hours = boothWindow(election, boothCloses.get(m.boothId)) ?? election;
    if (now < hours.closesAt + grace.missingWarningAfterMs) continue;
    const severity = now >= hours.closesAt + grace.missingCriticalAfterMs ? 'critical' : 'warning';
    if (await records.get('results', recordKeys.missingAlerted(electionId, m.machineId, severity))) continue;
    signals.push({
      kind: severity === 'critical' ? 'result-overdue' : 'result-missing',
      severity,
      subject: { regionId: m.regionId, boothId: m.boothId, machineId: m.machineId },
      evidence: {
        constituencyId: m.constituencyId,
        closesAt: new Date(hours.closesAt).toISOString(),
        minutesSinceClose: Math.floor((now - hours.closesAt) / 60_000),
      },
      at: now,
    });
  }
  return signals;
}

/** Notes that a machine's missing record was alerted at this severity, so it is raised once. */
export async function markMissingAlerted(
  records: RecordStore,
  electionId: string,
  signal: AlertSignal,
): Promise<void> {
  const machineId = signal.subject.machineId ?? '';
  await records.put('results', {
    ...recordKeys.missingAlerted(electionId, machineId, signal.severity),
    at: signal.at,
  });
}
