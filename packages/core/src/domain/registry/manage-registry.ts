import {
  describeIssues,
  type RegistryEntity,
  registryChangeEvents,
  registryEntities,
} from '@ballotstream/events';
import type { Clock } from '../../ports/clock';
import { eventOf, type OutgoingEvent } from '../../ports/event-publisher';
import type { RecordStore } from '../../ports/record-store';
import { err, ok, type Result } from '../../result';
import { appendAudit } from '../audit/audit-chain';
import type { Actor } from '../fleet/audit';
import { recordKeys } from '../shared/keys';
import {
  type EntityFilter,
  type EntityPage,
  idOf,
  listEntities,
  readEntity,
  type StoredEntity,
} from './registry-records';

/** What registry use cases need. */
export interface RegistryDeps {
  readonly records: RecordStore;
  readonly clock: Clock;
  /** The election whose poll hours freeze candidates and booths. */
  readonly config: { readonly electionId: string };
}

/**
 * The caller (core's one `Actor`) in a role the registry serves: national roles see everything,
 * an officer one region.
 */
export type RegistryActor = Actor & { readonly role: 'admin' | 'officer' | 'clerk' };

/** How the registry's audit log and change events name a caller: subject, role and any region. */
export function registryName(caller: Actor): string {
  return `${caller.subject} (${caller.role}${caller.regionId === undefined ? '' : `@${caller.regionId}`})`;
}

/** Why a registry change or read was refused. */
export type RegistryRefusal =
  | { readonly reason: 'invalid'; readonly problems: readonly string[] }
  | { readonly reason: 'not-found'; readonly message: string }
  | { readonly reason: 'already-exists'; readonly message: string }
  | { readonly reason: 'unknown-reference'; readonly field: string; readonly message: string }
  | { readonly reason: 'frozen'; readonly message: string }
  | { readonly reason: 'out-of-scope'; readonly message: string }
  | { readonly reason: 'conflict'; readonly message: string };

// An officer manages the booths, machines and fellow officers of their own region; the rest is national.
const OFFICER_WRITABLE: ReadonlySet<RegistryEntity> = new Set(['booth', 'machine', 'officer']);
const FROZEN_AT_POLL_OPEN: ReadonlySet<RegistryEntity> = new Set(['candidate', 'booth']);
// Fields the registry derives from a reference (booth → region) or another context owns (blocking).
const DERIVED: Readonly<Partial<Record<RegistryEntity, readonly string[]>>> = {
  candidate: ['regionId'],
  booth: ['regionId'],
  machine: ['constituencyId', 'regionId', 'blocked'],
};

/**
 * Looks references up once per id, so an import of 100,000 booths reads each constituency once;
 * `remember` lets a file's own rows count as known.
 */
export class ReferenceResolver {
  private readonly known = new Map<string, Record<string, unknown> | null>();
  constructor(private readonly records: RecordStore) {}

  async find(entity: RegistryEntity, id: string): Promise<Record<string, unknown> | undefined> {
    const key = `${entity}/${id}`;
    let found = this.known.get(key);
    if (found === undefined) {
      found = (await readEntity(this.records, entity, id)) ?? null;
      // Bounded: a stream of distinct ids must not grow the cache without end.
      if (this.known.size > 200_000) this.known.clear();
      this.known.set(key, found);
    }
    return found ?? undefined;
  }

  remember(entity: RegistryEntity, id: string, record: Record<string, unknown>): void {
    this.known.set(`${entity}/${id}`, record);
  }
}

/**
 * Fills the fields an entity derives from what it references (a booth's region from its
 * constituency, a machine's constituency and region from its booth), refusing unknown references.
 */
export async function resolveReferences(
  resolver: ReferenceResolver,
  entity: RegistryEntity,
  input: Record<string, unknown>,
): Promise<Result<Record<string, unknown>, RegistryRefusal>> {
  const need = async (field: string, target: RegistryEntity) => {
    const id = input[field];
    if (typeof id !== 'string') return undefined;
    const found = await resolver.find(target, id);
    return found === undefined
      ? err({
          reason: 'unknown-reference' as const,
          field,
          message: `no ${target} "${id}" is registered`,
        })
      : ok(found);
  };
  switch (entity) {
    case 'election':
    case 'region':
      return ok(input);
    case 'constituency':
    case 'officer': {
      const region = await need('regionId', 'region');
      return region === undefined || region.ok ? ok(input) : region;
    }
    case 'candidate':
    case 'booth': {
      const constituency = await need('constituencyId', 'constituency');
      if (constituency === undefined) return ok(input);
      if (!constituency.ok) return constituency;
      return ok({ ...input, regionId: constituency.value.regionId });
    }
    case 'machine': {
      const booth = await need('boothId', 'booth');
      if (booth === undefined) return ok(input);
      if (!booth.ok) return booth;
      return ok({ ...input, constituencyId: booth.value.constituencyId, regionId: booth.value.regionId });
    }
  }
}

