import { z } from 'zod';
import { base64urlSchema, idSchema } from './common';

/** Body of `POST /verifications`: a booth asks to verify the voter holding this ticket. */
export const verificationRequestSchema = z.object({
  ticket: z.string().min(1, 'must not be empty').max(1024, 'must be at most 1024 characters'),
  fingerprint: base64urlSchema.max(8192, 'must be at most 8192 characters'),
  boothId: idSchema,
  machineId: idSchema,
  /**
   * The booth's own random id for this attempt (16-64 base64url characters). A booth that sends
   * one may retry with it after a lost answer and receives the same ballot token, never a second.
   */
  attemptId: z
    .string()
    .min(16, 'must be at least 16 characters')
    .max(64, 'must be at most 64 characters')
    .regex(/^[A-Za-z0-9_-]+$/, 'must be base64url')
    .optional(),
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

/** One fingerprint sample as the issue centre's reader sends it, base64url. */
const fingerprintSampleSchema = base64urlSchema.max(8192, 'must be at most 8192 characters');

/** Body of `POST /tickets`: a clerk issues a voter's ticket after enrolling their fingerprints. */
export const issueTicketRequestSchema = z.object({
  voterId: idSchema,
  fingerprints: z
    .array(fingerprintSampleSchema)
    .min(1, 'must hold at least one sample')
    .max(10, 'must hold at most 10 samples'),
});
export type IssueTicketRequest = z.infer<typeof issueTicketRequestSchema>;

/** Body of `POST /tickets/{ticketId}/reissue`: a lost or damaged card is replaced. */
export const reissueTicketRequestSchema = z.object({
  reason: z.string().min(1, 'must not be empty').max(200, 'must be at most 200 characters'),
  /** New samples to enrol, when the old ones read badly; otherwise the enrolment stays. */
  fingerprints: z
    .array(fingerprintSampleSchema)
    .min(1, 'must hold at least one sample')
    .max(10, 'must hold at most 10 samples')
    .optional(),
});
export type ReissueTicketRequest = z.infer<typeof reissueTicketRequestSchema>;

/** Body of `POST /tickets/{ticketId}/revoke`. */
export const revokeTicketRequestSchema = z.object({
  reason: z.string().min(1, 'must not be empty').max(200, 'must be at most 200 characters'),
});
export type RevokeTicketRequest = z.infer<typeof revokeTicketRequestSchema>;

/** Path of every `/tickets/{ticketId}/...` route. */
export const ticketPathSchema = z.object({ ticketId: idSchema });
