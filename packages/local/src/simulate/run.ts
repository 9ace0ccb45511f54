import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  blueprintElection,
  blueprintSettings,
  createEntity,
  loadBlueprint,
  readTallies,
} from '@ballotstream/core';
import type { Clock, VoteStore } from '@ballotstream/core/ports';
import { topics } from '@ballotstream/events';
import { installDeps } from '@ballotstream/functions/shared/deps';
import { BoothGateway } from '@ballotstream/gateway';
import mqtt from 'mqtt';
import { demoBoothPlace } from '../demo/geography';
import type { DemoElection, DemoMachine } from '../demo/seed';
import { type Runtime, startRuntime } from '../runtime/runtime';
import type { IncidentKind, Simulation } from './config';
import { inPool, seedElectionFast } from './election';

/** Simulated time: starts at `start` and runs `speedup` times faster than the wall clock. */
export class SimClock implements Clock {
  private readonly realStart = performance.now();
  constructor(
    private readonly start: number,
    readonly speedup: number,
  ) {}
  now(): number {
    return Math.floor(this.start + (performance.now() - this.realStart) * this.speedup);
  }
  /** Resolves once simulated time reaches `at`. */
  async until(at: number): Promise<void> {
    const wait = (at - this.now()) / this.speedup;
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
  }
}

/** One injected incident and what the platform said about it. */
export interface IncidentOutcome {
  readonly kind: IncidentKind | 'gateway-offline';
  readonly subject: string;
  readonly injectedAt: string;
  readonly expected: readonly string[];
  readonly detected: boolean;
  readonly alert?: string;
  readonly delaySeconds?: number;
}

/** The final report of a simulation run. */
export interface SimulationReport {
  readonly blueprint: string;
  readonly booths: number;
  readonly voters: number;
  readonly speedup: number;
  readonly realSeconds: number;
  readonly votes: {
    readonly sent: number;
    readonly accepted: number;
    readonly rejected: Record<string, number>;
    readonly verificationRefusals: Record<string, number>;
  };
  readonly tally: {
    readonly groundTruth: number;
    readonly tallied: number;
    readonly equal: boolean;
    readonly differences: string[];
  };
  readonly incidents: readonly IncidentOutcome[];
  readonly falseAlerts: readonly { kind: string; subject: string; at: string }[];
  readonly latencyMs: {
    readonly p50: number;
    readonly p90: number;
    readonly p99: number;
    readonly max: number;
  };
}

interface Injected {
  readonly kind: IncidentKind | 'gateway-offline';
  readonly expected: readonly string[];
  readonly machineId?: string;
  readonly boothIds: readonly string[];
  readonly regionId?: string;
  readonly at: number;
}

interface SeenAlert {
  readonly kind: string;
  readonly machine?: string;
  readonly booth?: string;
  readonly region?: string;
  readonly at: number;
}

/** A seeded pseudo-random generator (xorshift), so a run can be replayed. */
function randomFrom(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return (s >>> 0) / 2 ** 32;
  };
}

function normal(random: () => number): number {
  return Math.sqrt(-2 * Math.log(random() || 1e-9)) * Math.cos(2 * Math.PI * random());
}

const p = (sorted: readonly number[], q: number) =>
  sorted.length === 0 ? 0 : sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)]!;

/**
 * Plays an election day against the embedded runtime: voters arrive at booths on a two-peak
 * curve, vote at home or away, machines report jittered positions, some gateways lose their
 * uplink and catch up, and the chosen incidents are injected; then the tally is compared with
 * what was cast, and every incident with the alerts it raised.
 */
