import { type IssueRefusal, type TicketStatus, ticketRevoked } from '@ballotstream/events';
import type { Config } from '../config';
import { revokeTicket, ticketStatus } from '../domain/verification/issue-ticket';
import { type Clock, eventOf, type RecordStore, type TicketKeys } from '../ports';
import { ok, type Result } from '../result';
import { type Outcome, outcome } from './outcome';

/** A ticket withdrawn: no booth accepts it afterwards. */
export interface RevokedAnswer {
  readonly ticketId: string;
  readonly status: 'revoked';
  readonly revokedAt: string;
}

/** What a ticket holder and a booth may ask of tickets besides issuing them, for the configured election. */
export function ticketUseCases(
  ports: { readonly records: RecordStore; readonly clock: Clock; readonly ticketKeys: TicketKeys },
  config: Pick<Config, 'electionId'>,
) {
  const deps = { records: ports.records, clock: ports.clock, electionId: config.electionId };
  return {
    /** Withdraws a live ticket; `ticket.revoked` follows. */
    async revoke(ticketId: string, reason: string): Promise<Outcome<Result<RevokedAnswer, IssueRefusal>>> {
      const result = await revokeTicket(deps, { ticketId, reason });
      if (!result.ok) return outcome(result);
      const revokedAt = new Date(result.value.revokedAt).toISOString();
      const revoked = { ticketId, electionId: result.value.electionId, reason, revokedAt };
      const answer: RevokedAnswer = { ticketId, status: 'revoked', revokedAt };
      return outcome(ok(answer), [eventOf(ticketRevoked, revoked)]);
    },
    /** Valid, revoked, used or expired: what the citizen app may know of a ticket, nothing of the voter. */
    status: (ticketId: string): Promise<Result<TicketStatus, 'unknown-ticket'>> =>
      ticketStatus(deps, ticketId),
    /** The public keys tickets are signed with, for booths that verify offline. */
    keys() {
      // Read on each call: a rotation takes effect without a new app.
      return { currentKeyId: ports.ticketKeys.currentKeyId, keys: ports.ticketKeys.publicKeys() };
    },
  };
}
