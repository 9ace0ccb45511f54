import { alertRaised } from '@ballotstream/events';
import type { Config } from '../config';
import { raiseAlert } from '../domain/alerts/alerts';
import { verificationConflict } from '../domain/verification/ownership';
import { type Clock, type EventPublisher, eventOf, type RecordStore, type StoredRecord } from '../ports';

/** One change of the voters table as a region's replica stream saw it. */
export interface VoterRecordChange {
  /** The region whose replica's stream delivered the change. */
  readonly region: string;
  readonly before: StoredRecord | undefined;
  readonly after: StoredRecord | undefined;
}

/**
 * Reads replica changes of the voters table: a voter's vote replaced by another region's vote for
 * the same voter (global tables keep the last writer) is a double the fence should have
 * prevented, so the national desk gets a critical alert naming both writers. Each new alert is
 * announced as soon as it is raised, before the next change is read: a batch that fails half-way
 * is retried, and a retry counts up an alert it already raised rather than announcing it, so the
 * publisher is this use case's own port, not the caller's.
 */
export function verificationConflictsUseCase(
  ports: { readonly records: RecordStore; readonly clock: Clock; readonly publisher: EventPublisher },
  config: Pick<Config, 'monitoring'>,
) {
  const { records, clock, publisher } = ports;
  const deps = { records, clock, alerting: config.monitoring.alerting };
  return async (changes: readonly VoterRecordChange[]): Promise<{ readonly raised: number }> => {
    let raised = 0;
    for (const change of changes) {
      const conflict = verificationConflict(change.before, change.after);
      if (conflict === undefined) continue;
      const { alert, isNew } = await raiseAlert(deps, {
        kind: 'verification-conflict',
        severity: 'critical',
        subject: {},
        evidence: { voterRecord: conflict.voterRecord, writers: conflict.writers, seenIn: change.region },
        at: clock.now(),
      });
      if (!isNew) continue;
      await publisher.publish([eventOf(alertRaised, alert)]);
      raised += 1;
    }
    return { raised };
  };
}
