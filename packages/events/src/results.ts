import { z } from 'zod';
import { canonicalJson } from './canonical';
import { base64urlSchema, epochMsSchema, idSchema, isoTimeSchema } from './common';
import { defineEvent } from './define';

const source = 'ballotstream.casting';

/**
 * What a machine signs at poll close: how many votes it cast for whom, over which buckets, and a
 * digest of its vote ids, so the cloud can check the record against what it stored.
 */
export const signedResultFieldsSchema = z.object({
  electionId: idSchema,
  machineId: idSchema,
  boothId: idSchema,
  constituencyId: idSchema,
  counts: z.record(idSchema, z.number().int().nonnegative()),
  voteCount: z.number().int().nonnegative(),
  firstBucket: epochMsSchema.nullable(),
  lastBucket: epochMsSchema.nullable(),
  /** Hex SHA-256 of the machine's vote ids, sorted, one per line (`voteIdsDigestInput`). */
  voteIdsHash: z.string().regex(/^[0-9a-f]{64}$/, 'must be a hex SHA-256'),
  closedAt: epochMsSchema,
});
export type SignedResultFields = z.infer<typeof signedResultFieldsSchema>;

/** A machine's signed result record, as published on `machines/<machineId>/results` and kept as a file. */
export const resultRecordSchema = signedResultFieldsSchema.extend({
  signature: base64urlSchema.max(256, 'must be at most 256 characters'),
});
export type ResultRecord = z.infer<typeof resultRecordSchema>;

/** The bytes a machine signs for its result record: every field but the signature, canonically ordered. */
export function resultSigningBytes(fields: SignedResultFields): Buffer {
  return Buffer.from(canonicalJson(fields));
}

/** The text whose SHA-256 is a result record's `voteIdsHash`: vote ids sorted, one per line. */
export function voteIdsDigestInput(voteIds: Iterable<string>): string {
  return [...voteIds].sort().join('\n');
}

const resultCheck = {
  electionId: idSchema,
  machineId: idSchema,
  voteCount: z.number().int().nonnegative(),
  storedVotes: z.number().int().nonnegative(),
  checkedAt: isoTimeSchema,
  /** The record that was checked, as the machine sent it, for the close-of-poll roll-up and bulletin. */
  record: resultRecordSchema.optional(),
};

export const resultVerified = defineEvent({
  type: 'result.verified',
  source,
  version: 1,
  description: "A machine's signed result record matches every vote the cloud stored for it.",
  schema: z.object(resultCheck),
});

export const resultMismatched = defineEvent({
  type: 'result.mismatched',
  source,
  version: 1,
  description: "A machine's result record is badly signed or differs from the votes stored for it.",
  schema: z.object({
    ...resultCheck,
    problems: z.array(z.string().max(300)).max(20),
  }),
});
