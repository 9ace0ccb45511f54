import { registryChangeEvents } from '@ballotstream/events';
import type { Config } from '../config';
import type { Actor } from '../domain/fleet/audit';
import {
  changeDetail,
  createEntity,
  findEntities,
  getEntity,
  type RegistryActor,
  type RegistryDeps,
  updateEntity,
} from '../domain/registry/manage-registry';
import { type Clock, eventOf, type RecordStore } from '../ports';
import { type Outcome, outcome } from './outcome';

type Changed = Awaited<ReturnType<typeof createEntity>>;

/** The registry's view of a caller; undefined for a role the registry does not serve. */
export function registryActor(caller: Actor | undefined): RegistryActor | undefined {
  if (caller === undefined) return undefined;
  const { role } = caller;
  if (role !== 'admin' && role !== 'officer' && role !== 'clerk') return undefined;
  return { ...caller, role };
}

/**
 * The registry's admin steps, each audited in the domain; a change is announced as
 * `<entity>.created` or `<entity>.updated` with the change's detail.
 */
export function registryUseCases(
  ports: { readonly records: RecordStore; readonly clock: Clock },
  config: Pick<Config, 'electionId'>,
) {
  const deps: RegistryDeps = { records: ports.records, clock: ports.clock, config };
  return {
    find: (input: Parameters<typeof findEntities>[1]) => findEntities(deps, input),
    get: (input: Parameters<typeof getEntity>[1]) => getEntity(deps, input),
    async create(input: Parameters<typeof createEntity>[1]): Promise<Outcome<Changed>> {
      const result = await createEntity(deps, input);
      if (!result.ok) return outcome(result);
      const detail = changeDetail(ports.clock.now(), result.value) as never;
      return outcome(result, [eventOf(registryChangeEvents[input.entity].created, detail)]);
    },
    async update(input: Parameters<typeof updateEntity>[1]): Promise<Outcome<Changed>> {
      const result = await updateEntity(deps, input);
      if (!result.ok) return outcome(result);
      const detail = changeDetail(ports.clock.now(), result.value) as never;
      return outcome(result, [eventOf(registryChangeEvents[input.entity].updated, detail)]);
    },
  };
}
