import { type LocationShard, locationQuotas, planLocationShards } from './location-shards';

/** What the capacity plan is made for: the size of one election day. */
export interface CapacityInput {
  readonly voters: number;
  /** 0–1; votes of the day = voters × turnout. */
  readonly turnout: number;
  readonly booths: number;
  readonly machinesPerBooth: number;
  /** Poll hours. */
  readonly hours: number;
  /** Peak rate over the day's average. */
  readonly peakFactor: number;
  /** Booths per region (state), for sharding Amazon Location; without it, one national region. */
  readonly boothsByRegion?: Readonly<Record<string, number>>;
}

/**
 * Every figure the plan rests on besides the input, stated once so a reader can disagree with a
 * number rather than with arithmetic. Prices are AWS list prices (us-east-1, USD, on-demand) at
 * the time of writing; ap-south-1 is within about 10% of them.
 */
export const capacityAssumptions = {
  /** A machine is capped near this many votes a minute by design (the ballot unit's lockout). */
  maxVotesPerMachinePerMinute: 5,
  /** Verification attempts per vote, counting refusals and retries. */
  verificationsPerVote: 1.1,
  /** Each machine publishes a position fix / heartbeat this often. */
  positionIntervalSeconds: 60,
  /** Machines come online over this long before polls open. */
  connectRampMinutes: 30,
  /** Machines stay connected this long on the day (setup, polls, close-down). */
  connectedHours: 14,
  /**
   * Events put on the bus per vote: vote.accepted, and voter.verified before grants went silent. The
   * `capacity` command replaces this and the next three with the fan-out it derives from the
   * trigger table (`packages/local/src/cli/vote-fan-out.ts`).
   */
  eventsPerVote: 2 as number,
  /** PutEvents calls per vote (up to ten events a call when a step publishes a batch). */
  putEventsCallsPerVote: 2 as number,
  /** vote.accepted reaches the secondary region's bus too (a cross-region rule). */
  crossRegionEventsPerVote: 1 as number,
  /** Lambda invocations per vote: a verification (1.1), ingest and a recorder in each region. */
  lambdaInvocationsPerVote: 4.1 as number,
  /** SQS requests per vote (sends, receives, deletes of the queues batched steps read). */
  sqsRequestsPerVote: 0 as number,
  /** Average Lambda durations, seconds. */
  durations: { verifyVoter: 0.05, ingestVote: 0.03, recordVote: 0.02, fleetPosition: 0.02 },
  lambdaMemoryGb: 1,
  /** DynamoDB write units per vote per table (items ≤ 1 KB), before replication. */
  writesPerVote: { voters: 1, ballots: 2, ledger: 1, tallies: 0.05 },
  /** DynamoDB read units per vote per table (strongly consistent, ≤ 4 KB). */
  readsPerVote: { tickets: 1, voters: 1, ballots: 1, registry: 2 },
  /** Tables written in both regions (multi-region strong consistency): each write is paid twice. */
  replicatedTables: ['voters', 'tickets', 'ballots'] as readonly string[],
  /** Redis commands per verification: the claim script, its confirmation, the revocation check. */
  redisOpsPerVerification: 3,
  /** A Redis shard (cache.r7g.large) serves this many small commands a second with headroom. */
  redisOpsPerShard: 80_000,
  /** Timestream: one record per vote per region, each under 1 KB. */
  timestreamRecordBytes: 300,
  /** Headroom applied to every quota request over the computed need. */
  headroom: 1.5,
  prices: {
    iotMessagePerMillion: 1.0,
    iotConnectionMinutePerMillion: 0.08,
    iotRulePlusActionPerMillion: 0.3,
    apiRequestPerMillion: 1.0,
    lambdaRequestPerMillion: 0.2,
    lambdaGbSecond: 0.0000133334,
    eventBridgeEventPerMillion: 1.0,
    sqsRequestPerMillion: 0.4,
    dynamoWritePerMillion: 0.625,
    dynamoReadPerMillion: 0.125,
    timestreamWritePerMillion: 0.5,
    redisNodeHour: 0.219,
  },
} as const;
export type CapacityAssumptions = typeof capacityAssumptions;

/**
 * AWS default quotas per account and region (the largest regions; some regions start lower),
 * each adjustable through Service Quotas unless noted.
 */