export async function simulate(
  sim: Simulation,
  onProgress: (line: string) => void,
): Promise<SimulationReport> {
  const blueprint = loadBlueprint(sim.blueprint);
  const settings = blueprintSettings(blueprint);
  const election = blueprintElection(blueprint);
  const opensAt = Date.parse(election.opensAt);
  const closesAt = Date.parse(election.closesAt);
  const clock = new SimClock(opensAt - 5 * 60_000, sim.speedup);
  const random = randomFrom(sim.seed);
  const dataDir = mkdtempSync(join(tmpdir(), 'ballotstream-simulate-'));
  const realStart = performance.now();
  const runtime = await startRuntime({
    dataDir,
    clock,
    config: settings,
    // The tally runs every simulated few minutes at most every second or two of real time.
    scheduleSpeedup: Math.min(sim.speedup, 60),
    runSchedules: true,
  });
  const offlineDirs: string[] = [];
  try {
    const regions = Math.max(
      1,
      Math.ceil(sim.booths / (sim.boothsPerConstituency * sim.constituenciesPerRegion)),
    );
    const perRegion = Math.ceil(sim.booths / (sim.boothsPerConstituency * regions));
    onProgress(`seeding ${sim.booths} booths and ${sim.booths * sim.votersPerBooth} voters…`);
    const demo = await seedElectionFast(runtime.deps, {
      regions,
      constituenciesPerRegion: perRegion,
      candidatesPerConstituency: sim.candidatesPerConstituency,
      boothsPerConstituency: sim.boothsPerConstituency,
      voters: sim.booths * sim.votersPerBooth,
    });
    const machines = demo.machines.slice(0, sim.booths);
    await createEntity(runtime.deps as Parameters<typeof createEntity>[0], {
      entity: 'election',
      body: election,
      actor: { name: 'simulator', role: 'admin' },
    });
    return await play(
      sim,
      runtime,
      demo,
      machines,
      clock,
      random,
      opensAt,
      closesAt,
      offlineDirs,
      realStart,
      onProgress,
    );
  } finally {
    await runtime.stop();
    rmSync(dataDir, { recursive: true, force: true });
    for (const dir of offlineDirs) rmSync(dir, { recursive: true, force: true });
  }
}

