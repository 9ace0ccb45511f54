import { type Finding, findBooth, regionsDivergedRule } from '@ballotstream/core';
import { eventOf } from '@ballotstream/core/ports';
import {
  anomalyDetected,
  tallyDiverged,
  voteAccepted,
  voteRejected,
  voterRejected,
  voterVerified,
} from '@ballotstream/events';
import { eventBatchHandler } from '../shared/batch';
import type { Deps } from '../shared/deps';
import { eventHandler, scheduledHandler } from '../shared/events';
import { monitorsOf } from '../shared/monitors';

async function publishFindings(deps: Deps, findings: readonly Finding[], at: number) {
  if (findings.length === 0) return { findings: 0 };
  const detectedAt = new Date(at).toISOString();
  await deps.publisher.publish(
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
  return { findings: findings.length };
}

// Booth electorates change only between elections; read each once per container.
const electorates = new WeakMap<Deps, Map<string, number | undefined>>();

async function electorateOf(deps: Deps, boothId: string): Promise<number | undefined> {
  let cache = electorates.get(deps);
  if (cache === undefined) {
    cache = new Map();
    electorates.set(deps, cache);
  }
  if (!cache.has(boothId)) cache.set(boothId, (await findBooth(deps.records, boothId))?.electorate);
  return cache.get(boothId);
}

/** On `vote.accepted`, in batches: vote rate, burst after silence, poll hours, turnout. */
export const accepted = eventBatchHandler('watchVotes.accepted', voteAccepted, async (items, deps) => {
  const at = deps.clock.now();
  const monitors = monitorsOf(deps);
  const findings: Finding[] = [];
  // In queue order: the batch is one stretch of the stream.
  // The vote id counts a vote once in the shared windows, however often the queue delivers it.
  for (const { value: vote } of items) {
    const machine = await monitors.machines.find(vote.machineId);
    findings.push(
      ...(await monitors.detector.voteAccepted(
        { ...vote, regionId: machine?.regionId ?? 'national' },
        vote.voteId,
        at,
        await electorateOf(deps, vote.boothId),
      )),
    );
  }
  await publishFindings(deps, findings, at);
  return [];
});

/** On `voter.verified`: counts visitors (voters registered elsewhere) at the booth for the turnout rule. */
export const verified = eventHandler(
  'watchVotes.verified',
  voterVerified,
  async (verification, deps, envelope) => {
    if (verification.visitor === true) {
      await monitorsOf(deps).detector.voterVerified({ boothId: verification.boothId }, envelope.id, true);
    }
    return { findings: 0 };
  },
);

/** On `vote.rejected`: bad signatures or tokens from one machine, votes outside poll hours. */
export const rejected = eventHandler('watchVotes.rejected', voteRejected, async (refusal, deps, envelope) => {
  if (refusal.machineId === undefined || refusal.machineId === '') return { findings: 0 };
  const at = deps.clock.now();
  const monitors = monitorsOf(deps);
  const machine = await monitors.machines.find(refusal.machineId);
  const placement = machine ?? { machineId: refusal.machineId };
  return publishFindings(
    deps,
    await monitors.detector.voteRejected(placement, refusal.reason, envelope.id, at),
    at,
  );
});

/** On `voter.rejected`: repeated verification refusals at one booth, and one voter turned away at many. */
export const refusals = eventHandler(
  'watchVotes.refusals',
  voterRejected,
  async (refusal, deps, envelope) => {
    if (refusal.boothId === undefined) return { findings: 0 };
    const at = deps.clock.now();
    const monitors = monitorsOf(deps);
    const machine =
      refusal.machineId === undefined ? undefined : await monitors.machines.find(refusal.machineId);
    const placement = {
      boothId: refusal.boothId,
      ...(machine === undefined
        ? {}
        : { regionId: machine.regionId, constituencyId: machine.constituencyId }),
    };
    return publishFindings(
      deps,
      await monitors.detector.voterRejected(placement, refusal.reason, envelope.id, at, refusal.voterTag),
      at,
    );
  },
);

/** On `tally.diverged`: the two regions disagree; the national desk is told. */
export const diverged = eventHandler('watchVotes.diverged', tallyDiverged, async (d, deps) => {
  const at = deps.clock.now();
  return publishFindings(deps, [regionsDivergedRule(d)], at);
});

/** On schedule: machines silent or offline during polls, and booths whose results stand out. */
export const sweep = scheduledHandler(async (deps, firedAt) =>
  publishFindings(deps, await monitorsOf(deps).detector.sweep(firedAt), firedAt),
);
