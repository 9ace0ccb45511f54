import { Worker } from 'node:worker_threads';
import { verifyEd25519 } from '../../domain/crypto/ed25519';
import type { SignatureCheck, SignatureChecker } from '../../ports/signature-checker';

// Plain JavaScript, so the worker needs no TypeScript loader. It keeps one key object per raw
// key, as `verifyEd25519` does, and answers each batch with one byte per check.
const WORKER = `
const { parentPort } = require('node:worker_threads');
const { createPublicKey, verify } = require('node:crypto');
const keys = new Map();
function keyOf(raw) {
  let key = keys.get(raw);
  if (key === undefined) {
    key = createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: raw }, format: 'jwk' });
    keys.set(raw, key);
  }
  return key;
}
parentPort.on('message', ({ id, publicKeys, messages, signatures }) => {
  const valid = new Uint8Array(publicKeys.length);
  for (let i = 0; i < publicKeys.length; i++) {
    if (signatures[i].length !== 64) continue;
    try {
      valid[i] = verify(null, messages[i], keyOf(publicKeys[i]), signatures[i]) ? 1 : 0;
    } catch {}
  }
  parentPort.postMessage({ id, valid });
});`;

interface Waiting {
  readonly check: SignatureCheck;
  readonly resolve: (valid: boolean) => void;
}

/**
 * Checks signatures on one worker thread, so the event loop that runs every local handler keeps
 * its core for the rest. Checks asked for in one turn of the event loop (a batch of votes) travel
 * to the worker as one message. If the worker dies, checks run inline: a vote is never refused
 * because the checker failed.
 */
export class WorkerSignatureChecker implements SignatureChecker {
  private worker: Worker | undefined;
  private gathering: Waiting[] = [];
  private scheduled = false;
  private nextId = 0;
  private readonly sent = new Map<number, Waiting[]>();
  private closed = false;

  constructor() {
    const worker = new Worker(WORKER, { eval: true });
    // The checker must not keep a finished process alive.
    worker.unref();
    worker.on('message', ({ id, valid }: { id: number; valid: Uint8Array }) => {
      const batch = this.sent.get(id);
      this.sent.delete(id);
      for (const [i, waiting] of (batch ?? []).entries()) waiting.resolve(valid[i] === 1);
    });
    const fallBack = () => {
      this.worker = undefined;
      for (const batch of this.sent.values()) for (const waiting of batch) this.inline(waiting);
      this.sent.clear();
    };
    worker.on('error', fallBack);
    worker.on('exit', fallBack);
    this.worker = worker;
  }

  verify(check: SignatureCheck): Promise<boolean> {
    if (this.closed) return Promise.reject(new Error('the signature checker is closed'));
    return new Promise((resolve) => {
      this.gathering.push({ check, resolve });
      if (this.scheduled) return;
      this.scheduled = true;
      setImmediate(() => this.send());
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    const worker = this.worker;
    this.worker = undefined;
    // Whatever is still out is answered inline once the worker is gone.
    if (worker !== undefined) await worker.terminate();
  }

  private send(): void {
    this.scheduled = false;
    const batch = this.gathering;
    this.gathering = [];
    const worker = this.worker;
    if (worker === undefined) {
      for (const waiting of batch) this.inline(waiting);
      return;
    }
    const id = this.nextId++;
    this.sent.set(id, batch);
    worker.postMessage({
      id,
      publicKeys: batch.map((w) => w.check.publicKey),
      messages: batch.map((w) => w.check.message),
      signatures: batch.map((w) => w.check.signature),
    });
  }

  private inline({ check, resolve }: Waiting): void {
    resolve(verifyEd25519(check.publicKey, check.message, check.signature));
  }
}
