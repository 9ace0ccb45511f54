import { generateKeyPairSync } from 'node:crypto';
import { formatReceipt, normaliseReceipt, RECEIPT_SYMBOLS, receiptCodeSchema } from '@ballotstream/events';
import { describe, expect, it } from 'vitest';
import { receiptCode, receiptKeyOf } from './receipt';

const keyA = receiptKeyOf(generateKeyPairSync('ed25519').privateKey);
const keyB = receiptKeyOf(generateKeyPairSync('ed25519').privateKey);

describe('vote receipts', () => {
  it('are twelve symbols of the Crockford alphabet, the same for the same vote on the same machine', () => {
    const code = receiptCode(keyA, 'vote-1');
    expect(code).toHaveLength(RECEIPT_SYMBOLS);
    expect(code).toMatch(/^[0-9A-HJKMNP-TV-Z]{12}$/);
    expect(receiptCode(keyA, 'vote-1')).toBe(code);
  });

  it('differ between votes and between machines', () => {
    const codes = new Set(Array.from({ length: 2000 }, (_, i) => receiptCode(keyA, `vote-${i}`)));
    expect(codes.size).toBe(2000);
    expect(receiptCode(keyB, 'vote-1')).not.toBe(receiptCode(keyA, 'vote-1'));
  });

  it('read back from paper however the citizen types them', () => {
    const code = receiptCode(keyA, 'vote-7');
    const typed = ` ${formatReceipt(code).toLowerCase()} `;
    expect(receiptCodeSchema.parse(typed)).toBe(code);
    expect(normaliseReceipt('o1l-I')).toBe('0111');
  });

  it('refuses a code of the wrong length or alphabet, naming what is wrong', () => {
    const short = receiptCodeSchema.safeParse('ABCD-EFGH');
    expect(short.success).toBe(false);
    expect(short.error?.issues[0]?.message).toBe('must be 12 symbols');
    const foreign = receiptCodeSchema.safeParse('ABCD-EFGH-#$%!');
    expect(foreign.error?.issues[0]?.message).toBe('may hold only the receipt alphabet');
  });
});
