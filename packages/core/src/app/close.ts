import { alertRaised, type DetailOf, type resultMismatched, type resultVerified } from '@ballotstream/events';
import type { Config } from '../config';
import { raiseAlert } from '../domain/alerts/alerts';
import { buildBulletinBody, signBulletin } from '../domain/close/bulletin';
import {
  certifyIfReady,
  markMissingAlerted,
  missingResultSignals,
  readCertifications,
  readCloseRollup,
  recordCloseException,
  recordResultCheck,
} from '../domain/close/close-of-poll';
import type { Actor } from '../domain/fleet/audit';
import { resultsNotYetPublic } from '../domain/tally/read-tallies';
import { type Clock, type ElectionKey, type EventPublisher, eventOf, type RecordStore } from '../ports';
import { err, ok } from '../result';

type ResultChecked = DetailOf<typeof resultVerified> | DetailOf<typeof resultMismatched>;

/** A returning officer's reason to leave a machine that did not reconcile out of its constituency. */
export interface CloseExceptionInput {
  /** The configured election when absent. */
  readonly electionId?: string;
  readonly constituencyId: string;
  readonly machineId: string;
  readonly reason: string;
  readonly actor: Actor;
}

/**
 * The close of poll: each machine's checked result kept and its constituency certified once all
 * have reconciled or been excepted, missing records alerted, and what officers and the public read
 * of it. Reads default to the configured election.
 */
export function closeUseCases(
  ports: {
    readonly records: RecordStore;
    readonly clock: Clock;
    readonly publisher: EventPublisher;
    readonly electionKey: ElectionKey;
    readonly electionCaPem?: string;
  },
  config: Pick<Config, 'electionId' | 'monitoring'>,
) {
  const { records, clock } = ports;
  const alerting = { records, clock, alerting: config.monitoring.alerting };
  // Why the public may not read results of this election yet (undefined once polls close).
  const notYetPublic = (electionId: string, now: number) =>
    resultsNotYetPublic(records, electionId, now, false);
  return {
    /** Keeps a machine's checked result; certifies its constituency if that was the last one waited for. */
    async recordResult(detail: ResultChecked) {
      const problems = 'problems' in detail ? detail.problems : [];
      const where = await recordResultCheck(records, { ...detail, problems });
      if (where === undefined) return { recorded: false };
      const certified = await certifyIfReady({ records, clock }, detail.electionId, where.constituencyId);
      return { recorded: true, certified: certified !== undefined };
    },
    /** Records a returning officer's exception; audited; certifies the constituency if it was the last. */
    recordException: ({ electionId, ...input }: CloseExceptionInput) =>
      recordCloseException({ records, clock }, { ...input, electionId: electionId ?? config.electionId }),
    /**
     * After polls close, alerts each machine whose result record has not come. Each new alert is
     * announced before its machine is marked alerted, so a store failing part-way leaves no raised
     * alert unannounced: the publisher is this use case's own port, not the caller's.
     */
    async checkMissing(now: number) {
      const { electionId, monitoring } = config;
      const signals = await missingResultSignals(records, electionId, now, monitoring.closeOfPoll);
      for (const signal of signals) {
        const { alert, isNew } = await raiseAlert(alerting, signal);
        if (isNew) await ports.publisher.publish([eventOf(alertRaised, alert)]);
        await markMissingAlerted(records, electionId, signal);
      }
      return { alerted: signals.length };
    },
    /** Reconciled, disagreeing and missing machines per booth, constituency, region and nation. */
    rollup: (electionId: string | undefined, regionId?: string) =>
      readCloseRollup(records, electionId ?? config.electionId, regionId),
    /** Certified or pending per constituency, with when each was certified. */
    certifications: (electionId: string | undefined, regionId?: string) =>
      readCertifications(records, electionId ?? config.electionId, regionId),
    /** The certifications as the public reads them: refused, with why, while polls are open. */
    async certifiedResults(electionId: string | undefined, regionId?: string) {
      const election = electionId ?? config.electionId;
      const notYet = await notYetPublic(election, clock.now());
      return notYet === undefined ? ok(await readCertifications(records, election, regionId)) : err(notYet);
    },
    /** The public bulletin signed by the election key; refused, with why, while polls are open. */
    async bulletin() {
      const now = clock.now();
      const notYet = await notYetPublic(config.electionId, now);
      if (notYet !== undefined) return err(notYet);
      const body = await buildBulletinBody({ records }, config.electionId, {
        now,
        ...(ports.electionCaPem === undefined ? {} : { caCertificatePem: ports.electionCaPem }),
      });
      return ok(await signBulletin(ports.electionKey, body));
    },
  };
}
