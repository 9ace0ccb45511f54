import { createHash, timingSafeEqual } from 'node:crypto';
import type { Biometrics } from '../../ports/biometrics';

/** A deterministic stand-in for the cloud biometric API: a sample matches the one enrolled. */
export class SimulatedBiometrics implements Biometrics {
  private readonly templates = new Map<string, Buffer>();

  async enrol(voterKey: string, sample: Uint8Array): Promise<void> {
    this.templates.set(voterKey, digest(sample));
  }

  async match(voterKey: string, sample: Uint8Array): Promise<'match' | 'mismatch' | 'not-enrolled'> {
    const template = this.templates.get(voterKey);
    if (template === undefined) return 'not-enrolled';
    return timingSafeEqual(template, digest(sample)) ? 'match' : 'mismatch';
  }
}

function digest(sample: Uint8Array): Buffer {
  return createHash('sha256').update(sample).digest();
}
