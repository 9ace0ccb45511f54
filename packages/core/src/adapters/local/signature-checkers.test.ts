import { generateKeyPairSync, sign } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { rawPublicKey } from '../../domain/crypto/ed25519';
import type { SignatureChecker } from '../../ports/signature-checker';
import { InlineSignatureChecker } from '../shared/inline-signature-checker';
import { WorkerSignatureChecker } from './worker-signature-checker';

const machine = generateKeyPairSync('ed25519');
const other = generateKeyPairSync('ed25519');
const publicKey = rawPublicKey(machine.privateKey);
const signed = (text: string) => {
  const message = Buffer.from(text);
  return { publicKey, message, signature: sign(null, message, machine.privateKey) };
};
const flipped = (bytes: Uint8Array, at: number) => {
  const copy = Buffer.from(bytes);
  copy[at] = copy[at]! ^ 1;
  return copy;
};

describe.each([
  ['inline', () => new InlineSignatureChecker()],
  ['on a worker thread', () => new WorkerSignatureChecker()],
])('the signature checker %s', (_name, make: () => SignatureChecker) => {
  let checker: SignatureChecker | undefined;
  afterEach(async () => {
    await checker?.close();
  });

  it('accepts a machine signature and refuses any altered byte, another key, or a malformed one', async () => {
    checker = make();
    const vote = signed('{"candidateId":"cand-1","voteId":"v-1"}');
    expect(await checker.verify(vote)).toBe(true);
    expect(await checker.verify({ ...vote, message: flipped(vote.message, 5) })).toBe(false);
    expect(await checker.verify({ ...vote, signature: flipped(vote.signature, 40) })).toBe(false);
    expect(await checker.verify({ ...vote, publicKey: rawPublicKey(other.privateKey) })).toBe(false);
    expect(await checker.verify({ ...vote, signature: vote.signature.subarray(0, 63) })).toBe(false);
    expect(await checker.verify({ ...vote, publicKey: 'not-a-key' })).toBe(false);
  });

  it('answers each of many checks asked at once with its own result', async () => {
    checker = make();
    const asked = Array.from({ length: 300 }, (_, i) => {
      const vote = signed(`vote ${i}`);
      return i % 3 === 0 ? { ...vote, message: flipped(vote.message, 0) } : vote;
    });
    const answers = await Promise.all(asked.map((check) => checker!.verify(check)));
    expect(answers).toEqual(asked.map((_, i) => i % 3 !== 0));
  });
});

describe('the worker signature checker', () => {
  it('answers checks already asked when it closes, and refuses new ones', async () => {
    const checker = new WorkerSignatureChecker();
    const asked = checker.verify(signed('asked before closing'));
    await checker.close();
    expect(await asked).toBe(true);
    await expect(checker.verify(signed('late'))).rejects.toThrow(/closed/);
  });
});