export const defaultQuotas = {
  apiGatewayRequestsPerSecond: 10_000,
  iotPublishInPerSecond: 20_000,
  iotConnectionsConcurrent: 500_000,
  iotConnectsPerSecond: 500,
  iotRuleEvaluationsPerSecond: 20_000,
  eventBridgePutEventsPerSecond: 10_000,
  eventBridgeInvocationsPerSecond: 18_750,
  lambdaConcurrency: 1_000,
  dynamoTableWcu: 40_000,
  dynamoTableRcu: 40_000,
  /** What a new on-demand table serves at once before it scales (raise it with warm throughput). */
  dynamoWarmWcu: 4_000,
  dynamoWarmRcu: 12_000,
  redisNodesPerCluster: 90,
} as const;

/** One line of the plan: what a service must handle, its default quota and whether that falls short. */
export interface PlanLine {
  readonly service: string;
  readonly metric: string;
  readonly need: number;
  readonly quota?: number;
  /** What to set or request: the need with headroom. */
  readonly request?: number;
  readonly exceedsDefault: boolean;
  readonly note?: string;
}

export interface CostLine {
  readonly item: string;
  readonly usd: number;
}

export interface CapacityPlan {
  readonly input: CapacityInput;
  readonly votes: number;
  readonly machines: number;
  readonly averageVotesPerSecond: number;
  /** avg × peakFactor, unless the machines cannot cast that fast. */
  readonly peakVotesPerSecond: number;
  readonly machineCeilingPerSecond: number;
  readonly peakCappedByMachines: boolean;
  readonly lines: readonly PlanLine[];
  /** The tracker and geofence collection of each shard of the booths (stacks/location.ts creates them). */
  readonly locationShards: readonly LocationShard[];
  readonly costs: readonly CostLine[];
  readonly totalUsd: number;
}

const sum = (values: readonly number[]) => values.reduce((a, b) => a + b, 0);

/** Works out the peak rates, what each AWS service must be sized to and the day's cost. */
export function planCapacity(
  input: CapacityInput,
  a: CapacityAssumptions = capacityAssumptions,
): CapacityPlan {
  const r = ratesOf(input, a);
  const costs = dayCosts(r, a);
  const locationShards = planLocationShards(input);
  return {
    input,
    votes: r.votes,
    machines: r.machines,
    averageVotesPerSecond: r.averageVotesPerSecond,
    peakVotesPerSecond: r.peak,
    machineCeilingPerSecond: r.machineCeilingPerSecond,
    peakCappedByMachines: r.wanted > r.machineCeilingPerSecond,
    lines: [...serviceLines(r, a), ...locationLines(locationShards, r.machines, a)],
    locationShards,
    costs,
    totalUsd: sum(costs.map((c) => c.usd)),
  };
}

type Rates = ReturnType<typeof ratesOf>;

/** The day's volumes and the peak rates each service sees, from the input and assumptions. */
function ratesOf(input: CapacityInput, a: CapacityAssumptions) {
  const votes = input.voters * input.turnout;
  const machines = input.booths * input.machinesPerBooth;
  const seconds = input.hours * 3600;
  const averageVotesPerSecond = votes / seconds;
  const machineCeilingPerSecond = (machines * a.maxVotesPerMachinePerMinute) / 60;
  const wanted = averageVotesPerSecond * input.peakFactor;
  const peak = Math.min(wanted, machineCeilingPerSecond);

  const verificationsPerSecond = peak * a.verificationsPerVote;
  const positionsPerSecond = machines / a.positionIntervalSeconds;
  const publishesPerSecond = peak + positionsPerSecond;
  const connectsPerSecond = machines / (a.connectRampMinutes * 60);
  const putEventsPerSecond = peak * a.putEventsCallsPerVote;
  const invocationsPerSecond = peak * (1 + a.crossRegionEventsPerVote);
  const concurrency = {
    verifyVoter: verificationsPerSecond * a.durations.verifyVoter,
    ingestVote: peak * a.durations.ingestVote,
    recordVote: peak * a.durations.recordVote,
    fleetPosition: positionsPerSecond * a.durations.fleetPosition,
  };
  // The primary region runs every function; the secondary runs its own recorder.
  const primaryConcurrency = sum(Object.values(concurrency));
  const redisOps = verificationsPerSecond * a.redisOpsPerVerification;
  const shards = Math.max(1, Math.ceil((redisOps * a.headroom) / a.redisOpsPerShard));
  const redisNodes = shards * 2;

  return {
    votes,
    machines,
    averageVotesPerSecond,
    machineCeilingPerSecond,
    wanted,
    peak,
    verificationsPerSecond,
    publishesPerSecond,
    connectsPerSecond,
    putEventsPerSecond,
    invocationsPerSecond,
    concurrency,
    primaryConcurrency,
    redisOps,
    shards,
    redisNodes,
  };
}

