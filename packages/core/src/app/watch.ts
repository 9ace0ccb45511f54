import {
  anomalyDetected,
  type DetailOf,
  type tallyDiverged,
  type voteAccepted,
  type voteRejected,
  type voterRejected,
  type voterVerified,
} from '@ballotstream/events';
import { type Finding, regionsDivergedRule } from '../domain/anomaly/rules';
import { findBooth } from '../domain/fleet/placement';
import { type Clock, eventOf, type RecordStore } from '../ports';
import type { Monitors } from './monitors';
import { type Outcome, outcome } from './outcome';

/** A bus event's detail with the id its envelope carries, which counts it once in shared windows. */
export interface Delivered<D> {
  readonly id: string;
  readonly detail: D;
}

/** How many findings a watch reported; each goes out as `anomaly.detected`. */
export interface Watched {
  readonly findings: number;
}

function found(findings: readonly Finding[], at: number): Outcome<Watched> {
  const detectedAt = new Date(at).toISOString();
  return outcome(
    { findings: findings.length },
    findings.map((f) =>
      eventOf(anomalyDetected, {
        ...f.subject,
        rule: f.rule,
        severity: f.severity,
        evidence: { ...f.evidence },
        detectedAt,
      }),
    ),
  );
}

/** The anomaly watch: each stream the detector reads, turned into findings to announce. */
export function watchUseCases(
  ports: { readonly records: RecordStore; readonly clock: Clock },
  monitors: Monitors,
) {
  // Booth electorates change only between elections; read each once per app.
  const electorates = new Map<string, number | undefined>();
  const electorateOf = async (boothId: string) => {
    if (!electorates.has(boothId))
      electorates.set(boothId, (await findBooth(ports.records, boothId))?.electorate);
    return electorates.get(boothId);
  };
  return {
    /** Vote rate, burst after silence, poll hours, turnout; the batch is one stretch of the stream. */
    async votesAccepted(votes: readonly DetailOf<typeof voteAccepted>[]) {
      const at = ports.clock.now();
      const findings: Finding[] = [];
      // The vote id counts a vote once in the shared windows, however often the queue delivers it.
      for (const vote of votes) {
        const machine = await monitors.machines.find(vote.machineId);
        const placed = { ...vote, regionId: machine?.regionId ?? 'national' };
        findings.push(
          ...(await monitors.detector.voteAccepted(
            placed,
            vote.voteId,
            at,
            await electorateOf(vote.boothId),
          )),
        );
      }
      return found(findings, at);
    },
    /** Counts visitors (voters registered elsewhere) at the booth for the turnout rule. */
    async voterVerified({ id, detail }: Delivered<DetailOf<typeof voterVerified>>) {
      if (detail.visitor === true)
        await monitors.detector.voterVerified({ boothId: detail.boothId }, id, true);
      return outcome<Watched>({ findings: 0 });
    },
    /** Bad signatures or tokens from one machine, votes outside poll hours. */
    async voteRejected({ id, detail }: Delivered<DetailOf<typeof voteRejected>>) {
      if (detail.machineId === undefined || detail.machineId === '') return outcome<Watched>({ findings: 0 });
      const at = ports.clock.now();
      const machine = await monitors.machines.find(detail.machineId);
      const placement = machine ?? { machineId: detail.machineId };
      return found(await monitors.detector.voteRejected(placement, detail.reason, id, at), at);
    },
    /** Repeated verification refusals at one booth, and one voter turned away at many. */
    async voterRejected({ id, detail }: Delivered<DetailOf<typeof voterRejected>>) {
      if (detail.boothId === undefined) return outcome<Watched>({ findings: 0 });
      const at = ports.clock.now();
      const machine =
        detail.machineId === undefined ? undefined : await monitors.machines.find(detail.machineId);
      const placement = {
        boothId: detail.boothId,
        ...(machine === undefined
          ? {}
          : { regionId: machine.regionId, constituencyId: machine.constituencyId }),
      };
      return found(
        await monitors.detector.voterRejected(placement, detail.reason, id, at, detail.voterTag),
        at,
      );
    },
    /** The two regions disagree; the national desk is told. */
    tallyDiverged: async (detail: DetailOf<typeof tallyDiverged>) =>
      found([regionsDivergedRule(detail)], ports.clock.now()),
    /** Machines silent or offline during polls, and booths whose results stand out. */
    sweep: async (firedAt: number) => found(await monitors.detector.sweep(firedAt), firedAt),
  };
}
