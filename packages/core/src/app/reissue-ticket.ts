import { ticketIssued, ticketRevoked } from '@ballotstream/events';
import {
  type IssueCentreDeps,
  type ReissueTicketInput,
  reissueTicket,
} from '../domain/verification/issue-ticket';
import { eventOf } from '../ports';
import { issuedDetail } from './issue-ticket';
import { type Outcome, outcome } from './outcome';

/** Replaces a lost card: the old ticket is revoked, then the new one issued; both are announced. */
export function reissueTicketUseCase(deps: IssueCentreDeps) {
  return async (input: ReissueTicketInput): Promise<Outcome<Awaited<ReturnType<typeof reissueTicket>>>> => {
    const result = await reissueTicket(deps, input);
    if (!result.ok) return outcome(result);
    const issued = result.value;
    const revokedAt = new Date(issued.issuedAt).toISOString();
    const revoked = {
      ticketId: input.ticketId,
      electionId: issued.electionId,
      reason: `reissued: ${input.reason}`,
      revokedAt,
    };
    return outcome(result, [eventOf(ticketRevoked, revoked), eventOf(ticketIssued, issuedDetail(issued))]);
  };
}