type LineOf = (service: string, metric: string, need: number, quota?: number, note?: string) => PlanLine;

/** A plan line: the need, and against a quota the request with headroom and whether it exceeds the default. */
function lineWith(a: CapacityAssumptions): LineOf {
  const withHeadroom = (n: number) => Math.ceil(n * a.headroom);
  return (service, metric, need, quota, note) => ({
    service,
    metric,
    need,
    ...(quota === undefined ? {} : { quota, request: withHeadroom(need) }),
    exceedsDefault: quota !== undefined && withHeadroom(need) > quota,
    ...(note === undefined ? {} : { note }),
  });
}

/** What each AWS service must be sized to at the peak, against its default quota. */
function serviceLines(r: Rates, a: CapacityAssumptions): PlanLine[] {
  const { machines, verificationsPerSecond, publishesPerSecond, connectsPerSecond } = r;
  const { putEventsPerSecond, invocationsPerSecond, concurrency, primaryConcurrency } = r;
  const line = lineWith(a);
  const q = defaultQuotas;
  return [
    line(
      'API Gateway (HTTP API)',
      'requests/s (verifications)',
      verificationsPerSecond,
      q.apiGatewayRequestsPerSecond,
    ),
    line(
      'IoT Core',
      'inbound publishes/s (votes + position fixes)',
      publishesPerSecond,
      q.iotPublishInPerSecond,
    ),
    line('IoT Core', 'concurrent connections (machines)', machines, q.iotConnectionsConcurrent),
    line(
      'IoT Core',
      `connect requests/s (all machines within ${a.connectRampMinutes} min)`,
      connectsPerSecond,
      q.iotConnectsPerSecond,
    ),
    line('IoT Core', 'rule evaluations/s', publishesPerSecond, q.iotRuleEvaluationsPerSecond),
    line('EventBridge', 'PutEvents requests/s', putEventsPerSecond, q.eventBridgePutEventsPerSecond),
    line(
      'EventBridge',
      'target invocations/s (recorders, both regions)',
      invocationsPerSecond,
      q.eventBridgeInvocationsPerSecond,
    ),
    line('Lambda', 'concurrency verifyVoter', concurrency.verifyVoter),
    line('Lambda', 'concurrency ingestVote', concurrency.ingestVote),
    line('Lambda', 'concurrency recordVote (each region)', concurrency.recordVote),
    line('Lambda', 'concurrency fleet positions', concurrency.fleetPosition),
    line('Lambda', 'concurrency, primary region total', primaryConcurrency, q.lambdaConcurrency),
    ...storeLines(r, a),
  ];
}

/** The stores' lines: DynamoDB tables, the Redis cluster and Timestream. */
function storeLines(r: Rates, a: CapacityAssumptions): PlanLine[] {
  const { votes, peak, redisOps, shards, redisNodes } = r;
  const line = lineWith(a);
  const q = defaultQuotas;
  const lines: PlanLine[] = [];
  for (const [table, perVote] of Object.entries(a.writesPerVote)) {
    const need = peak * perVote;
    lines.push(line('DynamoDB', `${table} write units/s (on-demand)`, need, q.dynamoTableWcu), {
      ...line('DynamoDB', `${table} warm write throughput`, need, q.dynamoWarmWcu),
      note: 'set WarmThroughput.WriteUnitsPerSecond before the day',
    });
  }
  for (const [table, perVote] of Object.entries(a.readsPerVote)) {
    const need = peak * perVote;
    lines.push(line('DynamoDB', `${table} read units/s (on-demand)`, need, q.dynamoTableRcu));
  }
  lines.push(
    line('ElastiCache Redis', 'commands/s', redisOps),
    line(
      'ElastiCache Redis',
      `shards (${a.redisOpsPerShard.toLocaleString('en')} cmd/s each, with headroom)`,
      shards,
    ),
    {
      service: 'ElastiCache Redis',
      metric: 'nodes (a replica per shard)',
      need: redisNodes,
      quota: q.redisNodesPerCluster,
      request: redisNodes,
      exceedsDefault: redisNodes > q.redisNodesPerCluster,
    },
    line('Timestream', 'records/s per region', peak),
    line('Timestream', 'memory store GB per region for the day', (votes * a.timestreamRecordBytes) / 1e9),
  );

  return lines;
}

