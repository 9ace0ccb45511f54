import { z } from 'zod';
import { base64urlSchema, epochMsSchema, idSchema } from './common';

/** The part of a vote message the machine signs; it holds no voter, and time only to the bucket. */
export const signedVoteFieldsSchema = z.object({
  voteId: idSchema,
  electionId: idSchema,
  constituencyId: idSchema,
  boothId: idSchema,
  machineId: idSchema,
  candidateId: idSchema,
  bucketStart: epochMsSchema,
  ballotToken: base64urlSchema.max(128, 'must be at most 128 characters'),
  receipt: z.string().min(1).max(64).optional(),
});
export type SignedVoteFields = z.infer<typeof signedVoteFieldsSchema>;

/** A vote as the booth gateway publishes it on `ballotstream/<stage>/machines/<machineId>/votes`. */
export const voteMessageSchema = signedVoteFieldsSchema.extend({
  signature: base64urlSchema.max(256, 'must be at most 256 characters'),
});
export type VoteMessage = z.infer<typeof voteMessageSchema>;

/** What a topic rule adds to the payload, as IoT Core's `topic(n)`, `clientid()` and `timestamp()` would. */
export const ruleContextSchema = z.object({
  topicMachineId: z.string(),
  clientId: z.string(),
  receivedAt: epochMsSchema,
});

/** The event an IoT rule hands to the vote ingest handler. */
export const voteRuleEventSchema = z.object({
  payload: z.unknown(),
  context: ruleContextSchema,
});
