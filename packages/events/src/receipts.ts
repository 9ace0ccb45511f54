import { z } from 'zod';

/** Crockford's base32: no I, L, O or U, so a code read aloud or typed from paper survives. */
export const RECEIPT_ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

/** A receipt is 12 symbols (60 bits), printed in three groups of four: `7K3M-Q0ZD-9TWX`. */
export const RECEIPT_SYMBOLS = 12;

/**
 * Brings a receipt code as a citizen types it to its canonical form: upper case, no spaces or
 * dashes, and the letters Crockford reads as digits (O → 0, I and L → 1) mapped to them.
 */
export function normaliseReceipt(code: string): string {
  return code.toUpperCase().replace(/[\s-]/g, '').replace(/O/g, '0').replace(/[IL]/g, '1');
}

/** Formats a canonical receipt in the groups the booth prints. */
export function formatReceipt(code: string): string {
  return code.match(/.{1,4}/g)?.join('-') ?? code;
}

/** A receipt code as the citizen app sends it; the schema normalises it before checking. */
export const receiptCodeSchema = z
  .string()
  .max(32, 'must be at most 32 characters')
  .transform(normaliseReceipt)
  .pipe(
    z
      .string()
      .length(RECEIPT_SYMBOLS, `must be ${RECEIPT_SYMBOLS} symbols`)
      .regex(/^[0-9A-HJKMNP-TV-Z]+$/, 'may hold only the receipt alphabet'),
  );

/** Path parameters of `GET /receipts/{code}`. */
export const receiptParamsSchema = z.object({ code: receiptCodeSchema });

/** Answer of `GET /receipts/{code}`: recorded or not, and nothing about the vote itself. */
export const receiptAnswerSchema = z.object({ receipt: z.string(), recorded: z.boolean() });
export type ReceiptAnswer = z.infer<typeof receiptAnswerSchema>;