/** The day's cost, item by item. */
function dayCosts(r: Rates, a: CapacityAssumptions): CostLine[] {
  const { votes, machines, redisNodes } = r;
  const p = a.prices;
  const perMillion = (count: number, price: number) => (count / 1e6) * price;
  const verifications = votes * a.verificationsPerVote;
  const positions = machines * ((a.connectedHours * 3600) / a.positionIntervalSeconds);
  const lambdaInvocations = votes * a.lambdaInvocationsPerVote + positions;
  const gbSeconds =
    a.lambdaMemoryGb *
    (verifications * a.durations.verifyVoter +
      votes * a.durations.ingestVote +
      2 * votes * a.durations.recordVote +
      positions * a.durations.fleetPosition);
  const writeUnits = sum(
    Object.entries(a.writesPerVote).map(([t, n]) => votes * n * (a.replicatedTables.includes(t) ? 2 : 1)),
  );
  const readUnits = sum(Object.values(a.readsPerVote).map((n) => votes * n));
  const costs: CostLine[] = [
    { item: 'IoT Core messages', usd: perMillion(votes + positions, p.iotMessagePerMillion) },
    {
      item: 'IoT Core connectivity',
      usd: perMillion(machines * a.connectedHours * 60, p.iotConnectionMinutePerMillion),
    },
    { item: 'IoT rules + actions', usd: perMillion(votes + positions, p.iotRulePlusActionPerMillion) },
    { item: 'API Gateway requests', usd: perMillion(verifications, p.apiRequestPerMillion) },
    { item: 'Lambda requests', usd: perMillion(lambdaInvocations, p.lambdaRequestPerMillion) },
    { item: 'SQS requests', usd: perMillion(votes * a.sqsRequestsPerVote, p.sqsRequestPerMillion) },
    { item: 'Lambda compute', usd: gbSeconds * p.lambdaGbSecond },
    {
      item: 'EventBridge events',
      usd: perMillion(votes * (a.eventsPerVote + a.crossRegionEventsPerVote), p.eventBridgeEventPerMillion),
    },
    {
      item: 'DynamoDB writes (replicated tables twice)',
      usd: perMillion(writeUnits, p.dynamoWritePerMillion),
    },
    { item: 'DynamoDB reads', usd: perMillion(readUnits, p.dynamoReadPerMillion) },
    { item: 'Timestream writes, two regions', usd: perMillion(2 * votes, p.timestreamWritePerMillion) },
    { item: 'ElastiCache nodes, 24 h', usd: redisNodes * 24 * p.redisNodeHour },
  ];
  return costs;
}

/**
 * Amazon Location's lines: the fullest collection against the geofence quota (which cannot be
 * raised, hence the shards), collections and trackers against theirs, and the position updates
 * the fleet's fixes need against the account's request rate.
 */
function locationLines(
  shards: readonly LocationShard[],
  machines: number,
  a: CapacityAssumptions,
): PlanLine[] {
  const q = locationQuotas;
  const exact = (metric: string, need: number, quota: number, note?: string): PlanLine => ({
    service: 'Amazon Location',
    metric,
    need,
    quota,
    request: need,
    exceedsDefault: need > quota,
    ...(note === undefined ? {} : { note }),
  });
  const fullest = Math.max(0, ...shards.map((s) => s.booths));
  const regions = new Set(shards.map((s) => s.regionId)).size;
  const requests = machines / a.positionIntervalSeconds / q.positionsPerRequest;
  // The slowest fix interval at which the most the quota can be raised to still carries every machine.
  const fitsEverySeconds = Math.ceil(machines / (q.positionUpdatesMaxAdjustable * q.positionsPerRequest));
  const loadMinutes =
    shards.reduce((t, s) => t + s.booths, 0) / q.geofencesPerPut / q.geofencePutsPerSecond / 60;
  return [
    exact(
      'geofences in the fullest collection',
      fullest,
      q.geofencesPerCollection,
      `not adjustable: ${shards.length} shards over ${regions} regions`,
    ),
    exact('geofence collections (one per shard)', shards.length, q.collectionsPerAccount),
    exact('trackers (one per shard, one consumer each)', shards.length, q.trackersPerAccount),
    {
      ...exact('BatchUpdateDevicePosition requests/s (10 fixes each)', requests, q.positionUpdatesPerSecond),
      note: `adjustable to ${q.positionUpdatesMaxAdjustable}/s; at that, forward one fix per machine every ${fitsEverySeconds} s (positionMinIntervalMs) or ask support for more`,
    },
    {
      service: 'Amazon Location',
      metric: 'minutes to load every booth geofence (BatchPutGeofence at the default rate)',
      need: loadMinutes,
      exceedsDefault: false,
    },
  ];
}