/** Whether polls of the configured election have opened, which freezes candidates and booths. */
export async function freezeOf(
  deps: Pick<RegistryDeps, 'records' | 'clock' | 'config'>,
  entity: RegistryEntity,
): Promise<Extract<RegistryRefusal, { reason: 'frozen' }> | undefined> {
  if (!FROZEN_AT_POLL_OPEN.has(entity)) return undefined;
  const election = await readEntity(deps.records, 'election', deps.config.electionId);
  if (election === undefined) return undefined;
  const opensAt = Date.parse(election.opensAt);
  if (deps.clock.now() < opensAt) return undefined;
  return {
    reason: 'frozen',
    message: `${entity}s are frozen: polls of ${election.electionId} opened at ${election.opensAt}`,
  };
}

function scopeRefusal(
  actor: RegistryActor,
  entity: RegistryEntity,
  regionIds: readonly unknown[],
): RegistryRefusal | undefined {
  if (actor.role === 'admin') return undefined;
  if (actor.role === 'clerk')
    return { reason: 'out-of-scope', message: 'a clerk may read the registry, not change it' };
  if (!OFFICER_WRITABLE.has(entity))
    return { reason: 'out-of-scope', message: `only an admin may change ${entity}s` };
  if (regionIds.some((r) => r !== actor.regionId))
    return {
      reason: 'out-of-scope',
      message: `an officer of ${actor.regionId ?? 'no region'} may change only that region`,
    };
  return undefined;
}

function validate(
  entity: RegistryEntity,
  input: Record<string, unknown>,
): Result<Record<string, unknown>, RegistryRefusal> {
  const parsed = registryEntities[entity].schema.safeParse(input);
  return parsed.success
    ? ok(parsed.data as Record<string, unknown>)
    : err({ reason: 'invalid', problems: describeIssues(parsed.error, { whole: '(record)' }) });
}

function withoutDerived(
  entity: RegistryEntity,
  input: Readonly<Record<string, unknown>>,
): Record<string, unknown> {
  const copy = { ...input };
  for (const field of DERIVED[entity] ?? []) delete copy[field];
  return copy;
}

/** Registers a new entity; refused when it exists, is invalid, out of the actor's scope or frozen. */
export async function createEntity(
  deps: RegistryDeps,
  input: {
    readonly entity: RegistryEntity;
    readonly body: Readonly<Record<string, unknown>>;
    readonly actor: RegistryActor;
  },
): Promise<Result<RegistryChange, RegistryRefusal>> {
  const { entity, actor } = input;
  const frozen = await freezeOf(deps, entity);
  if (frozen) return err(frozen);
  const resolved = await resolveReferences(
    new ReferenceResolver(deps.records),
    entity,
    withoutDerived(entity, input.body),
  );
  if (!resolved.ok) return resolved;
  const valid = validate(entity, resolved.value);
  if (!valid.ok) return valid;
  const record = valid.value;
  const id = idOf(entity, record);
  const scope = scopeRefusal(actor, entity, record.regionId === undefined ? [] : [record.regionId]);
  if (scope) return err(scope);
  const at = new Date(deps.clock.now()).toISOString();
  const stored = { ...record, version: 1, updatedAt: at } as StoredEntity;
  const written = await deps.records.put(
    'registry',
    { ...recordKeys.registryEntity(entity, id), ...stored },
    { kind: 'absent' },
  );
  if (!written) return err({ reason: 'already-exists', message: `${entity} "${id}" is already registered` });
  await indexEntity(deps.records, entity, id, undefined, record);
  const change: RegistryChange = {
    entity,
    id,
    verb: 'created',
    record,
    actor: registryName(actor),
    fields: Object.keys(record),
    stored,
  };
  await auditChange(deps, change);
  return ok(change);
}

/** Changes some fields of an entity, conditional on the version read, so no concurrent edit is lost. */
export async function updateEntity(
  deps: RegistryDeps,
  input: {
    readonly entity: RegistryEntity;
    readonly id: string;
    readonly patch: Readonly<Record<string, unknown>>;
    readonly actor: RegistryActor;
  },
): Promise<Result<RegistryChange, RegistryRefusal>> {
  const { entity, id, actor } = input;
  const frozen = await freezeOf(deps, entity);
  if (frozen) return err(frozen);
  const existing = await readEntity(deps.records, entity, id);
  // Another region's entity answers as a missing one, before the patch is looked at: a 403 or a
  // field's complaint would tell an officer that it exists.
  if (existing === undefined || !visibleTo(actor, existing))
    return err({ reason: 'not-found', message: `no ${entity} "${id}" is registered` });
  const idField = registryEntities[entity].idField;
  if (idField in input.patch && input.patch[idField] !== id)
    return err({ reason: 'invalid', problems: [`${idField}: cannot be changed (create a new ${entity})`] });
  const patch = withoutDerived(entity, input.patch);
  const resolved = await resolveReferences(new ReferenceResolver(deps.records), entity, {
    ...existing,
    ...patch,
  });
  if (!resolved.ok) return resolved;
  const valid = validate(entity, resolved.value);
  if (!valid.ok) return valid;
  const scope = scopeRefusal(
    actor,
    entity,
    [existing.regionId, valid.value.regionId].filter((r) => r !== undefined),
  );
  if (scope) return err(scope);
  const fields = Object.keys(valid.value).filter(
    (f) => JSON.stringify(valid.value[f]) !== JSON.stringify(existing[f]),
  );
  const stored = {
    ...existing,
    ...valid.value,
    version: existing.version + 1,
    updatedAt: new Date(deps.clock.now()).toISOString(),
  } as StoredEntity;
  const written = await deps.records.put(
    'registry',
    { ...recordKeys.registryEntity(entity, id), ...stored },
    { kind: 'field-equals', field: 'version', value: existing.version },
  );
  if (!written)
    return err({ reason: 'conflict', message: `${entity} "${id}" changed meanwhile; read it again` });
  await indexEntity(deps.records, entity, id, existing, valid.value);
  const change = {
    entity,
    id,
    verb: 'updated',
    record: valid.value,
    actor: registryName(actor),
    fields,
  } as const;
  await auditChange(deps, change);
  return ok({ ...change, stored });
}

