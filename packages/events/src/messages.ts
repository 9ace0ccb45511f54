import { z } from 'zod';
import { canonicalJson } from './canonical';
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

/**
 * What an IoT topic rule hands its target: the raw payload (base64, so malformed JSON still
 * reaches the handler and is refused with a reason) and what IoT Core knows of the message.
 */
export const topicRuleEventSchema = z.object({
  payload: z.string(),
  topicMachineId: z.string(),
  clientId: z.string(),
  receivedAt: epochMsSchema,
});
export type TopicRuleEvent = z.infer<typeof topicRuleEventSchema>;

/** The largest message payload a handler reads; IoT Core's own limit is 128 KB. */
export const MAX_MESSAGE_BYTES = 8 * 1024;

/** The bytes a machine signs: every field of the vote but the signature, canonically ordered. */
export function voteSigningBytes(vote: SignedVoteFields): Buffer {
  return Buffer.from(canonicalJson(vote));
}

/** One broker health probe: the `n`-th of a probe's messages. */
export const healthProbeSchema = z.object({
  probeId: z.string().regex(/^[A-Za-z0-9_-]{8,64}$/),
  seq: z.number().int().nonnegative().max(99),
  sentAt: z.number().int().nonnegative(),
});
export type HealthProbe = z.infer<typeof healthProbeSchema>;

/** Query of `GET /health/broker`: how many probes to send, and how long to wait for them. */
export const brokerHealthQuerySchema = z.object({
  n: z.coerce.number().int().min(1).max(20).default(5),
  timeoutMs: z.coerce.number().int().min(100).max(10_000).default(3_000),
});
