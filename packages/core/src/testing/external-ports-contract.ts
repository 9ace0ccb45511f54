import { describe, expect, it } from 'vitest';
import type { Biometrics } from '../ports/biometrics';
import type { RegisteredVoter, VoterRegistry } from '../ports/voter-registry';

const bytes = (text: string) => new TextEncoder().encode(text);

/** A registry to test, and a way to put people in it (the seed, or the stand-in server). */
export interface RegistryUnderTest {
  readonly registry: VoterRegistry;
  register(voters: readonly RegisteredVoter[]): Promise<void> | void;
}

/** The behaviour every voter registry adapter must show; run against each adapter that runs here. */
export function voterRegistryContract(name: string, make: () => Promise<RegistryUnderTest>): void {
  describe(`voter registry contract: ${name}`, () => {
    const unique = () => `IN-${Math.random().toString(36).slice(2, 10)}`;

    it('finds a registered voter as registered', async () => {
      const { registry, register } = await make();
      const voter = {
        voterId: unique(),
        name: 'Asha Rao',
        photoRef: 'photos/1.jpg',
        constituencyId: 'c-1',
        boothId: 'b-7',
        eligible: true,
      };
      await register([voter]);
      expect(await registry.find(voter.voterId)).toEqual(voter);
    });

    it('answers undefined for someone it does not know', async () => {
      const { registry } = await make();
      expect(await registry.find(unique())).toBeUndefined();
    });

    it('leaves out the booth when the registry names none, and keeps an ineligible voter findable', async () => {
      const { registry, register } = await make();
      const voter = { voterId: unique(), name: 'B', photoRef: 'p', constituencyId: 'c-2', eligible: false };
      await register([voter]);
      const found = await registry.find(voter.voterId);
      expect(found).toEqual(voter);
      expect(found).not.toHaveProperty('boothId');
    });
  });
}

/** The behaviour every biometrics adapter must show; run against each adapter that runs here. */
export function biometricsContract(name: string, make: () => Promise<Biometrics>): void {
  describe(`biometrics contract: ${name}`, () => {
    const unique = () => `vk-${Math.random().toString(36).slice(2, 10)}`;

    it('matches a sample equal to one enrolled finger, and no other', async () => {
      const biometrics = await make();
      const voter = unique();
      await biometrics.enrol(voter, [bytes('left'), bytes('right')]);
      expect(await biometrics.match(voter, bytes('left'))).toBe('match');
      expect(await biometrics.match(voter, bytes('right'))).toBe('match');
      expect(await biometrics.match(voter, bytes('nose'))).toBe('mismatch');
    });

    it('says not-enrolled for a voter with no enrolment', async () => {
      const biometrics = await make();
      expect(await biometrics.match(unique(), bytes('left'))).toBe('not-enrolled');
    });

    it('replaces an enrolment, and takes one sample as one finger', async () => {
      const biometrics = await make();
      const voter = unique();
      await biometrics.enrol(voter, [bytes('old')]);
      await biometrics.enrol(voter, bytes('new'));
      expect(await biometrics.match(voter, bytes('old'))).toBe('mismatch');
      expect(await biometrics.match(voter, bytes('new'))).toBe('match');
    });

    it('keeps voters apart', async () => {
      const biometrics = await make();
      const a = unique();
      const b = unique();
      await biometrics.enrol(a, bytes('a-thumb'));
      await biometrics.enrol(b, bytes('b-thumb'));
      expect(await biometrics.match(a, bytes('b-thumb'))).toBe('mismatch');
    });

    it('refuses to enrol no samples', async () => {
      const biometrics = await make();
      await expect(biometrics.enrol(unique(), [])).rejects.toThrow(RangeError);
    });
  });
}
