import { describe, expect, it } from 'vitest';
import { constituencyResults, partySeats } from './results';

const constituencies = [
  { constituencyId: 'c-1', name: 'Alpha', regionId: 'r-1' },
  { constituencyId: 'c-2', name: 'Beta', regionId: 'r-1' },
  { constituencyId: 'c-3', name: 'Gamma', regionId: 'r-2' },
];
const candidate = (id: string, party: string, ballotOrder: number) => ({
  candidateId: id,
  name: `Name of ${id}`,
  party,
  ballotOrder,
});
const candidatesOf = new Map([
  ['c-1', [candidate('k-1', 'Red', 1), candidate('k-2', 'Blue', 2), candidate('k-3', 'Green', 3)]],
  ['c-2', [candidate('k-4', 'Red', 1), candidate('k-5', 'Blue', 2)]],
  ['c-3', [candidate('k-6', 'Blue', 1), candidate('k-7', 'Red', 2)]],
]);

describe('results as officials read them', () => {
  const lines = [
    { scope: 'c-1', candidateId: 'k-2', votes: 50 },
    { scope: 'c-1', candidateId: 'k-1', votes: 30 },
    { scope: 'c-1', candidateId: 'k-3', votes: 20 },
    { scope: 'c-2', candidateId: 'k-4', votes: 10 },
    { scope: 'c-2', candidateId: 'k-5', votes: 10 },
  ];

  it('names each candidate with votes and share, the leader and the margin over the runner-up', () => {
    const [alpha] = constituencyResults(constituencies, candidatesOf, lines);
    expect(alpha!.candidates.map((c) => [c.name, c.party, c.votes, c.share])).toEqual([
      ['Name of k-2', 'Blue', 50, 0.5],
      ['Name of k-1', 'Red', 30, 0.3],
      ['Name of k-3', 'Green', 20, 0.2],
    ]);
    expect(alpha).toMatchObject({
      totalVotes: 100,
      margin: 20,
      status: 'leading',
      leader: { party: 'Blue' },
    });
  });

  it('names no leader when the top two are tied or nobody has voted', () => {
    const [, beta, gamma] = constituencyResults(constituencies, candidatesOf, lines);
    expect(beta).toMatchObject({ status: 'tied', margin: 0 });
    expect(beta!.leader).toBeUndefined();
    expect(gamma).toMatchObject({ status: 'no-votes', totalVotes: 0 });
  });

  it('counts a certified constituency as won and the others as leading, per party', () => {
    const more = [...lines, { scope: 'c-3', candidateId: 'k-6', votes: 5 }];
    const results = constituencyResults(constituencies, candidatesOf, more, new Set(['c-3']));
    expect(partySeats(results)).toEqual([{ party: 'Blue', won: 1, leading: 1 }]);
  });
});
