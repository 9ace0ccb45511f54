import type { CandidateListing, ConstituencyListing, TallyLine } from '@ballotstream/events';
import { type Language, localName, localParty } from '../shared/i18n';

/** One candidate's standing in their constituency. */
export interface CandidateResult {
  readonly candidateId: string;
  readonly name: string;
  readonly party: string;
  readonly votes: number;
  /** Share of the constituency's votes, 0 to 1 (0 before any vote). */
  readonly share: number;
}

/** Where a constituency stands: counting with a leader, tied at the top, no votes yet, or won (certified). */
export type ConstituencyStatus = 'won' | 'leading' | 'tied' | 'no-votes';

/** One constituency's result as officials read it. */
export interface ConstituencyResult {
  readonly constituencyId: string;
  readonly name: string;
  readonly regionId: string;
  readonly totalVotes: number;
  /** Most votes first; equal votes in ballot order. */
  readonly candidates: readonly CandidateResult[];
  readonly leader?: CandidateResult;
  /** The leader's lead over the runner-up, in votes (0 when tied or no votes). */
  readonly margin: number;
  readonly status: ConstituencyStatus;
}

/**
 * Each constituency's candidates with votes and share, its leader and margin, from the running
 * tally lines (`scope` is the constituency) and the registry's candidates; certified ones are won.
 * Names and parties are in the reader's language where the registry has their Hindi form.
 */
export function constituencyResults(
  constituencies: readonly ConstituencyListing[],
  candidatesOf: ReadonlyMap<string, readonly CandidateListing[]>,
  lines: readonly TallyLine[],
  certified: ReadonlySet<string> = new Set(),
  language: Language = 'en',
): ConstituencyResult[] {
  const votes = new Map<string, number>();
  for (const l of lines)
    votes.set(`${l.scope}|${l.candidateId}`, (votes.get(`${l.scope}|${l.candidateId}`) ?? 0) + l.votes);
  return constituencies.map((c) => {
    const listed = [...(candidatesOf.get(c.constituencyId) ?? [])].sort(
      (a, b) => a.ballotOrder - b.ballotOrder,
    );
    const total = listed.reduce((n, k) => n + (votes.get(`${c.constituencyId}|${k.candidateId}`) ?? 0), 0);
    const candidates = listed
      .map((k) => {
        const v = votes.get(`${c.constituencyId}|${k.candidateId}`) ?? 0;
        return {
          candidateId: k.candidateId,
          name: localName(language, k),
          party: localParty(language, k),
          votes: v,
          share: total === 0 ? 0 : v / total,
        };
      })
      .sort((a, b) => b.votes - a.votes);
    const [first, second] = candidates;
    const margin = first === undefined ? 0 : first.votes - (second?.votes ?? 0);
    const status: ConstituencyStatus =
      total === 0 ? 'no-votes' : margin === 0 ? 'tied' : certified.has(c.constituencyId) ? 'won' : 'leading';
    return {
      constituencyId: c.constituencyId,
      name: localName(language, c),
      regionId: c.regionId,
      totalVotes: total,
      candidates,
      ...(status === 'won' || status === 'leading' ? { leader: first! } : {}),
      margin,
      status,
    };
  });
}

/** A party's seats: won (certified) and leading (still counting). */
export interface PartySeats {
  readonly party: string;
  readonly won: number;
  readonly leading: number;
}

/** Seats won and leading per party, most seats first, as results sites summarise them. */
export function partySeats(results: readonly ConstituencyResult[]): PartySeats[] {
  const seats = new Map<string, { won: number; leading: number }>();
  for (const r of results) {
    if (r.leader === undefined) continue;
    const s = seats.get(r.leader.party) ?? { won: 0, leading: 0 };
    if (r.status === 'won') s.won += 1;
    else s.leading += 1;
    seats.set(r.leader.party, s);
  }
  return [...seats.entries()]
    .map(([party, s]) => ({ party, ...s }))
    .sort(
      (a, b) => b.won + b.leading - (a.won + a.leading) || b.won - a.won || a.party.localeCompare(b.party),
    );
}
