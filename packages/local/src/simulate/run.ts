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
import { issueMachineCertificate } from '../pki/election-ca';
import { type Runtime, startRuntime } from '../runtime/runtime';
import { type CloseOfPollReport, closeOfPoll } from './close';
import type { IncidentKind, Simulation } from './config';
import { inPool, seedElectionFast } from './election';

/**
 * Simulated time: starts at `start` and runs `speedup` times faster than the wall clock once
 * `run()` is called. Until then, and while held, it stands still: seeding and powering machines
 * on take real time the poll day must not lose, and when the machine running the simulation
 * cannot serve voters as fast as they arrive, the day waits for it rather than leaving voters
 * holding ballot tokens that expire while the simulator catches up.
 */
export class SimClock implements Clock {
  private base: number;
  private realBase: number | undefined;
  private heldSince: number | undefined = performance.now();
  private heldMs = 0;
  private started = false;
  constructor(
    start: number,
    readonly speedup: number,
  ) {
    this.base = start;
  }
  now(): number {
    if (this.realBase === undefined) return this.base;
    return Math.floor(this.base + (performance.now() - this.realBase) * this.speedup);
  }
  /** Sets the clock running (again) from where it stands. */
  run(): void {
    if (this.realBase !== undefined) return;
    this.realBase = performance.now();
    // The first start ends the setup, which is not counted as holding.
    if (this.heldSince !== undefined && this.started) this.heldMs += performance.now() - this.heldSince;
    this.heldSince = undefined;
    this.started = true;
  }
  /** Stops the clock where it stands until `run()`. */
  hold(): void {
    if (this.realBase === undefined) return;
    this.base = this.now();
    this.realBase = undefined;
    this.heldSince = performance.now();
  }
  get held(): boolean {
    return this.realBase === undefined;
  }
  /** Real milliseconds the day was held after it started. */
  heldRealMs(): number {
    return (
      this.heldMs + (this.heldSince !== undefined && this.started ? performance.now() - this.heldSince : 0)
    );
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
  /** What the injection did, where the bare kind does not say (e.g. how many probes were refused). */
  readonly detail?: string;
}

/** The final report of a simulation run. */
export interface SimulationReport {
  readonly blueprint: string;
  readonly booths: number;
  readonly voters: number;
  readonly speedup: number;
  readonly realSeconds: number;
  /** Real seconds the simulated clock stood still while the simulator caught up with arrivals. */
  readonly heldSeconds: number;
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
  readonly falseAlerts: readonly { kind: string; subject: string; at: string; evidence?: unknown }[];
  readonly latencyMs: {
    readonly p50: number;
    readonly p90: number;
    readonly p99: number;
    readonly max: number;
  };
  /** Result records, certification and the public bulletin after polls close. */
  readonly closeOfPoll: CloseOfPollReport;
}

interface Injected {
  readonly kind: IncidentKind | 'gateway-offline';
  readonly expected: readonly string[];
  /**
   * Alerts the incident also causes on its subject without being its detection (a cloned
   * certificate's connections churn the real machine's session): not counted as false alerts.
   */
  readonly related?: readonly string[];
  /** When the injection finished (simulated), where it takes a while. */
  endedAt?: number;
  detail?: string;
  readonly machineId?: string;
  readonly boothIds: readonly string[];
  readonly regionId?: string;
  at: number;
}

interface SeenAlert {
  readonly kind: string;
  readonly evidence?: unknown;
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
  options: { readonly bulletinDir?: string } = {},
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
    config: {
      ...settings,
      // A young tally window may differ by votes still being written. That lag is real time (a
      // vote's way through broker, ingest and two recorders): under a speedup a second of it is
      // minutes of simulated time, so the margin grows with the speedup as schedules do.
      settleMs: Math.max(2 * 60_000, sim.speedup * 5_000),
      // Likewise the votes a young window may differ by: the simulator casts `speedup` times a
      // real day's votes per real second, so five real seconds of lag are that many more votes.
      inFlightToleranceVotes: Math.max(50, sim.speedup * 5),
    },
    // As deployed: machines connect with certificates from the election CA, and the broker
    // holds each to its own topics (the IoT policy), so denials reach the fleet monitor.
    mqttTls: true,
    // The tally runs every simulated few minutes at most every second or two of real time.
    scheduleSpeedup: Math.min(sim.speedup, 60),
    runSchedules: true,
  });
  try {
    const regions = Math.max(
      1,
      Math.ceil(sim.booths / (sim.boothsPerConstituency * sim.constituenciesPerRegion)),
    );
    const perRegion = Math.ceil(sim.booths / (sim.boothsPerConstituency * regions));
    onProgress(`seeding ${sim.booths} booths and ${sim.booths * sim.votersPerBooth} voters…`);
    const demo = await seedElectionFast(
      runtime.deps,
      {
        regions,
        constituenciesPerRegion: perRegion,
        candidatesPerConstituency: sim.candidatesPerConstituency,
        boothsPerConstituency: sim.boothsPerConstituency,
        voters: sim.booths * sim.votersPerBooth,
      },
      256,
      // Voter i is registered at booth i mod booths, as the day's plan below sends them home.
      sim.booths,
    );
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
      join(dataDir, 'queues'),
      realStart,
      onProgress,
      options.bulletinDir ?? mkdtempSync(join(tmpdir(), 'ballotstream-bulletin-')),
    );
  } finally {
    await runtime.stop();
    rmSync(dataDir, { recursive: true, force: true });
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
  queueRoot: string,
  realStart: number,
  onProgress: (line: string) => void,
  bulletinDir: string,
): Promise<SimulationReport> {
  const { deps } = runtime;
  const stage = deps.config.stage;
  const pollMs = closesAt - opensAt;

  // What the platform said: every vote accepted or rejected, every alert, when.
  const acceptedAt = new Map<string, number>();
  const rejected: Record<string, number> = {};
  const alerts: SeenAlert[] = [];
  // Votes cast on a connected gateway and not yet answered, by vote id: when each was cast
  // (simulated). The clock holds while the oldest is more than a couple of minutes old.
  const unanswered = new Map<string, number>();
  runtime.bus.listen((e) => {
    const d = e.detail as Record<string, unknown>;
    if (e['detail-type'] === 'vote.accepted') {
      acceptedAt.set(String(d.voteId), performance.now());
      unanswered.delete(String(d.voteId));
    } else if (e['detail-type'] === 'vote.rejected') {
      rejected[String(d.reason)] = (rejected[String(d.reason)] ?? 0) + 1;
      if (d.voteId !== undefined) unanswered.delete(String(d.voteId));
    } else if (e['detail-type'] === 'alert.raised') {
      alerts.push({
        kind: String(d.kind),
        ...(d.machine ? { machine: String(d.machine) } : {}),
        ...(d.booth ? { booth: String(d.booth) } : {}),
        ...(d.region ? { region: String(d.region) } : {}),
        ...(d.evidence === undefined ? {} : { evidence: d.evidence }),
        at: Number(d.firstSeen),
      });
    }
  });

  // Gateways, one per machine; an offline one points at a dead port until it comes back.
  const gateways = new Map<string, BoothGateway>();
  const ca = runtime.ca;
  if (ca === undefined)
    throw new Error('the simulator needs the runtime to run MQTT over TLS (no election CA)');
  // Each machine's client certificate, issued once: a gateway swapped in after an offline
  // spell presents the same one, as the same device would.
  const certificates = new Map<string, Awaited<ReturnType<typeof issueMachineCertificate>>>();
  const certificateOf = async (machine: DemoMachine) => {
    let tls = certificates.get(machine.machineId);
    if (tls === undefined) {
      tls = await issueMachineCertificate(ca, machine.machineId);
      certificates.set(machine.machineId, tls);
    }
    return tls;
  };
  // A machine's queue lives under the run's data directory (removed with it); a gateway swapped
  // in after an offline spell resumes the same queue.
  const gatewayOptions = async (machine: DemoMachine, mqttUrl: string) => ({
    stage,
    machineId: machine.machineId,
    boothId: machine.boothId,
    electionId: demo.electionId,
    constituencyId: machine.constituencyId,
    privateKey: machine.privateKey,
    mqttUrl,
    bucketMs: deps.config.bucketMs,
    clock: () => clock.now(),
    tls: await certificateOf(machine),
    queueDir: join(queueRoot, machine.machineId),
  });
  // Machines power on over the hour before polls open, not all in one instant: a few dozen
  // connecting at a time, each connected before the next wave.
  await inPool(machines.length, 32, async (i) => {
    const machine = machines[i]!;
    const gateway = new BoothGateway(await gatewayOptions(machine, runtime.mqttUrl));
    await gateway.start();
    await gateway.connected();
    gateways.set(machine.machineId, gateway);
  });
  // Every machine is on: the poll day's clock starts five minutes before opening.
  clock.run();

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

  // Voters between arriving and pressing the button, by arrival: when each began (simulated).
  const voting = new Map<number, number>();
  let votingSeq = 0;
  // Machines whose uplink is down: their votes wait in the queue by design.
  const offlineNow = new Set<string>();

  async function vote(machine: DemoMachine, voterIndex: number): Promise<void> {
    const id = votingSeq++;
    voting.set(id, clock.now());
    try {
      await voteNow(machine, voterIndex);
    } finally {
      voting.delete(id);
    }
  }

  async function voteNow(machine: DemoMachine, voterIndex: number): Promise<void> {
    const voter = demo.voters[voterIndex]!;
    const ballotToken = await verifyAt(machine, voter.ticket, voter.fingerprint);
    if (ballotToken === undefined) return;
    const candidates = demo.candidates.get(machine.constituencyId)!;
    const candidate = candidates[Math.floor(random() * candidates.length)]!;
    const castSimAt = clock.now();
    const receipt = await gateways.get(machine.machineId)!.cast(ballotToken, candidate);
    castAt.set(receipt.voteId, performance.now());
    if (!offlineNow.has(machine.machineId) && !acceptedAt.has(receipt.voteId))
      unanswered.set(receipt.voteId, castSimAt);
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
  // Machines carried away, and where they now are.
  const offRoute = new Map<string, { lat: number; lon: number }>();
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
          // 24 extra votes also take the booth past its electorate.
          expected: ['vote-rate', 'burst-after-silence', 'booth-trend', 'turnout-above-electorate'],
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
        const place = placeOf(machine);
        // Carried about 5 km north-east, reporting as it goes; it keeps reporting from there.
        for (let k = 1; k <= 3; k++) publishPosition(machine, place.lat + 0.015 * k, place.lon + 0.015 * k);
        offRoute.set(machine.machineId, { lat: place.lat + 0.045, lon: place.lon + 0.045 });
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
    const cloned = pick();
    const others = machines.filter((m) => m.machineId !== cloned.machineId);
    scheduled.push({
      at: hourAt(8.5),
      run: async () => {
        const incident: Injected = {
          kind: 'auth-failure-storm',
          expected: ['authorization-failures'],
          // Each probe connects with the machine's own client id and takes its session over; the
          // real gateway reconnects, so the machine's connection count climbs as well.
          related: ['reconnect-storm'],
          machineId: cloned.machineId,
          boothIds: [cloned.boothId],
          at: clock.now(),
        };
        injected.push(incident);
        // Someone holding a copy of this machine's certificate and key probes other machines'
        // topics: a connection as the machine, publishes on votes topics that are not its own,
        // dropped by the broker, then again. IoT Core counts these as the thing's authorization
        // failures; Device Defender alarms on them.
        const stolen = await certificateOf(cloned);
        let probes = 0;
        let dropped = 0;
        for (let k = 0; k < 12; k++) {
          const clone = await mqtt
            .connectAsync(runtime.mqttUrl, {
              clientId: cloned.machineId,
              key: stolen.keyPem,
              cert: stolen.certPem,
              ca: stolen.caPem,
              reconnectPeriod: 0,
              connectTimeout: 5_000,
            })
            .catch(() => undefined);
          if (clone === undefined) continue;
          clone.on('error', () => undefined);
          const closed = new Promise<boolean>((r) => clone.once('close', () => r(true)));
          const victim = others[(k * 7) % others.length]!;
          await clone
            .publishAsync(topics.votes(stage, victim.machineId), '{"probe":true}', { qos: 0 })
            .then(() => probes++)
            .catch(() => undefined);
          // The broker refuses the publish and drops the connection; waiting for that (not
          // hanging up first) is what makes the publish reach the broker at all.
          if (await Promise.race([closed, new Promise<boolean>((r) => setTimeout(() => r(false), 1_000))]))
            dropped++;
          await clone.endAsync(true).catch(() => undefined);
        }
        // And intruders with no certificate at all: the TLS handshake refuses them before MQTT,
        // so they never reach the broker's counters (nor do they in IoT Core).
        let refusedAtHandshake = 0;
        for (let k = 0; k < 5; k++) {
          const intruder = await mqtt
            .connectAsync(runtime.mqttUrl, {
              clientId: `intruder-${k}`,
              ca: stolen.caPem,
              reconnectPeriod: 0,
              connectTimeout: 5_000,
            })
            .catch(() => undefined);
          if (intruder === undefined) refusedAtHandshake++;
          else await intruder.endAsync(true).catch(() => undefined);
        }
        incident.endedAt = clock.now();
        incident.detail = `${probes} probes on other machines' votes topics with the cloned certificate, ${dropped} dropped by the broker; ${refusedAtHandshake} of 5 intruders without one refused at the TLS handshake`;
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
    const outage: Injected = {
      kind: 'secondary-outage',
      expected: ['regions-diverged'],
      boothIds: [],
      at: Number.NaN,
    };
    scheduled.push({
      at: hourAt(4.5),
      run: async () => {
        outage.at = clock.now();
        injected.push(outage);
        secondaryDown = true;
      },
    });
    scheduled.push({
      at: hourAt(5.5),
      run: async () => {
        secondaryDown = false;
        outage.endedAt = clock.now();
      },
    });
  }
  // Gateways that lose their uplink and catch up later.
  const offline = Array.from(
    { length: Math.min(sim.offline.booths, machines.length) },
    (_, k) => machines[(k * 7919 + 13) % machines.length]!,
  );
  for (const machine of offline) {
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
        offlineNow.add(machine.machineId);
        await swapGateway(machine, 'mqtts://127.0.0.1:9');
      },
    });
    scheduled.push({
      at: hourAt(sim.offline.atHour) + sim.offline.minutes * 60_000,
      run: async () => {
        await swapGateway(machine, runtime.mqttUrl);
        offlineNow.delete(machine.machineId);
      },
    });
  }
  async function swapGateway(machine: DemoMachine, url: string): Promise<void> {
    const old = gateways.get(machine.machineId)!;
    // Going offline: the gateway delivers what it holds first; coming back: the offline gateway's
    // queue stays on disk and the replacement resumes it from the same directory, with the
    // machine's same certificate.
    if (url !== runtime.mqttUrl) await old.drained();
    await old.stop();
    const replacement = new BoothGateway(await gatewayOptions(machine, url));
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
      const place = offRoute.get(machine.machineId) ?? placeOf(machine);
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
  let heldAt = 0;
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
    // The day waits for the machine running it: while voters wait for the simulator, a voter
    // has stood between verification and the button for minutes, a cast vote has gone minutes
    // unanswered, or event deliveries (recorders, watchers) pile up, the clock holds. Under a
    // speedup a second of real lag is minutes of simulated time; held, the platform sees voters
    // when they came and tokens do not expire in the simulator's hands. A hold lasting half a
    // minute of real time is let go, so a lost answer cannot stop the day.
    const waitingSince = nextArrival < plan.length ? plan[nextArrival]!.at : Number.POSITIVE_INFINITY;
    const oldestVoter = voting.values().next().value ?? now;
    const oldestCast = unanswered.values().next().value ?? now;
    const backlog = runtime.bus.pendingDeliveries();
    const behindBy = Math.max(now - waitingSince, now - oldestVoter, now - oldestCast);
    if (!clock.held && (behindBy > 120_000 || backlog > 400)) {
      clock.hold();
      heldAt = performance.now();
    } else if (
      clock.held &&
      ((waitingSince > now && now - oldestVoter <= 60_000 && now - oldestCast <= 60_000 && backlog < 100) ||
        performance.now() - heldAt > 30_000)
    )
      clock.run();
    if (performance.now() - lastProgress > 1000) {
      lastProgress = performance.now();
      const simTime = new Date(now).toISOString().slice(11, 16);
      const behind = nextArrival < plan.length ? Math.max(0, (now - plan[nextArrival]!.at) / 60_000) : 0;
      onProgress(
        `[${simTime} UTC] arrived ${nextArrival}/${plan.length}  verified ${verified}  cast ${sent}  accepted ${acceptedAt.size}  rejected ${JSON.stringify(rejected)}  alerts ${alertSummary()}${behind > 1 ? `  (${behind.toFixed(0)} sim-min behind)` : ''}  deliveries ${runtime.bus.pendingDeliveries()}${clock.held ? '  (clock held)' : ''}`,
      );
    }
    await new Promise((r) => setTimeout(r, inFlight.size >= sim.concurrency ? 2 : 10));
  }
  clock.run();
  await Promise.all([...inFlight]);
  onProgress('polls closed: waiting for every gateway to deliver its queue…');
  await Promise.all([...gateways.values()].map((g) => g.drained()));
  await runtime.bus.drain();
  // Let the fleet and anomaly rules see the day's end, then tally until both regions agree.
  for (let k = 0; k < 3; k++) {
    await runtime.scheduler.runNow('materialiseTallies');
    await runtime.bus.drain();
  }
  // Close of poll: held, so the simulated clock does not run the missing-record grace out while
  // this machine works through every record (the platform's lag, not the booths').
  clock.hold();
  const closed = await closeOfPoll({
    runtime,
    electionId: demo.electionId,
    machines,
    gateways,
    certificates,
    explain: (machine) =>
      injected.find((i) => i.machineId === machine.machineId || i.boothIds.includes(machine.boothId))?.kind,
    bulletinDir,
    now: () => clock.now(),
    onProgress,
  });
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
    const names = (a: SeenAlert) =>
      incident.boothIds.length === 0 ||
      (incident.machineId !== undefined && a.machine === incident.machineId) ||
      (a.booth !== undefined && incident.boothIds.includes(a.booth));
    const match = alerts.find(
      (a) => incident.expected.includes(a.kind) && a.at >= incident.at - 60_000 && names(a),
    );
    // An expected alert on the subject from the incident on is this incident's (one raised
    // before it began is a false alert); a related one only while the injection ran and one
    // fleet window after.
    // An incident with an end (the secondary region back) owns its expected alerts until the
    // tally has had two windows to backfill and agree, not for the rest of the day.
    const relatedUntil = (incident.endedAt ?? incident.at) + deps.config.monitoring.fleet.windowMs;
    const expectedUntil =
      incident.kind === 'secondary-outage' && incident.endedAt !== undefined
        ? incident.endedAt + 2 * deps.config.tallyWindowMs + deps.config.settleMs
        : Number.POSITIVE_INFINITY;
    for (const a of alerts) {
      if (!names(a) || a.at < incident.at - 60_000) continue;
      if (incident.expected.includes(a.kind) && a.at <= expectedUntil) used.add(a);
      else if (incident.related?.includes(a.kind) && a.at <= relatedUntil) used.add(a);
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
      ...(incident.detail === undefined ? {} : { detail: incident.detail }),
    };
  });
  const falseAlerts = alerts
    .filter((a) => !used.has(a))
    .map((a) => ({
      kind: a.kind,
      subject: a.machine ?? a.booth ?? a.region ?? '',
      at: new Date(a.at).toISOString(),
      ...(a.evidence === undefined ? {} : { evidence: a.evidence }),
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
    heldSeconds: clock.heldRealMs() / 1000,
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
    closeOfPoll: closed,
  };
}
