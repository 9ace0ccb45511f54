import type { Alert } from '@ballotstream/events';
import type { RecordStore } from '../../ports/record-store';
import type { VoterCache } from '../../ports/voter-cache';
import { type AlertDeps, clearAlert, NATIONAL, raiseAlert } from '../alerts/alerts';
import { recordKeys } from '../shared/keys';

/** One dependency the platform cannot work without, and how to ask whether it answers. */
export interface DependencyProbe {
  readonly name: string;
  /** Resolves true when the dependency answers; false, a rejection or no answer in time is down. */
  up(): Promise<boolean>;
}

/** What `/health` reports: each dependency's state, and the alerts this check opened or cleared. */
export interface DependencyReport {
  readonly status: 'ok' | 'degraded';
  readonly dependencies: Readonly<Record<string, 'up' | 'down'>>;
  /** Alerts opened by this check (new ones only: a repeat counts up the open alert). */
  readonly raised: readonly Alert[];
  readonly cleared: readonly Alert[];
}

/** The alert kind of a dependency that does not answer: one subject per dependency. */
export function dependencyAlertKind(name: string): string {
  return `dependency-down:${name}`;
}

// A dependency that does not answer in this long is down: a health check must not hang with it.
const PROBE_TIMEOUT_MS = 2_000;

async function answers(probe: DependencyProbe, timeoutMs: number): Promise<boolean> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<boolean>((resolve) => {
    timer = setTimeout(() => resolve(false), timeoutMs);
  });
  try {
    return await Promise.race([probe.up().catch(() => false), late]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Asks each dependency whether it answers; one that does not raises a national critical alert
 * through the normal alert path (de-duplicated per dependency), and one that is back clears it.
 */
export async function checkDependencies(
  deps: AlertDeps,
  probes: readonly DependencyProbe[],
  timeoutMs = PROBE_TIMEOUT_MS,
): Promise<DependencyReport> {
  const states = await Promise.all(probes.map(async (p) => [p.name, await answers(p, timeoutMs)] as const));
  const raised: Alert[] = [];
  const cleared: Alert[] = [];
  const subject = { regionId: NATIONAL };
  for (const [name, up] of states) {
    const kind = dependencyAlertKind(name);
    if (up) {
      const alert = await clearAlert(deps, kind, subject, `health check: ${name} answers again`);
      if (alert !== undefined) cleared.push(alert);
      continue;
    }
    const { alert, isNew } = await raiseAlert(deps, {
      kind,
      severity: 'critical',
      subject,
      evidence: { dependency: name, detail: `${name} did not answer the health check` },
      at: deps.clock.now(),
    });
    if (isNew) raised.push(alert);
  }
  return {
    status: states.every(([, up]) => up) ? 'ok' : 'degraded',
    dependencies: Object.fromEntries(states.map(([name, up]) => [name, up ? 'up' : 'down'])),
    raised,
    cleared,
  };
}

/** The dependencies every front door needs: the voter cache (Redis) and the durable records. */
export function platformProbes(deps: {
  readonly cache: Pick<VoterCache, 'ping'>;
  readonly records: RecordStore;
}): DependencyProbe[] {
  return [
    { name: 'cache', up: () => deps.cache.ping() },
    // Any read that reaches the table will do; the key need not exist.
    {
      name: 'records',
      up: async () => {
        await deps.records.get('alerts', recordKeys.alertSubject('health'));
        return true;
      },
    },
  ];
}
