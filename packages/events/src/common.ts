import { z } from 'zod';

/** Identifiers are short, printable and safe to place in a topic or a key. */
export const idSchema = z
  .string()
  .min(1, 'must not be empty')
  .max(64, 'must be at most 64 characters')
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, 'may hold only letters, digits, ".", "_" and "-"');

export const isoTimeSchema = z.iso.datetime({ offset: true });
export const epochMsSchema = z.number().int().nonnegative();
export const base64urlSchema = z
  .string()
  .min(1, 'must not be empty')
  .regex(/^[A-Za-z0-9_-]+$/, 'must be base64url');
