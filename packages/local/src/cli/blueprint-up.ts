import {
  type Blueprint,
  blueprintDataOrder,
  blueprintElection,
  createEntity,
  freezeOf,
  type ImportDeps,
  type ImportEntity,
  lateBoothCloses,
  type RegistryActor,
  registryName,
  updateEntity,
} from '@ballotstream/core';
import { importCsvFile } from '../registry/import-file';
import { ProgressBar } from './progress';

const entityOfData: Readonly<Record<(typeof blueprintDataOrder)[number], ImportEntity>> = {
  regions: 'region',
  constituencies: 'constituency',
  candidates: 'candidate',
  booths: 'booth',
  machines: 'machine',
  officers: 'officer',
  voters: 'voter',
};

/**
 * Imports a blueprint's data files in reference order through the running runtime, then registers
 * its election, so every change is audited and its events reach the runtime's bus. The election
 * comes last: candidates and booths freeze once its polls open, and a mock poll opens at once.
 * A file with a bad row stops the start-up, naming each row; nothing of that file is written.
 */
export async function applyBlueprint(
  deps: ImportDeps,
  blueprint: Blueprint,
  out: NodeJS.WritableStream,
): Promise<void> {
  const actor = { subject: `blueprint:${blueprint.stage}`, role: 'admin' } as const;
  for (const key of blueprintDataOrder) {
    const path = blueprint.data[key];
    if (path === undefined) continue;
    const entity = entityOfData[key];
    // A restart on poll day keeps the frozen registry as it is rather than refusing to start.
    const frozen = entity === 'voter' ? undefined : await freezeOf(deps, entity);
    if (frozen !== undefined) {
      out.write(`  ${key.padEnd(11)} not imported: ${frozen.message}\n`);
      continue;
    }
    const bar = new ProgressBar(`  import ${key}`);
    const problems: string[] = [];
    const report = await importCsvFile(deps, path, {
      entity,
      actor: registryName(actor),
      onProgress: ({ phase, bytes, size, rows }) => bar.update(bytes, size, rows, phase),
      onProblem: (p) => problems.push(`${path}:${p.line}: ${p.field}: ${p.message}`),
    });
    bar.done();
    if (problems.length > 0) throw new Error(`${key} not imported:\n${problems.join('\n')}`);
    out.write(`  ${key.padEnd(11)} ${report.rows} rows (${report.created} new, ${report.updated} updated)\n`);
    if (entity === 'booth') await markLateBooths(deps, blueprint, actor);
  }
  await registerElection(deps, blueprint, actor, out);
}

/** Registers the blueprint's election, or brings a registered one up to the blueprint. */
async function registerElection(
  deps: ImportDeps,
  blueprint: Blueprint,
  actor: RegistryActor,
  out: NodeJS.WritableStream,
): Promise<void> {
  const election = blueprintElection(blueprint);
  const created = await createEntity(deps, { entity: 'election', body: election, actor });
  if (!created.ok && created.error.reason === 'already-exists') {
    const { electionId: _id, ...patch } = election;
    const updated = await updateEntity(deps, { entity: 'election', id: blueprint.electionId, patch, actor });
    if (!updated.ok)
      throw new Error(`cannot update election ${blueprint.electionId}: ${JSON.stringify(updated.error)}`);
  } else if (!created.ok) {
    throw new Error(`cannot register election ${blueprint.electionId}: ${JSON.stringify(created.error)}`);
  }
  out.write(`  election    ${blueprint.name} (${election.opensAt} – ${election.closesAt})\n`);
}

/** Gives each of the blueprint's late-closing booths its own closing time, audited like an edit. */
async function markLateBooths(deps: ImportDeps, blueprint: Blueprint, actor: RegistryActor): Promise<void> {
  for (const [boothId, closesAt] of Object.entries(lateBoothCloses(blueprint))) {
    const updated = await updateEntity(deps, { entity: 'booth', id: boothId, patch: { closesAt }, actor });
    if (!updated.ok)
      throw new Error(`cannot mark booth ${boothId} as closing late: ${JSON.stringify(updated.error)}`);
  }
}
