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

/**
 * The close of poll: every gateway signs and sends its result record, the platform checks and
 * rolls them up, each constituency's returning officer excuses what did not reconcile (naming
 * the incident that explains it), and the bulletin is exported and checked as a verifier would.
 */
export async function closeOfPoll(options: {
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
}): Promise<CloseOfPollReport> {
  const { runtime, electionId, onProgress } = options;
  const { deps } = runtime;
  let lastRecordAt = 0;
  runtime.bus.listen((e) => {
    if (e['detail-type'] === 'result.verified' || e['detail-type'] === 'result.mismatched')
      lastRecordAt = performance.now();
  });
  for (const m of options.machines) {
    const cert = options.certificates.get(m.machineId);
    const key = recordKeys.machine(m.machineId);
    const current = await deps.records.get('registry', key);
    if (cert !== undefined && current !== undefined)
      await deps.records.put('registry', { ...current, certificatePem: cert.certPem });
  }
  onProgress('close of poll: every machine signs and sends its result record…');
  const gateways = [...options.gateways.values()];
  await inPool(gateways.length, 32, (i) => gateways[i]!.closePoll());
  const deadline = performance.now() + 120_000;
  let rollup = await readCloseRollup(deps.records, electionId);
  for (;;) {
    await runtime.bus.drain();
    rollup = await readCloseRollup(deps.records, electionId);
    if (rollup.nation.missing === 0 || performance.now() > deadline) break;
    await sleep(200);
  }
  const byId = new Map(options.machines.map((m) => [m.machineId, m]));
  const exceptions: { machineId: string; reason: string }[] = [];
  let unexplained = 0;
  for (const m of rollup.unreconciled) {
    const machine = byId.get(m.machineId);
    const incident = machine === undefined ? undefined : options.explain(machine);
    if (incident === undefined) unexplained++;
    const what = m.status === 'missing' ? 'no record came' : (m.problems[0] ?? 'it disagrees');
    const reason = `${incident === undefined ? 'no incident explains it' : `explained by the ${incident} incident`}: ${what}`;
    const done = await recordCloseException(deps, {
      electionId,
      constituencyId: m.constituencyId,
      machineId: m.machineId,
      reason,
      actor: { role: 'officer', subject: `returning-officer-${m.constituencyId}`, regionId: m.regionId },
    });
    if (done.ok) exceptions.push({ machineId: m.machineId, reason });
  }
  let certifications = await readCertifications(deps.records, electionId);
  while (certifications.pending > 0 && performance.now() < deadline) {
    await runtime.bus.drain();
    await sleep(100);
    certifications = await readCertifications(deps.records, electionId);
  }
  const certifiedAt = performance.now();
  onProgress(
    `certified ${certifications.certified} of ${certifications.constituencies.length} constituencies`,
  );
  const bulletin = await exportBulletin(
    { records: deps.records, electionKey: deps.electionKey! },
    electionId,
    options.bulletinDir,
    { now: options.now(), ...(runtime.ca === undefined ? {} : { caCertificatePem: runtime.ca.certPem }) },
  );
  const check = checkBulletin(bulletin);
  return {
    machines: rollup.nation.expected,
    reconciled: rollup.nation.reconciled,
    disagreeing: rollup.nation.disagreeing,
    missing: rollup.nation.missing,
    exceptions,
    unexplained,
    constituencies: certifications.constituencies.length,
    certified: certifications.certified,
    lastRecordToNationalCertificationSeconds:
      certifications.pending === 0 && lastRecordAt > 0 ? (certifiedAt - lastRecordAt) / 1000 : undefined,
    bulletin: {
      dir: options.bulletinDir,
      verified: check.problems.length === 0,
      problems: check.problems.slice(0, 20),
      notes: check.notes.length,
      votes: check.votes,
    },
  };
}
