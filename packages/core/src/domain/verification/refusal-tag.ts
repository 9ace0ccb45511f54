import { createHash } from 'node:crypto';

/**
 * Tags a voter's refusals within one election: a hash of the pseudonym the ticket already
 * carries, different from it, so refusals of one voter at many booths can be connected without
 * naming the voter or repeating the ticket's own pseudonym.
 */
export function refusalTagOf(electionId: string, voterKey: string): string {
  return createHash('sha256')
    .update(`refusal-tag\u0000${electionId}\u0000${voterKey}`)
    .digest('base64url')
    .slice(0, 22);
}
