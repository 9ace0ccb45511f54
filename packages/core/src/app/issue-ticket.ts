import { type DetailOf, ticketIssued } from '@ballotstream/events';
import type { Config } from '../config';
import {
  type IssueCentreDeps,
  type IssuedTicket,
  type IssueTicketInput,
  issueTicket,
} from '../domain/verification/issue-ticket';
import {
  type Biometrics,
  type Clock,
  eventOf,
  type RecordStore,
  type TicketKeys,
  type VoterPseudonyms,
  type VoterRegistry,
} from '../ports';
import { type Outcome, outcome } from './outcome';

/** The issue centre's ports, as the domain names them. */
export function issueCentreDepsOf(
  ports: {
    readonly ticketKeys: TicketKeys;
    readonly pseudonyms: VoterPseudonyms;
    readonly voterRegistry: VoterRegistry;
    readonly biometrics: Biometrics;
    readonly records: RecordStore;
    readonly clock: Clock;
  },
  config: Pick<Config, 'electionId' | 'ticketTtlMs'>,
): IssueCentreDeps {
  return {
    keys: ports.ticketKeys,
    pseudonyms: ports.pseudonyms,
    registry: ports.voterRegistry,
    biometrics: ports.biometrics,
    records: ports.records,
    clock: ports.clock,
    electionId: config.electionId,
    ticketTtlMs: config.ticketTtlMs,
  };
}

/** The detail of `ticket.issued` for a freshly minted ticket. */
export function issuedDetail(issued: IssuedTicket): DetailOf<typeof ticketIssued> {
  return {
    ticketId: issued.ticketId,
    electionId: issued.electionId,
    voterKey: issued.voterKey,
    issuedAt: new Date(issued.issuedAt).toISOString(),
    expiresAt: new Date(issued.expiresAt).toISOString(),
    ...(issued.replaces === undefined ? {} : { replaces: issued.replaces }),
  };
}

/** A clerk issues a registered voter's ticket and enrols their fingerprints; `ticket.issued` follows. */
export function issueTicketUseCase(deps: IssueCentreDeps) {
  return async (input: IssueTicketInput): Promise<Outcome<Awaited<ReturnType<typeof issueTicket>>>> => {
    const result = await issueTicket(deps, input);
    return outcome(result, result.ok ? [eventOf(ticketIssued, issuedDetail(result.value))] : []);
  };
}
