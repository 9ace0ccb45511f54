import {
  checkBulletin,
  readCertifications,
  readCloseRollup,
  recordCloseException,
  recordKeys,
} from '@ballotstream/core';
import type { BoothGateway } from '@ballotstream/gateway';
import { exportBulletin } from '../close/bulletin-files';
import type { DemoMachine } from '../demo/seed';
import type { Runtime } from '../runtime/runtime';
import { inPool } from './election';

/** How the close of poll went: records, exceptions, certification, and the bulletin's check. */
export interface CloseOfPollReport {
  readonly machines: number;
  readonly reconciled: number;
  readonly disagreeing: number;
  readonly missing: number;
  /** Machines the returning officers excused, and why (an incident that explains it, or not). */
  readonly exceptions: readonly { readonly machineId: string; readonly reason: string }[];
  /** Excused machines no injected incident explains: worth a look. */
  readonly unexplained: number;
  readonly constituencies: number;
  readonly certified: number;
  /** Real seconds from the last result record's check to every constituency certified. */
  readonly lastRecordToNationalCertificationSeconds: number | undefined;
  readonly bulletin: {
    readonly dir: string;
    readonly verified: boolean;
    readonly problems: readonly string[];
    readonly notes: number;
    readonly votes: number;
  };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** What the close of poll needs of the simulated day. */
export interface CloseOfPollOptions {
  readonly runtime: Runtime;
  readonly electionId: string;
  readonly machines: readonly DemoMachine[];
  readonly gateways: ReadonlyMap<string, BoothGateway>;
  /** Each machine's certificate from the election CA, registered as IoT Core would hold it. */
  readonly certificates: ReadonlyMap<string, { readonly certPem: string }>;
  /** The injected incident that explains a machine not reconciling, if any. */
  readonly explain: (machine: DemoMachine) => string | undefined;
  readonly bulletinDir: string;
  readonly now: () => number;
  readonly onProgress: (line: string) => void;
}

type Rollup = Awaited<ReturnType<typeof readCloseRollup>>;
type Certifications = Awaited<ReturnType<typeof readCertifications>>;
type Excused = { exceptions: { machineId: string; reason: string }[]; unexplained: number };

/**
 * The close of poll: every gateway signs and sends its result record, the platform checks and
 * rolls them up, each constituency's returning officer excuses what did not reconcile (naming
 * the incident that explains it), and the bulletin is exported and checked as a verifier would.
 */
export async function closeOfPoll(options: CloseOfPollOptions): Promise<CloseOfPollReport> {
  const { runtime, onProgress } = options;
  let lastRecordAt = 0;
  runtime.bus.listen((e) => {
    if (e['detail-type'] === 'result.verified' || e['detail-type'] === 'result.mismatched')
      lastRecordAt = performance.now();
  });
  await registerCertificates(options);
  onProgress('close of poll: every machine signs and sends its result record…');
  const gateways = [...options.gateways.values()];
  await inPool(gateways.length, 32, (i) => gateways[i]!.closePoll());
  const deadline = performance.now() + 120_000;
  const rollup = await awaitRecords(options, deadline);
  const excused = await excuseUnreconciled(options, rollup);
  const certifications = await awaitCertification(options, deadline);
  const certifiedAt = performance.now();
  onProgress(
    `certified ${certifications.certified} of ${certifications.constituencies.length} constituencies`,
  );
  return {
    machines: rollup.nation.expected,
    reconciled: rollup.nation.reconciled,
    disagreeing: rollup.nation.disagreeing,
    missing: rollup.nation.missing,
    ...excused,
    constituencies: certifications.constituencies.length,
    certified: certifications.certified,
    lastRecordToNationalCertificationSeconds:
      certifications.pending === 0 && lastRecordAt > 0 ? (certifiedAt - lastRecordAt) / 1000 : undefined,
    bulletin: await exportAndCheck(options),
  };
}

/** Registers each machine's certificate on its registry record, as IoT Core would hold it. */
async function registerCertificates(options: CloseOfPollOptions): Promise<void> {
  const { records } = options.runtime.deps;
  for (const m of options.machines) {
    const cert = options.certificates.get(m.machineId);
    const key = recordKeys.machine(m.machineId);
    const current = await records.get('registry', key);
    if (cert !== undefined && current !== undefined)
      await records.put('registry', { ...current, certificatePem: cert.certPem });
  }
}

/** The roll-up once every record has come (or the deadline passed). */
async function awaitRecords(options: CloseOfPollOptions, deadline: number): Promise<Rollup> {
  const { runtime, electionId } = options;
  let rollup = await readCloseRollup(runtime.deps.records, electionId);
  for (;;) {
    await runtime.bus.drain();
    rollup = await readCloseRollup(runtime.deps.records, electionId);
    if (rollup.nation.missing === 0 || performance.now() > deadline) break;
    await sleep(200);
  }
  return rollup;
}

/** Each unreconciled machine excused by its returning officer, with the incident that explains it. */
async function excuseUnreconciled(options: CloseOfPollOptions, rollup: Rollup): Promise<Excused> {
  const byId = new Map(options.machines.map((m) => [m.machineId, m]));
  const exceptions: { machineId: string; reason: string }[] = [];
  let unexplained = 0;
  for (const m of rollup.unreconciled) {
    const machine = byId.get(m.machineId);
    const incident = machine === undefined ? undefined : options.explain(machine);
    if (incident === undefined) unexplained++;
    const what = m.status === 'missing' ? 'no record came' : (m.problems[0] ?? 'it disagrees');
    const reason = `${incident === undefined ? 'no incident explains it' : `explained by the ${incident} incident`}: ${what}`;
    const done = await recordCloseException(options.runtime.deps, {
      electionId: options.electionId,
      constituencyId: m.constituencyId,
      machineId: m.machineId,
      reason,
      actor: { role: 'officer', subject: `returning-officer-${m.constituencyId}`, regionId: m.regionId },
    });
    if (done.ok) exceptions.push({ machineId: m.machineId, reason });
  }
  return { exceptions, unexplained };
}

/** Certification once no constituency is pending (or the deadline passed). */
async function awaitCertification(options: CloseOfPollOptions, deadline: number): Promise<Certifications> {
  const { runtime, electionId } = options;
  let certifications = await readCertifications(runtime.deps.records, electionId);
  while (certifications.pending > 0 && performance.now() < deadline) {
    await runtime.bus.drain();
    await sleep(100);
    certifications = await readCertifications(runtime.deps.records, electionId);
  }
  return certifications;
}

/** Exports the public bulletin and checks it as a verifier with nothing but the files would. */
async function exportAndCheck(options: CloseOfPollOptions): Promise<CloseOfPollReport['bulletin']> {
  const { runtime } = options;
  const bulletin = await exportBulletin(
    { records: runtime.deps.records, electionKey: runtime.deps.electionKey! },
    options.electionId,
    options.bulletinDir,
    { now: options.now(), ...(runtime.ca === undefined ? {} : { caCertificatePem: runtime.ca.certPem }) },
  );
  const check = checkBulletin(bulletin);
  return {
    dir: options.bulletinDir,
    verified: check.problems.length === 0,
    problems: check.problems.slice(0, 20),
    notes: check.notes.length,
    votes: check.votes,
  };
}
