import { createHash } from 'node:crypto';

/** Encodes bytes as unpadded base64url, the alphabet of tickets and tokens. */
export function toBase64url(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('base64url');
}

/** Decodes unpadded base64url, or undefined when the text is not canonical base64url. */
export function fromBase64url(text: string): Buffer | undefined {
  if (!/^[A-Za-z0-9_-]*$/.test(text)) return undefined;
  const bytes = Buffer.from(text, 'base64url');
  // Non-canonical encodings (stray trailing bits) would let two strings mean one ticket.
  return bytes.toString('base64url') === text ? bytes : undefined;
}

/** SHA-256 of a text, base64url; tokens are stored only this way. */
export function sha256(text: string): string {
  return createHash('sha256').update(text).digest('base64url');
}

export { canonicalJson } from '@ballotstream/events';
