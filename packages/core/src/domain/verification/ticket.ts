import { z } from 'zod';
import type { TicketKeys } from '../../ports/ticket-keys';
import { err, ok, type Result } from '../../result';
import { fromBase64url, toBase64url } from '../crypto/encoding';

const PREFIX = 'BT1';

/** What a ticket says; the voter appears only as a keyed hash. */
export const ticketClaimsSchema = z.object({
  ticketId: z.string().min(1).max(64),
  electionId: z.string().min(1).max(64),
  voterKey: z.string().min(1).max(64),
  issuedAt: z.number().int().nonnegative(),
  expiresAt: z.number().int().nonnegative(),
});
export type TicketClaims = z.infer<typeof ticketClaimsSchema>;

// Short field names keep the ticket small enough for a QR code.
const wireSchema = z.strictObject({
  t: z.string(),
  e: z.string(),
  v: z.string(),
  i: z.number(),
  x: z.number(),
});

/** Signs claims into a compact ticket: `BT1.<keyId>.<claims>.<signature>`, all base64url. */
export async function mintTicket(keys: TicketKeys, claims: TicketClaims): Promise<string> {
  const wire = {
    t: claims.ticketId,
    e: claims.electionId,
    v: claims.voterKey,
    i: claims.issuedAt,
    x: claims.expiresAt,
  };
  const body = toBase64url(Buffer.from(JSON.stringify(wire)));
  const { keyId, signature } = await keys.sign(signedBytes(keys.currentKeyId, body));
  return `${PREFIX}.${keyId}.${body}.${toBase64url(signature)}`;
}

/** Checks a ticket's form and signature offline; any altered bit makes it `forged`. */
export function readTicket(keys: TicketKeys, ticket: string): Result<TicketClaims, 'malformed' | 'forged'> {
  const parts = ticket.split('.');
  if (parts.length !== 4 || parts[0] !== PREFIX) return err('malformed');
  const [, keyId, body, signatureText] = parts as [string, string, string, string];
  const signature = fromBase64url(signatureText);
  const bodyBytes = fromBase64url(body);
  if (signature === undefined || bodyBytes === undefined || keyId === '') return err('forged');
  if (!keys.verify(keyId, signedBytes(keyId, body), signature)) return err('forged');
  let wire: unknown;
  try {
    wire = JSON.parse(bodyBytes.toString('utf8'));
  } catch {
    return err('forged');
  }
  const parsed = wireSchema.safeParse(wire);
  if (!parsed.success) return err('forged');
  const { t, e, v, i, x } = parsed.data;
  return ok({ ticketId: t, electionId: e, voterKey: v, issuedAt: i, expiresAt: x });
}

// The key id is signed too, so a ticket cannot be re-labelled to another key.
function signedBytes(keyId: string, body: string): Buffer {
  return Buffer.from(`${PREFIX}.${keyId}.${body}`);
}
