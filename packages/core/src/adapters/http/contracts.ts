import { z } from 'zod';

/*
 * The bodies of the two external APIs as the clients read and send them. The contracts are
 * docs/voter-registry-api.yaml and docs/biometric-api.yaml; `contracts.test.ts` checks that each
 * schema here names the same fields, required the same way, as the document's.
 */

/** Unpadded base64url, as fingerprint samples travel everywhere in ballotstream. */
const base64urlSchema = z.string().regex(/^[A-Za-z0-9_-]*$/, 'must be unpadded base64url');

/** An error answer of either API: RFC 9457 problem details (`application/problem+json`). */
export const problemSchema = z.object({
  type: z.string(),
  title: z.string(),
  status: z.number().int(),
  detail: z.string().optional(),
  instance: z.string().optional(),
});

/**
 * The problem type (a relative URI reference, as RFC 9457 allows) of the registry's 404 for a
 * voter it does not know. A 404 without it (a wrong base URL, a gateway) is an error, not
 * "unknown voter": otherwise a misconfigured deployment would refuse every voter as unregistered.
 */
export const VOTER_NOT_FOUND = '/problems/voter-not-found';

/** `GET /v1/voters/{voterId}` → 200: a person as the registry knows them (extra fields are dropped). */
export const registeredVoterSchema = z.object({
  voterId: z.string().min(1),
  name: z.string(),
  photoRef: z.string(),
  constituencyId: z.string().min(1),
  boothId: z.string().min(1).optional(),
  eligible: z.boolean(),
});

/** `PUT /v1/enrolments/{voterKey}`: the voter's samples, one per finger. */
export const enrolmentRequestSchema = z.object({
  samples: z.array(base64urlSchema.min(1).max(8192)).min(1).max(10),
});

/** `PUT /v1/enrolments/{voterKey}` → 200: the enrolment now held. */
export const enrolmentSchema = z.object({
  voterKey: z.string().min(1),
  fingers: z.number().int().min(1),
});

/** `POST /v1/enrolments/{voterKey}/match`: one sample from a booth's reader. */
export const matchRequestSchema = z.object({
  sample: base64urlSchema.min(1).max(8192),
});

/** `POST /v1/enrolments/{voterKey}/match` → 200: the verdict, `not-enrolled` when nothing is enrolled. */
export const matchResultSchema = z.object({
  result: z.enum(['match', 'mismatch', 'not-enrolled']),
});
