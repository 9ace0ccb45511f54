import { z } from 'zod';
import { recordKeys } from '../../domain/shared/keys';
import type { RecordStore } from '../../ports/record-store';
import type { RegisteredVoter, VoterRegistry } from '../../ports/voter-registry';

const registeredVoterSchema = z.object({
  voterId: z.string(),
  name: z.string(),
  photoRef: z.string(),
  constituencyId: z.string(),
  boothId: z.string().optional(),
  eligible: z.boolean(),
});

/** The local stand-in of the national voter registry: people seeded into the record store. */
export class SeededVoterRegistry implements VoterRegistry {
  constructor(private readonly records: RecordStore) {}

  async find(voterId: string): Promise<RegisteredVoter | undefined> {
    const record = await this.records.get('registry', recordKeys.registeredVoter(voterId));
    if (record === undefined) return undefined;
    const parsed = registeredVoterSchema.safeParse(record);
    return parsed.success ? parsed.data : undefined;
  }

  /** Adds or replaces people in the registry (the demo seed and tests). */
  async register(voters: readonly RegisteredVoter[]): Promise<void> {
    for (const voter of voters) {
      await this.records.put('registry', { ...recordKeys.registeredVoter(voter.voterId), ...voter });
    }
  }
}
