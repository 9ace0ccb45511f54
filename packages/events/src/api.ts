import { z } from 'zod';
import { base64urlSchema, idSchema } from './common';

/** Body of `POST /verifications`: a booth asks to verify the voter holding this ticket. */
export const verificationRequestSchema = z.object({
  ticket: z.string().min(1, 'must not be empty').max(1024, 'must be at most 1024 characters'),
  fingerprint: base64urlSchema.max(8192, 'must be at most 8192 characters'),
  boothId: idSchema,
  machineId: idSchema,
});
export type VerificationRequest = z.infer<typeof verificationRequestSchema>;

/** Query of `GET /tallies`. */
export const talliesQuerySchema = z.object({
  electionId: idSchema.optional(),
  level: z.enum(['constituency', 'region', 'country']).default('constituency'),
  constituencyId: idSchema.optional(),
  regionId: idSchema.optional(),
});
export type TalliesQuery = z.infer<typeof talliesQuerySchema>;
