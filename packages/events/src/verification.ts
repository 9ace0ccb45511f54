import { z } from 'zod';
import { base64urlSchema, idSchema, isoTimeSchema } from './common';
import { defineEvent } from './define';

const source = 'ballotstream.verification';

/** Why a booth refused a voter; each reason has its own HTTP status. */
export const verificationRefusalSchema = z.enum([
  'malformed',
  'forged',
  'revoked',
  'expired',
  'wrong-election',
  'unknown-voter',
  'biometric-mismatch',
  'already-voted',
  'unknown-machine',
  'machine-blocked',
  'polls-closed',
  /** This region does not write the election's voter statuses now: the booth asks the owner region. */
  'region-not-owner',
]);
export type VerificationRefusal = z.infer<typeof verificationRefusalSchema>;

/** `POST /verification/handover`: the national desk moves the writing of voter statuses to a region. */
export const handOverRequestSchema = z.object({
  to: z.string().trim().min(1).max(32),
  /** Hand over without the owner's word, when the owner region cannot be reached. */
  force: z.boolean().default(false),
  reason: z.string().trim().min(3, 'must say why, in at least 3 characters').max(280),
});
export type HandOverRequest = z.infer<typeof handOverRequestSchema>;

/** Why the issue centre refused to issue, reissue or revoke a ticket. */
export const issueRefusalSchema = z.enum([
  'not-registered',
  'not-eligible',
  'already-issued',
  'unknown-ticket',
  'ticket-revoked',
  'already-voted',
]);
export type IssueRefusal = z.infer<typeof issueRefusalSchema>;

/** What the citizen app shows for a ticket; it says nothing of the voter. */
export const ticketStatusSchema = z.enum(['valid', 'revoked', 'used', 'expired']);
export type TicketStatus = z.infer<typeof ticketStatusSchema>;

export const ticketIssued = defineEvent({
  type: 'ticket.issued',
  source,
  version: 1,
  description: 'An issue centre minted a signed ticket for a voter (the voter appears only as a keyed hash).',
  schema: z.object({
    ticketId: idSchema,
    electionId: idSchema,
    voterKey: base64urlSchema,
    issuedAt: isoTimeSchema,
    expiresAt: isoTimeSchema,
    replaces: idSchema.optional(),
  }),
});

export const ticketRevoked = defineEvent({
  type: 'ticket.revoked',
  source,
  version: 1,
  description: 'A ticket was revoked (lost, reissued or withdrawn) and no booth will accept it again.',
  schema: z.object({
    ticketId: idSchema,
    electionId: idSchema,
    reason: z.string().min(1).max(200),
    revokedAt: isoTimeSchema,
  }),
});

export const voterRejected = defineEvent({
  type: 'voter.rejected',
  source,
  version: 1,
  description: 'A booth refused a verification; the reason says why, the voter is never named.',
  schema: z.object({
    electionId: idSchema.optional(),
    boothId: idSchema.optional(),
    machineId: idSchema.optional(),
    reason: verificationRefusalSchema,
    rejectedAt: isoTimeSchema,
    /**
     * For `already-voted`: a tag of the voter for this election (a hash of the pseudonym), so the
     * same voter refused at many booths can be seen without naming them.
     */
    voterTag: z
      .string()
      .regex(/^[A-Za-z0-9_-]{16,32}$/, 'must be 16 to 32 base64url characters')
      .optional(),
  }),
});