const n = (value: number) =>
  value >= 100
    ? Math.round(value).toLocaleString('en')
    : value.toLocaleString('en', { maximumFractionDigits: 1 });

/** The plan as text: rates, a table of services (quotas exceeded marked), costs and assumptions. */
export function renderCapacityPlan(plan: CapacityPlan, a: CapacityAssumptions = capacityAssumptions): string {
  const { input } = plan;
  const out: string[] = [];
  out.push(
    `Election day: ${n(input.voters)} voters × ${input.turnout} turnout = ${n(plan.votes)} votes in ${input.hours} h`,
    `             ${n(input.booths)} booths × ${input.machinesPerBooth} = ${n(plan.machines)} machines`,
    `Average      ${n(plan.averageVotesPerSecond)} votes/s`,
    `Peak         ${n(plan.peakVotesPerSecond)} votes/s (average × ${input.peakFactor}${plan.peakCappedByMachines ? `, capped by the machines' ${n(plan.machineCeilingPerSecond)}/s` : `; the machines could cast ${n(plan.machineCeilingPerSecond)}/s`})`,
    '',
    '| service | what | need at peak | default quota | set / request | |',
    '|---|---|---:|---:|---:|---|',
  );
  for (const l of plan.lines) {
    const flag = l.exceedsDefault ? 'RAISE' : l.quota === undefined ? '' : 'ok';
    out.push(
      `| ${l.service} | ${l.metric} | ${n(l.need)} | ${l.quota === undefined ? '' : n(l.quota)} | ${l.request === undefined ? '' : n(l.request)} | ${flag}${l.note ? ` ${l.note}` : ''} |`,
    );
  }
  const shardsOf = new Map<string, number>();
  for (const s of plan.locationShards) shardsOf.set(s.regionId, s.parts);
  out.push(
    '',
    `Location shards (a tracker and a geofence collection each): ${[...shardsOf].map(([region, parts]) => `${region} ×${parts}`).join(', ')}`,
  );
  const raise = plan.lines.filter((l) => l.exceedsDefault);
  out.push(
    '',
    `Quotas to raise before election week: ${raise.length === 0 ? 'none' : raise.map((l) => `${l.service} ${l.metric}`).join('; ')}`,
  );
  out.push('', '| cost of the day (USD, list prices) | |', '|---|---:|');
  for (const c of plan.costs) out.push(`| ${c.item} | ${n(c.usd)} |`);
  out.push(`| **total** | **${n(plan.totalUsd)}** |`);
  out.push(
    '',
    'Assumptions:',
    `- a machine casts at most ${a.maxVotesPerMachinePerMinute} votes/min; ${a.verificationsPerVote} verification attempts per vote`,
    `- each machine sends a position fix every ${a.positionIntervalSeconds} s and stays connected ${a.connectedHours} h; all connect within ${a.connectRampMinutes} min`,
    `- per vote: ${n(a.eventsPerVote)} events put on the bus, ${n(a.crossRegionEventsPerVote)} forwarded across regions, ${n(a.lambdaInvocationsPerVote)} Lambda invocations, ${n(a.sqsRequestsPerVote)} SQS requests`,
    `- Lambda durations (s): ${Object.entries(a.durations)
      .map(([k, v]) => `${k} ${v}`)
      .join(', ')}; ${a.lambdaMemoryGb} GB arm64`,
    `- DynamoDB units per vote: writes ${JSON.stringify(a.writesPerVote)}, reads ${JSON.stringify(a.readsPerVote)}; ${a.replicatedTables.join(', ')} are written in both regions`,
    `- Redis: ${a.redisOpsPerVerification} commands per verification, ${n(a.redisOpsPerShard)} commands/s per shard, a replica per shard`,
    `- every quota request is the need × ${a.headroom}; default quotas are those of the largest regions (check Service Quotas)`,
    '- prices: us-east-1 on-demand list prices; a day of ElastiCache is counted, not the weeks of setup',
  );
  return out.join('\n');
}
