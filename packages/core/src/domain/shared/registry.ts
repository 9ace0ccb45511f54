import { z } from 'zod';
import type { RecordStore } from '../../ports/record-store';
import { recordKeys } from './keys';

/** A voting machine as the registry holds it; its public key verifies every vote it signs. */
export const machineRecordSchema = z.object({
  machineId: z.string(),
  boothId: z.string(),
  constituencyId: z.string(),
  regionId: z.string(),
  /** Raw Ed25519 public key, base64url. */
  publicKey: z.string(),
  blocked: z.boolean().default(false),
  blockedAt: z.number().optional(),
});
export type MachineRecord = z.infer<typeof machineRecordSchema>;

/** Reads a machine from the registry, or undefined when none is registered under that id. */
export async function findMachine(
  records: RecordStore,
  machineId: string,
): Promise<MachineRecord | undefined> {
  const record = await records.get('registry', recordKeys.machine(machineId));
  return record === undefined ? undefined : machineRecordSchema.parse(record);
}

export const constituencyRecordSchema = z.object({
  constituencyId: z.string(),
  regionId: z.string(),
  name: z.string(),
});
export type ConstituencyRecord = z.infer<typeof constituencyRecordSchema>;
