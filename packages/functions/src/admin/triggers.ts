import { registryChangeEvents } from '@ballotstream/events';
import { http } from '../trigger-builders';
import type { Trigger } from '../trigger-types';

const registryChanges = Object.values(registryChangeEvents);

/** What runs the admin steps, beside their handlers; `../triggers.ts` gathers every area. */
export const adminTriggers: readonly Trigger[] = [
  http('GET /admin/{entities}', {
    name: 'listRegistry',
    description: 'A page of elections, regions, constituencies, candidates, booths, machines or officers.',
    roles: ['admin', 'officer', 'clerk'],
    handler: 'admin/registry.list',
    reaches: { tables: { registry: 'read' } },
  }),
  http('GET /admin/{entities}/{id}', {
    name: 'getRegistry',
    description: 'One registry entity (an officer sees only their region).',
    roles: ['admin', 'officer', 'clerk'],
    handler: 'admin/registry.get',
    reaches: { tables: { registry: 'read' } },
  }),
  http('POST /admin/{entities}', {
    name: 'createRegistry',
    description: 'Registers an entity (officers: booths, machines, officers of their region); audited.',
    roles: ['admin', 'officer'],
    handler: 'admin/registry.create',
    publishes: registryChanges.map((entity) => entity.created),
    reaches: { tables: { registry: 'write', audit: 'write' } },
  }),
  http('PATCH /admin/{entities}/{id}', {
    name: 'updateRegistry',
    description: 'Changes fields of an entity; candidates and booths are frozen once polls open; audited.',
    roles: ['admin', 'officer'],
    handler: 'admin/registry.update',
    publishes: registryChanges.map((entity) => entity.updated),
    reaches: { tables: { registry: 'write', audit: 'write' } },
  }),
  http('GET /audit', {
    name: 'listAudit',
    description: 'A page of the hash-chained audit log.',
    roles: ['admin'],
    handler: 'admin/audit.list',
    reaches: { tables: { audit: 'read' } },
  }),
  http('GET /audit/verify', {
    name: 'verifyAudit',
    description: 'Walks the audit chain and names the first altered, removed or reordered entry.',
    roles: ['admin'],
    handler: 'admin/audit.verify',
    reaches: { tables: { audit: 'read' } },
  }),
];
