import type { Deps } from '@ballotstream/functions/shared/deps';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';

/** How long a dependency may take to answer a health probe before it counts as down. */
export const PROBE_TIMEOUT_MS = 2_000;

/** One thing the runtime cannot serve without, and how to ask whether it answers. */
export interface DependencyProbe {
  readonly name: string;
  check(): Promise<boolean>;
}

/**
 * What the local runtime stands on: the voter cache (Redis when it was given one), the record
 * store and each region's vote store. Each probe is a read that touches no voter's data.
 */
export function localDependencies(deps: Deps): readonly DependencyProbe[] {
  const answers = async (read: () => Promise<unknown>) => {
    await read();
    return true;
  };
  return [
    { name: 'cache', check: () => deps.cache.ping() },
    {
      name: 'records',
      check: () => answers(() => deps.records.get('registry', { pk: 'health', sk: 'probe' })),
    },
    { name: 'votesPrimary', check: () => answers(() => deps.voteStores.primary.tally('health-probe', 0, 1)) },
    {
      name: 'votesSecondary',
      check: () => answers(() => deps.voteStores.secondary.tally('health-probe', 0, 1)),
    },
  ];
}

async function probe(dependency: DependencyProbe): Promise<'up' | 'down'> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<boolean>((resolve) => {
    timer = setTimeout(() => resolve(false), PROBE_TIMEOUT_MS);
  });
  try {
    return (await Promise.race([dependency.check().catch(() => false), late])) ? 'up' : 'down';
  } finally {
    clearTimeout(timer);
  }
}

type Invoke = (event: APIGatewayProxyEventV2) => Promise<APIGatewayProxyStructuredResultV2>;

/**
 * Adds each dependency's state to the health route's answer, which becomes a 503 with status
 * `degraded` when any is down, so a load balancer or service manager stops sending it work.
 */
export function withDependencyReport(invoke: Invoke, dependencies: readonly DependencyProbe[]): Invoke {
  return async (event) => {
    const [result, states] = await Promise.all([
      invoke(event),
      Promise.all(dependencies.map(async (d) => [d.name, await probe(d)] as const)),
    ]);
    if (result.statusCode !== undefined && result.statusCode !== 200) return result;
    const report = Object.fromEntries(states);
    const down = states.some(([, state]) => state === 'down');
    const body = JSON.parse(result.body ?? '{}') as Record<string, unknown>;
    return {
      ...result,
      statusCode: down ? 503 : 200,
      body: JSON.stringify({
        ...body,
        status: down ? 'degraded' : 'ok',
        ...(report.cache === undefined ? {} : { cache: report.cache }),
        dependencies: report,
      }),
    };
  };
}
