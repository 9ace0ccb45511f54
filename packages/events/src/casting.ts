import { z } from 'zod';
import { epochMsSchema, idSchema, isoTimeSchema } from './common';
import { defineEvent } from './define';

const source = 'ballotstream.casting';

/** Why ingest refused a vote message. */
export const voteRefusalSchema = z.enum([
  'malformed',
  'no-token',
  'unknown-token',
  'token-reused',
  'token-expired',
  'token-other-machine',
  'bad-signature',
  'unknown-machine',
  'machine-blocked',
  'topic-mismatch',
  'outside-poll-hours',
  'future-bucket',
  'off-ballot',
]);
export type VoteRefusal = z.infer<typeof voteRefusalSchema>;

/** A vote as the cloud keeps it: no voter, ticket or token, and time only to the secrecy bucket. */
export const acceptedVoteSchema = z.object({
  voteId: idSchema,
  electionId: idSchema,
  constituencyId: idSchema,
  boothId: idSchema,
  machineId: idSchema,
  candidateId: idSchema,
  bucketStart: epochMsSchema,
  receipt: z.string().min(1).max(64).optional(),
});
export type AcceptedVote = z.infer<typeof acceptedVoteSchema>;

export const voteAccepted = defineEvent({
  type: 'vote.accepted',
  source,
  version: 1,
  description: 'Ingest accepted a signed vote once; each region records it in its own vote store.',
  schema: acceptedVoteSchema,
});

export const voteRejected = defineEvent({
  type: 'vote.rejected',
  source,
  version: 1,
  description: 'Ingest refused a vote message; the reason says why and the vote is never counted.',
  schema: z.object({
    machineId: z.string().max(200).optional(),
    voteId: z.string().max(200).optional(),
    reason: voteRefusalSchema,
    detail: z.string().max(500),
    rejectedAt: isoTimeSchema,
  }),
});
