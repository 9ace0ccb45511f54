import { z } from 'zod';
import { idSchema } from './common';
import { resultRecordSchema } from './results';

/**
 * Where a machine stands at the close of poll: its signed record matched the stored votes
 * (`reconciled`), differed or was badly signed (`disagreeing`), or never came (`missing`).
 */
export const closeStatusSchema = z.enum(['reconciled', 'disagreeing', 'missing']);
export type CloseStatus = z.infer<typeof closeStatusSchema>;

/** Query of `GET /close/rollup` and `GET /close/certification`. */
export const closeQuerySchema = z.object({
  electionId: idSchema.optional(),
  regionId: idSchema.optional(),
});
export type CloseQuery = z.infer<typeof closeQuerySchema>;

/** Body of `POST /close/constituencies/{constituencyId}/exceptions`: the returning officer's reason. */
export const closeExceptionRequestSchema = z.object({
  electionId: idSchema.optional(),
  machineId: idSchema,
  reason: z.string().trim().min(5, 'must say why, in at least 5 characters').max(500),
});
export type CloseExceptionRequest = z.infer<typeof closeExceptionRequestSchema>;

/** One machine as the public bulletin lists it: its key, certificate, status and signed record. */
export const bulletinMachineSchema = z.object({
  machineId: idSchema,
  boothId: idSchema,
  constituencyId: idSchema,
  regionId: idSchema,
  /** Raw Ed25519 public key, base64url: what the machine's record must verify with. */
  publicKey: z.string(),
  /** The machine's certificate (PEM) from the election CA, where the runtime has a CA. */
  certificatePem: z.string().optional(),
  status: closeStatusSchema,
  /** Why the platform did not reconcile it, and the returning officer's exception, if any. */
  problems: z.array(z.string()).default([]),
  exception: z.string().optional(),
  record: resultRecordSchema.optional(),
});
export type BulletinMachine = z.infer<typeof bulletinMachineSchema>;

/** One constituency's published result: the sum of its counted machines' signed records. */
export const bulletinConstituencySchema = z.object({
  constituencyId: idSchema,
  regionId: idSchema,
  counts: z.record(idSchema, z.number().int().nonnegative()),
  voteCount: z.number().int().nonnegative(),
  /** The machines whose records make up `counts` (reconciled ones). */
  countedMachines: z.array(idSchema),
  certifiedAt: z.string().optional(),
});
export type BulletinConstituency = z.infer<typeof bulletinConstituencySchema>;

/** What the election key signs: every machine, every constituency's result and the audit head. */
export const bulletinBodySchema = z.object({
  format: z.literal('ballotstream-bulletin/1'),
  electionId: idSchema,
  generatedAt: z.string(),
  /** The election CA's certificate (PEM) machine certificates chain to, when there is one. */
  caCertificatePem: z.string().optional(),
  machines: z.array(bulletinMachineSchema),
  constituencies: z.array(bulletinConstituencySchema),
  audit: z.object({ entries: z.number().int().nonnegative(), headHash: z.string() }),
});
export type BulletinBody = z.infer<typeof bulletinBodySchema>;

/** The bulletin as published: the body, the election public key (SPKI PEM) and its signature. */
export const bulletinSchema = z.object({
  body: bulletinBodySchema,
  electionKey: z.object({
    /** ECDSA P-256 public key, SPKI PEM (a KMS `ECC_NIST_P256` key in AWS). */
    publicKeyPem: z.string(),
    /** SHA-256 of the DER public key, hex: the fingerprint to compare with the one announced. */
    fingerprint: z.string(),
  }),
  /** ECDSA-SHA256 over the canonical JSON of `body`, DER, base64url. */
  signature: z.string(),
});
export type Bulletin = z.infer<typeof bulletinSchema>;
