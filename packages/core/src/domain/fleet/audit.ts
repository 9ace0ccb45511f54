import type { AuditLog } from '../../ports/audit-log';
import type { Clock } from '../../ports/clock';
import type { RecordStore } from '../../ports/record-store';
import { appendAudit } from '../audit/audit-chain';

/**
 * The one caller type: a person as their verified token names them (officers carry their region),
 * or the platform itself (`system:sos`).
 */
export interface Actor {
  readonly subject: string;
  readonly role: string;
  readonly regionId?: string;
}

/** The actor as the audit log names it. */
export function actorName(actor: Actor): string {
  return actor.role === 'system' ? `system:${actor.subject}` : `${actor.role}:${actor.subject}`;
}

/** Whether an actor may act on something in a region: admins and the platform anywhere, officers in their own. */
export function mayActIn(actor: Actor, regionId: string | undefined): boolean {
  if (actor.role === 'admin' || actor.role === 'system') return true;
  return actor.role === 'officer' && actor.regionId !== undefined && actor.regionId === regionId;
}

/** Records a fleet or alert action in the hash-chained audit log. */
export async function auditAction(
  deps: { readonly records: RecordStore; readonly clock: Clock; readonly auditLog?: AuditLog },
  actor: Actor,
  action: string,
  subject: string,
  details: Readonly<Record<string, unknown>>,
): Promise<void> {
  await appendAudit(deps, { actor: actorName(actor), action, subject, details });
}
