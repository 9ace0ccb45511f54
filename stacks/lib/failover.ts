import { plannedLinks } from '@ballotstream/functions/catalogue';
import { LINKS } from '@ballotstream/functions/links';
import type { Trigger } from '@ballotstream/functions/triggers';
import type { Region } from './permissions';

/**
 * What a region exposes that booths and gateways reach by name; `H` is a string in tests and a
 * Pulumi output in stacks/.
 */
export interface RegionEndpoints<H = string> {
  /** The region's own API host (`<id>.execute-api.<region>.amazonaws.com`), which Route 53 checks. */
  readonly apiHost: H;
  /** The target of the region's custom domain for the failover name (API Gateway's regional domain). */
  readonly apiTarget: H;
  /** The region's IoT Core data endpoint (ATS); its domain configuration serves the failover name. */
  readonly brokerHost: H;
}

/** A Route 53 health check, as `aws.route53.HealthCheck` takes it. */
export interface HealthCheckPlan<H = string> {
  readonly name: string;
  readonly region: Region;
  readonly type: 'HTTPS';
  readonly fqdn: H;
  readonly port: 443;
  readonly resourcePath: string;
  /** Seconds between checks from each checker (10 is Route 53's fast interval). */
  readonly requestInterval: 10 | 30;
  /** Consecutive failures before the endpoint counts as down. */
  readonly failureThreshold: number;
}

/** One half of a failover record pair, as `aws.route53.Record` takes it. */
export interface FailoverRecordPlan<H = string> {
  readonly name: string;
  readonly recordName: string;
  readonly type: 'CNAME';
  /** Short, so a booth's resolver asks again soon after the primary fails. */
  readonly ttl: number;
  readonly setIdentifier: string;
  readonly failover: 'PRIMARY' | 'SECONDARY';
  readonly target: H;
  /** The name of the health check that decides this record (the plan's `name`). */
  readonly healthCheck: string;
}

export interface FailoverPlan<H = string> {
  readonly healthChecks: readonly HealthCheckPlan<H>[];
  readonly records: readonly FailoverRecordPlan<H>[];
}

/** The two names booths and gateways use, each answered by the healthy region. */
export function failoverNames(domain: string): { readonly api: string; readonly broker: string } {
  return { api: `api.${domain}`, broker: `mqtt.${domain}` };
}

/** How many probes the broker health check sends per Route 53 check, and how long it waits for them. */
export const BROKER_PROBE_PATH = '/health/broker?n=3&timeoutMs=2000';

/**
 * Route 53 failover for the booths' two names: `api.<domain>` (booth verification and the web
 * apps' API) and `mqtt.<domain>` (the gateways' broker). Each region's API is checked on
 * `/health`; each region's broker through that region's `GET /health/broker`, which publishes
 * probes through its own IoT Core and expects them back. The primary answers while healthy; when
 * its check fails three times (about 30 s), Route 53 answers with the secondary.
 */
export function failoverPlan<H = string>(
  domain: string,
  endpoints: Readonly<Record<Region, RegionEndpoints<H>>>,
): FailoverPlan<H> {
  const regions: readonly Region[] = ['primary', 'secondary'];
  const names = failoverNames(domain);
  const healthChecks = regions.flatMap((region): HealthCheckPlan<H>[] => [
    {
      name: `ApiHealth-${region}`,
      region,
      type: 'HTTPS',
      fqdn: endpoints[region].apiHost,
      port: 443,
      resourcePath: '/health',
      requestInterval: 10,
      failureThreshold: 3,
    },
    {
      name: `BrokerHealth-${region}`,
      region,
      type: 'HTTPS',
      fqdn: endpoints[region].apiHost,
      port: 443,
      resourcePath: BROKER_PROBE_PATH,
      requestInterval: 10,
      failureThreshold: 3,
    },
  ]);
  const records = regions.flatMap((region): FailoverRecordPlan<H>[] => {
    const failover = region === 'primary' ? 'PRIMARY' : 'SECONDARY';
    return [
      {
        name: `ApiFailover-${region}`,
        recordName: names.api,
        type: 'CNAME',
        ttl: 30,
        setIdentifier: `api-${region}`,
        failover,
        target: endpoints[region].apiTarget,
        healthCheck: `ApiHealth-${region}`,
      },
      {
        name: `BrokerFailover-${region}`,
        recordName: names.broker,
        type: 'CNAME',
        ttl: 30,
        setIdentifier: `mqtt-${region}`,
        failover,
        target: endpoints[region].brokerHost,
        healthCheck: `BrokerHealth-${region}`,
      },
    ];
  });
  return { healthChecks, records };
}

/** What the secondary region must run so that booths, gateways and tallies go on without the primary. */
export interface SecondaryRegionPlan {
  /** Every API route: booths verify there after a hand-over, the desk hands over there. */
  readonly routes: readonly string[];
  /** Every topic rule: gateways that fail over publish votes, SOS, positions and results there. */
  readonly topicRules: readonly string[];
  /** Schedules the secondary runs as well: only those a second run cannot harm. */
  readonly schedules: readonly string[];
}

// Re-running a tally window replaces it (never adds), so both regions may run the job; the other
// schedules (escalation, sweeps, the vote-order concealment) would act twice and stay primary-only
// until a hand-over moves them.
const SCHEDULES_IN_BOTH_REGIONS: ReadonlySet<string> = new Set(['materialiseTallies']);

/** Plans the secondary region's API routes, IoT topic rules and schedules from the trigger table. */
export function secondaryRegionPlan(triggers: readonly Trigger[]): SecondaryRegionPlan {
  return {
    routes: triggers.flatMap((t) => (t.kind === 'http' ? [`${t.method} ${t.path}`] : [])),
    topicRules: triggers.flatMap((t) => (t.kind === 'topic-rule' ? [t.name] : [])),
    schedules: triggers.flatMap((t) =>
      t.kind === 'schedule' && SCHEDULES_IN_BOTH_REGIONS.has(t.name) ? [t.name] : [],
    ),
  };
}

/** Links a copy of a step in the secondary takes from its own region (linked as `<name>InSecondary`). */
export const SECONDARY_OWN_LINKS: readonly string[] = [
  LINKS.cache,
  LINKS.ticketKey,
  LINKS.pseudonymKey,
  LINKS.iotDataEndpoint,
];

/** Links to what the primary region alone has: officer notifications, the tracker, the geofences. */
export const PRIMARY_ONLY_LINKS: readonly string[] = [LINKS.notifications, LINKS.tracker, LINKS.geofences];

/**
 * The steps copied into the secondary region that reach something only the primary has, with
 * what: they fail there (and their messages wait in the dead letters) until the primary is back.
 */
export function primaryOnlyReaches(triggers: readonly Trigger[]): { trigger: string; links: string[] }[] {
  const plan = secondaryRegionPlan(triggers);
  const copied = new Set([...plan.routes, ...plan.topicRules, ...plan.schedules]);
  return triggers.flatMap((t) => {
    const key = t.kind === 'http' ? `${t.method} ${t.path}` : t.name;
    if (!copied.has(key) && t.kind !== 'stream') return [];
    const links = plannedLinks(t).filter((l) => PRIMARY_ONLY_LINKS.includes(l));
    return links.length === 0 ? [] : [{ trigger: t.name, links }];
  });
}