/** Reads one entity within the actor's scope. */
export async function getEntity(
  deps: Pick<RegistryDeps, 'records'>,
  input: { readonly entity: RegistryEntity; readonly id: string; readonly actor: RegistryActor },
): Promise<Result<StoredEntity, RegistryRefusal>> {
  const found = await readEntity(deps.records, input.entity, input.id);
  // Out of an officer's region reads as absent: the existence of another region's booth is not theirs to learn.
  if (found === undefined || !visibleTo(input.actor, found))
    return err({ reason: 'not-found', message: `no ${input.entity} "${input.id}" is registered` });
  return ok(found);
}

/** Lists entities of a kind; an officer's listing is narrowed to their own region. */
export async function findEntities(
  deps: Pick<RegistryDeps, 'records'>,
  input: {
    readonly entity: RegistryEntity;
    readonly actor: RegistryActor;
    readonly limit: number;
    readonly cursor?: string;
    readonly filter?: EntityFilter;
  },
): Promise<Result<EntityPage, RegistryRefusal>> {
  const { actor, entity } = input;
  let filter = input.filter ?? {};
  if (actor.role === 'officer' && entity !== 'election') {
    if (filter.regionId !== undefined && filter.regionId !== actor.regionId)
      return err({
        reason: 'out-of-scope',
        message: `an officer of ${actor.regionId} may list only that region`,
      });
    filter = { ...filter, regionId: actor.regionId ?? '\u0000' };
  }
  return ok(
    await listEntities(deps.records, entity, {
      limit: input.limit,
      filter,
      ...(input.cursor === undefined ? {} : { cursor: input.cursor }),
    }),
  );
}

function visibleTo(actor: RegistryActor, record: Readonly<Record<string, unknown>>): boolean {
  return actor.role !== 'officer' || record.regionId === undefined || record.regionId === actor.regionId;
}

/**
 * Keeps the lookups other contexts read without a scan: the machines of a booth (an SOS blocks
 * them all). Written after the entity, and idempotent, so a retry or a re-import repairs it.
 */
export async function indexEntity(
  records: RecordStore,
  entity: RegistryEntity,
  id: string,
  before: Readonly<Record<string, unknown>> | undefined,
  after: Readonly<Record<string, unknown>>,
): Promise<void> {
  if (entity !== 'machine') return;
  const boothId = String(after.boothId);
  if (before !== undefined && before.boothId !== boothId)
    await records.delete('registry', recordKeys.boothMachine(String(before.boothId), id));
  await records.put('registry', { ...recordKeys.boothMachine(boothId, id), machineId: id });
}

/** A change the registry made: what the audit log and the change event say about it. */
export interface RegistryChange {
  readonly entity: RegistryEntity;
  readonly id: string;
  readonly verb: 'created' | 'updated';
  /** The entity's fields as validated. */
  readonly record: Record<string, unknown>;
  readonly actor: string;
  readonly fields: readonly string[];
  /** The record as stored, with its version. */
  readonly stored?: StoredEntity;
}

/** Appends a registry change to the audit log. */
export async function auditChange(
  deps: Pick<RegistryDeps, 'records' | 'clock'>,
  change: RegistryChange,
): Promise<void> {
  await appendAudit(deps, {
    actor: change.actor,
    action: `${change.entity}.${change.verb}`,
    subject: `${change.entity}/${change.id}`,
    details: { fields: [...change.fields] },
  });
}

/** The detail of a change's `<entity>.created|updated` event. */
export function changeDetail(at: number, change: RegistryChange) {
  return {
    entity: change.entity,
    id: change.id,
    record: change.record,
    actor: change.actor,
    at: new Date(at).toISOString(),
    ...(change.verb === 'updated' ? { fields: [...change.fields] } : {}),
  };
}

/** The `<entity>.created|updated` event of a change, for callers that are not handlers (import, seed). */
export function changeEvent(at: number, change: RegistryChange): OutgoingEvent {
  return eventOf(registryChangeEvents[change.entity][change.verb], changeDetail(at, change) as never);
}