async function play(
  sim: Simulation,
  runtime: Runtime,
  demo: DemoElection,
  machines: readonly DemoMachine[],
  clock: SimClock,
  random: () => number,
  opensAt: number,
  closesAt: number,
  offlineDirs: string[],
  realStart: number,
  onProgress: (line: string) => void,
): Promise<SimulationReport> {
  const { deps } = runtime;
  const stage = deps.config.stage;
  const pollMs = closesAt - opensAt;

  // What the platform said: every vote accepted or rejected, every alert, when.
  const acceptedAt = new Map<string, number>();
  const rejected: Record<string, number> = {};
  const alerts: SeenAlert[] = [];
  runtime.bus.listen((e) => {
    const d = e.detail as Record<string, unknown>;
    if (e['detail-type'] === 'vote.accepted') acceptedAt.set(String(d.voteId), performance.now());
    else if (e['detail-type'] === 'vote.rejected')
      rejected[String(d.reason)] = (rejected[String(d.reason)] ?? 0) + 1;
    else if (e['detail-type'] === 'alert.raised') {
      alerts.push({
        kind: String(d.kind),
        ...(d.machine ? { machine: String(d.machine) } : {}),
        ...(d.booth ? { booth: String(d.booth) } : {}),
        ...(d.region ? { region: String(d.region) } : {}),
        at: Number(d.firstSeen),
      });
    }
  });

  // Gateways, one per machine; an offline one points at a dead port until it comes back.
  const gateways = new Map<string, BoothGateway>();
  const gatewayOptions = (machine: DemoMachine, mqttUrl: string, queueDir?: string) => ({
    stage,
    machineId: machine.machineId,
    boothId: machine.boothId,
    electionId: demo.electionId,
    constituencyId: machine.constituencyId,
    privateKey: machine.privateKey,
    mqttUrl,
    bucketMs: deps.config.bucketMs,
    clock: () => clock.now(),
    ...(queueDir === undefined ? {} : { queueDir }),
  });
  // Machines power on over the hour before polls open, not all in one instant: a few dozen
  // connecting at a time, each connected before the next wave.
  await inPool(machines.length, 32, async (i) => {
    const machine = machines[i]!;
    const gateway = new BoothGateway(gatewayOptions(machine, runtime.mqttUrl));
    await gateway.start();
    await gateway.connected();
    gateways.set(machine.machineId, gateway);
  });

  const boothToken = (machine: DemoMachine) =>
    runtime.tokens.mint({ role: 'booth', subject: machine.boothId });
  const tokens = new Map(machines.map((m) => [m.machineId, boothToken(m)]));
  const verificationRefusals: Record<string, number> = {};
  const castAt = new Map<string, number>();
  const truth = new Map<string, number>();
  let verified = 0;
  let sent = 0;

  async function verifyAt(
    machine: DemoMachine,
    ticket: string,
    fingerprint: string,
  ): Promise<string | undefined> {
    const response = await fetch(`${runtime.httpUrl}/verifications`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        authorization: `Bearer ${tokens.get(machine.machineId)}`,
      },
      body: JSON.stringify({ ticket, fingerprint, boothId: machine.boothId, machineId: machine.machineId }),
    });
    const body = (await response.json()) as { ballotToken?: string; error?: string };
    if (response.status === 201 && body.ballotToken) {
      verified++;
      return body.ballotToken;
    }
    const reason = body.error ?? String(response.status);
    verificationRefusals[reason] = (verificationRefusals[reason] ?? 0) + 1;
    return undefined;
  }

  async function vote(machine: DemoMachine, voterIndex: number): Promise<void> {
    const voter = demo.voters[voterIndex]!;
    const ballotToken = await verifyAt(machine, voter.ticket, voter.fingerprint);
    if (ballotToken === undefined) return;
    const candidates = demo.candidates.get(machine.constituencyId)!;
    const candidate = candidates[Math.floor(random() * candidates.length)]!;
    const receipt = await gateways.get(machine.machineId)!.cast(ballotToken, candidate);
    castAt.set(receipt.voteId, performance.now());
    const key = `${machine.constituencyId}#${candidate}`;
    truth.set(key, (truth.get(key) ?? 0) + 1);
    sent++;
  }

  // Arrivals: who votes, where, and when (simulated ms after opening).
  const { arrivals } = sim;
  const arrivalOffset = () => {
    const hours = pollMs / 3_600_000;
    const u = random();
    let h: number;
    if (u < arrivals.baseShare) h = random() * hours;
    else {
      const peak =
        u < arrivals.baseShare + (1 - arrivals.baseShare) / 2
          ? arrivals.morningPeakHour
          : arrivals.eveningPeakHour;
      h = peak + normal(random) * arrivals.peakWidthHours;
    }
    return Math.min(pollMs - 60_000, Math.max(0, h * 3_600_000));
  };
  const plan: { at: number; voterIndex: number; machine: DemoMachine }[] = [];
  const abstainers: number[] = [];
  const votersTotal = machines.length * sim.votersPerBooth;
  for (let i = 0; i < votersTotal; i++) {
    if (random() >= sim.turnout) {
      abstainers.push(i);
      continue;
    }
    const home = i % machines.length;
    const where = random() < sim.awayShare ? Math.floor(random() * machines.length) : home;
    plan.push({ at: opensAt + arrivalOffset(), voterIndex: i, machine: machines[where]! });
  }
  plan.sort((a, b) => a.at - b.at);

  // Incidents, each at its own simulated hour.
  const injected: Injected[] = [];
  const offRoute = new Set<string>();
  const pick = () => machines[Math.floor(random() * machines.length)]!;
  const hourAt = (h: number) => opensAt + h * 3_600_000;
  const scheduled: { at: number; run: () => Promise<void> }[] = [];
  const chosen = new Set(sim.incidents);

  if (chosen.has('booth-capture')) {
    const machine = pick();
    const voters = abstainers.splice(0, 24);
    scheduled.push({
      at: hourAt(5.2),
      run: async () => {
        injected.push({
          kind: 'booth-capture',
          expected: ['vote-rate', 'burst-after-silence', 'booth-trend'],
          machineId: machine.machineId,
          boothIds: [machine.boothId],
          regionId: machine.regionId,
          at: clock.now(),
        });
        await Promise.all(voters.map((v) => vote(machine, v)));
      },
    });
  }
  const alreadyVoted = () => plan.filter((a) => a.at < clock.now()).slice(0, 40);
  if (chosen.has('repeat-voter')) {
    scheduled.push({
      at: hourAt(6),
      run: async () => {
        const voter = demo.voters[alreadyVoted()[0]?.voterIndex ?? 0]!;
        const booths = Array.from({ length: 10 }, pick);
        injected.push({
          kind: 'repeat-voter',
          expected: ['repeat-voter', 'verification-refusals'],
          boothIds: booths.map((m) => m.boothId),
          at: clock.now(),
        });
        for (const machine of booths) await verifyAt(machine, voter.ticket, voter.fingerprint);
      },
    });
  }
  if (chosen.has('forged-ticket')) {
    const machine = pick();
    scheduled.push({
      at: hourAt(6.5),
      run: async () => {
        injected.push({
          kind: 'forged-ticket',
          expected: ['verification-refusals'],
          machineId: machine.machineId,
          boothIds: [machine.boothId],
          at: clock.now(),
        });
        const real = demo.voters[abstainers.pop() ?? 0]!;
        for (let k = 0; k < 12; k++) {
          const [head, key, body, signature] = real.ticket.split('.') as [string, string, string, string];
          // A ticket whose signature was altered: the issue centre never signed these bytes.
          const forged = `${head}.${key}.${body}.${signature.slice(0, -4)}${'AAAA'.slice(0, 4 - (k % 4))}${'B'.repeat(k % 4)}`;
          await verifyAt(machine, forged, real.fingerprint);
        }
      },
    });
  }
  if (chosen.has('replayed-ticket')) {
    const machine = pick();
    scheduled.push({
      at: hourAt(7),
      run: async () => {
        injected.push({
          kind: 'replayed-ticket',
          expected: ['verification-refusals'],
          machineId: machine.machineId,
          boothIds: [machine.boothId],
          at: clock.now(),
        });
        for (const a of alreadyVoted().slice(0, 12)) {
          const voter = demo.voters[a.voterIndex]!;
          await verifyAt(machine, voter.ticket, voter.fingerprint);
        }
      },
    });
  }
  if (chosen.has('off-geofence')) {
    const machine = pick();
    scheduled.push({
      at: hourAt(3.5),
      run: async () => {
        injected.push({
          kind: 'off-geofence',
          expected: ['off-geofence'],
          machineId: machine.machineId,
          boothIds: [machine.boothId],
          at: clock.now(),
        });
        offRoute.add(machine.machineId);
        const place = placeOf(machine);
        // Carried about 5 km north-east, reporting as it goes.
        for (let k = 1; k <= 3; k++) publishPosition(machine, place.lat + 0.015 * k, place.lon + 0.015 * k);
      },
    });
  }
  if (chosen.has('sos')) {
    const machine = pick();
    scheduled.push({
      at: hourAt(8),
      run: async () => {
        injected.push({
          kind: 'sos',
          expected: ['sos'],
          machineId: machine.machineId,
          boothIds: [machine.boothId],
          at: clock.now(),
        });
        telemetry(machine)?.publish(
          topics.sos(stage, machine.machineId),
          JSON.stringify({ boothId: machine.boothId, note: 'crowd at the gate', raisedAt: clock.now() }),
          { qos: 1 },
        );
      },
    });
  }
  if (chosen.has('auth-failure-storm')) {
    const target = pick();
    scheduled.push({
      at: hourAt(8.5),
      run: async () => {
        injected.push({
          kind: 'auth-failure-storm',
          expected: ['bad-credentials'],
          machineId: target.machineId,
          boothIds: [target.boothId],
          at: clock.now(),
        });
        // An intruder tries to publish as a machine it is not, again and again.
        for (let k = 0; k < 20; k++) {
          const intruder = await mqtt
            .connectAsync(runtime.mqttUrl, { clientId: `intruder-${k}`, reconnectPeriod: 0 })
            .catch(() => undefined);
          await intruder
            ?.publishAsync(topics.votes(stage, target.machineId), '{"forged":true}', { qos: 1 })
            .catch(() => undefined);
          await intruder?.endAsync(true).catch(() => undefined);
        }
      },
    });
  }
  let secondaryDown = false;
  if (chosen.has('secondary-outage')) {
    const secondary = deps.voteStores.secondary;
    const downable: VoteStore = new Proxy(secondary, {
      get(target, property, receiver) {
        const value = Reflect.get(target, property, receiver);
        if (typeof value !== 'function' || property === 'close') return value;
        return (...args: unknown[]) =>
          secondaryDown
            ? Promise.reject(new Error('secondary region is unreachable (simulated outage)'))
            : (value as (...a: unknown[]) => unknown).apply(target, args);
      },
    });
    installDeps({ ...deps, voteStores: { ...deps.voteStores, secondary: downable } });
    scheduled.push({
      at: hourAt(4.5),
      run: async () => {
        injected.push({
          kind: 'secondary-outage',
          expected: ['regions-diverged'],
          boothIds: [],
          at: clock.now(),
        });
        secondaryDown = true;
      },
    });
    scheduled.push({
      at: hourAt(5.5),
      run: async () => {
        secondaryDown = false;
      },
    });
  }
  // Gateways that lose their uplink and catch up later.
  const offline = Array.from(
    { length: Math.min(sim.offline.booths, machines.length) },
    (_, k) => machines[(k * 7919 + 13) % machines.length]!,
  );
  for (const machine of offline) {
    const queueDir = mkdtempSync(join(tmpdir(), `ballotstream-sim-${machine.machineId}-`));
    offlineDirs.push(queueDir);
    scheduled.push({
      at: hourAt(sim.offline.atHour),
      run: async () => {
        injected.push({
          kind: 'gateway-offline',
          expected: ['machine-offline', 'machine-silent'],
          machineId: machine.machineId,
          boothIds: [machine.boothId],
          at: clock.now(),
        });
        await swapGateway(machine, 'mqtt://127.0.0.1:9', queueDir);
      },
    });
    scheduled.push({
      at: hourAt(sim.offline.atHour) + sim.offline.minutes * 60_000,
      run: () => swapGateway(machine, runtime.mqttUrl, queueDir),
    });
  }
  async function swapGateway(machine: DemoMachine, url: string, queueDir: string): Promise<void> {
    const old = gateways.get(machine.machineId)!;
    // Going offline: the gateway delivers what it holds first; coming back: the offline gateway's
    // queue stays on disk and the replacement resumes it from the same directory.
    if (url !== runtime.mqttUrl) await old.drained();
    await old.stop();
    const replacement = new BoothGateway(gatewayOptions(machine, url, queueDir));
    await replacement.start();
    gateways.set(machine.machineId, replacement);
  }
  function telemetry(machine: DemoMachine): mqtt.MqttClient | undefined {
    // Positions and SOS share the machine's own connection, as a Greengrass core's components do.
    return (gateways.get(machine.machineId) as unknown as { client?: mqtt.MqttClient }).client;
  }
  function placeOf(machine: DemoMachine) {
    const [, r, c, b] = /^m-(\d+)-(\d+)-(\d+)$/.exec(machine.machineId)!.map(Number) as [
      number,
      number,
      number,
      number,
    ];
    return demoBoothPlace(r, c, b).location;
  }
  function publishPosition(machine: DemoMachine, lat: number, lon: number): void {
    telemetry(machine)?.publish(
      topics.position(stage, machine.machineId),
      JSON.stringify({ lat, lon, accuracyM: sim.gps.jitterMeters, sampledAt: clock.now() }),
      { qos: 0 },
    );
  }
  let nextGps = opensAt;
  const jitterDegrees = sim.gps.jitterMeters / 111_000;
  const reportPositions = () => {
    for (const machine of machines) {
      if (offRoute.has(machine.machineId)) continue;
      const place = placeOf(machine);
      publishPosition(
        machine,
        place.lat + normal(random) * jitterDegrees,
        place.lon + normal(random) * jitterDegrees,
      );
    }
  };

  const alertSummary = () => {
    const byKind = new Map<string, number>();
    for (const a of alerts) byKind.set(a.kind, (byKind.get(a.kind) ?? 0) + 1);
    return alerts.length === 0 ? '0' : [...byKind].map(([k, n]) => `${k} ${n}`).join(', ');
  };

  // The day: arrivals in order of simulated time, at most `concurrency` in flight.
  scheduled.sort((a, b) => a.at - b.at);
  const inFlight = new Set<Promise<void>>();
  let nextArrival = 0;
  let lastProgress = 0;
  const track = (work: Promise<void>) => {
    const tracked = work.catch(() => undefined).finally(() => inFlight.delete(tracked));
    inFlight.add(tracked);
  };
  while (nextArrival < plan.length || scheduled.length > 0) {
    const now = clock.now();
    while (scheduled.length > 0 && scheduled[0]!.at <= now) track(scheduled.shift()!.run());
    if (now >= nextGps) {
      reportPositions();
      nextGps += sim.gps.everyMinutes * 60_000;
    }
    while (nextArrival < plan.length && plan[nextArrival]!.at <= now && inFlight.size < sim.concurrency) {
      const a = plan[nextArrival++]!;
      track(vote(a.machine, a.voterIndex));
    }
    if (performance.now() - lastProgress > 1000) {
      lastProgress = performance.now();
      const simTime = new Date(now).toISOString().slice(11, 16);
      const behind = nextArrival < plan.length ? Math.max(0, (now - plan[nextArrival]!.at) / 60_000) : 0;
      onProgress(
        `[${simTime} UTC] arrived ${nextArrival}/${plan.length}  verified ${verified}  cast ${sent}  accepted ${acceptedAt.size}  rejected ${JSON.stringify(rejected)}  alerts ${alertSummary()}${behind > 1 ? `  (${behind.toFixed(0)} sim-min behind)` : ''}`,
      );
    }
    await new Promise((r) => setTimeout(r, inFlight.size >= sim.concurrency ? 2 : 10));
  }
  await Promise.all([...inFlight]);
  onProgress('polls closed: waiting for every gateway to deliver its queue…');
  await Promise.all([...gateways.values()].map((g) => g.drained()));
  await runtime.bus.drain();
  // Let the fleet and anomaly rules see the day's end, then tally until both regions agree.
  for (let k = 0; k < 3; k++) {
    await runtime.scheduler.runNow('materialiseTallies');
    await runtime.bus.drain();
  }
  await Promise.allSettled([...gateways.values()].map((g) => g.stop()));

  const report = await readTallies(deps.records, demo.electionId, 'constituency');
  const tallied = new Map<string, number>();
  for (const line of report.lines)
    if (line.votes > 0) tallied.set(`${line.scope}#${line.candidateId}`, line.votes);
  const differences: string[] = [];
  for (const key of new Set([...truth.keys(), ...tallied.keys()])) {
    if ((truth.get(key) ?? 0) !== (tallied.get(key) ?? 0))
      differences.push(`${key}: cast ${truth.get(key) ?? 0}, tallied ${tallied.get(key) ?? 0}`);
  }
  const sum = (m: ReadonlyMap<string, number>) => [...m.values()].reduce((a, b) => a + b, 0);

  // Each incident against the alerts that name its machine, booth or region after it began.
  const used = new Set<SeenAlert>();
  const incidents: IncidentOutcome[] = injected.map((incident) => {
    const match = alerts.find(
      (a) =>
        incident.expected.includes(a.kind) &&
        a.at >= incident.at - 60_000 &&
        (incident.boothIds.length === 0 ||
          (incident.machineId !== undefined && a.machine === incident.machineId) ||
          (a.booth !== undefined && incident.boothIds.includes(a.booth))),
    );
    for (const a of alerts) {
      if (
        incident.expected.includes(a.kind) &&
        (incident.boothIds.length === 0 ||
          (incident.machineId !== undefined && a.machine === incident.machineId) ||
          (a.booth !== undefined && incident.boothIds.includes(a.booth)))
      )
        used.add(a);
    }
    return {
      kind: incident.kind,
      subject: incident.machineId ?? incident.boothIds.slice(0, 3).join(',') ?? 'country',
      injectedAt: new Date(incident.at).toISOString(),
      expected: incident.expected,
      detected: match !== undefined,
      ...(match === undefined
        ? {}
        : { alert: match.kind, delaySeconds: Math.max(0, (match.at - incident.at) / 1000) }),
    };
  });
  const falseAlerts = alerts
    .filter((a) => !used.has(a))
    .map((a) => ({
      kind: a.kind,
      subject: a.machine ?? a.booth ?? a.region ?? '',
      at: new Date(a.at).toISOString(),
    }));
  const latencies = [...castAt]
    .flatMap(([id, t]) => (acceptedAt.has(id) ? [acceptedAt.get(id)! - t] : []))
    .sort((a, b) => a - b);
  return {
    blueprint: sim.blueprint,
    booths: machines.length,
    voters: votersTotal,
    speedup: sim.speedup,
    realSeconds: (performance.now() - realStart) / 1000,
    votes: { sent, accepted: acceptedAt.size, rejected, verificationRefusals },
    tally: {
      groundTruth: sum(truth),
      tallied: sum(tallied),
      equal: differences.length === 0,
      differences: differences.slice(0, 20),
    },
    incidents,
    falseAlerts,
    latencyMs: {
      p50: p(latencies, 0.5),
      p90: p(latencies, 0.9),
      p99: p(latencies, 0.99),
      max: latencies.at(-1) ?? 0,
    },
  };
}
