import { createHash, timingSafeEqual } from 'node:crypto';
import { recordKeys } from '../../domain/shared/keys';
import type { BiometricMatch, Biometrics } from '../../ports/biometrics';
import type { RecordStore } from '../../ports/record-store';

/**
 * A deterministic stand-in for the cloud biometric API: a sample matches when it is byte for
 * byte one of the samples enrolled, and mismatches otherwise. Templates are digests kept in the
 * record store (so enrolments survive a restart), or in memory when no store is given.
 */
export class SimulatedBiometrics implements Biometrics {
  private readonly memory = new Map<string, readonly string[]>();

  constructor(private readonly records?: RecordStore) {}

  async enrol(voterKey: string, samples: Uint8Array | readonly Uint8Array[]): Promise<void> {
    const list = samples instanceof Uint8Array ? [samples] : samples;
    if (list.length === 0) throw new RangeError('enrol needs at least one sample');
    const templates = list.map(digest);
    if (this.records === undefined) {
      this.memory.set(voterKey, templates);
      return;
    }
    await this.records.put('voters', { ...recordKeys.voterFingerprints(voterKey), templates });
  }

  async match(voterKey: string, sample: Uint8Array): Promise<BiometricMatch> {
    const templates = await this.templatesOf(voterKey);
    if (templates === undefined) return 'not-enrolled';
    const probe = Buffer.from(digest(sample), 'base64url');
    // Compare against every finger, in constant time each, so timing says nothing of which one.
    let matched = false;
    for (const template of templates) {
      if (timingSafeEqual(Buffer.from(template, 'base64url'), probe)) matched = true;
    }
    return matched ? 'match' : 'mismatch';
  }

  private async templatesOf(voterKey: string): Promise<readonly string[] | undefined> {
    if (this.records === undefined) return this.memory.get(voterKey);
    const record = await this.records.get('voters', recordKeys.voterFingerprints(voterKey));
    const templates = record?.templates;
    return Array.isArray(templates) && templates.every((t) => typeof t === 'string') ? templates : undefined;
  }
}

function digest(sample: Uint8Array): string {
  return createHash('sha256').update(sample).digest('base64url');
}
