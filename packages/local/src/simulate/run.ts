import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { blueprintElection, blueprintSettings, createEntity, loadBlueprint } from '@ballotstream/core';
import type { DemoElection, DemoMachine } from '../demo/seed';
import { type Runtime, startRuntime } from '../runtime/runtime';
import { type ArrivalPlan, planArrivals, Voters } from './arrivals';
import { Pacer, SimClock } from './clock';
import { closeOfPoll } from './close';
import type { Simulation } from './config';
import { seedElectionFast } from './election';
import { Fleet } from './fleet';
import { type IncidentContext, type Injected, type Scheduled, scheduleIncidents } from './incidents';
import { randomFrom } from './random';
import { compareTally, judgeIncidents, latencyOf, Observed, type SimulationReport } from './report';

export type { IncidentOutcome, SimulationReport } from './report';

/** Everything one simulated day is played with. */
interface Day {
  readonly sim: Simulation;
  readonly runtime: Runtime;
  readonly demo: DemoElection;
  readonly machines: readonly DemoMachine[];
  readonly clock: SimClock;
  readonly random: () => number;
  readonly opensAt: number;
  readonly closesAt: number;
  readonly queueRoot: string;
  readonly realStart: number;
  readonly onProgress: (line: string) => void;
  readonly bulletinDir: string;
}

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
  const election = blueprintElection(blueprint);
  const opensAt = Date.parse(election.opensAt);
  const closesAt = Date.parse(election.closesAt);
  const clock = new SimClock(opensAt - 5 * 60_000, sim.speedup);
  const random = randomFrom(sim.seed);
  const dataDir = mkdtempSync(join(tmpdir(), 'ballotstream-simulate-'));
  const realStart = performance.now();
  const runtime = await startSimulatedRuntime(sim, blueprintSettings(blueprint), dataDir, clock);
  try {
    const { demo, machines } = await seed(sim, runtime, onProgress);
    await createEntity(runtime.deps as Parameters<typeof createEntity>[0], {
      entity: 'election',
      body: election,
      actor: { subject: 'simulator', role: 'admin' },
    });
    return await play({
      sim,
      runtime,
      demo,
      machines,
      clock,
      random,
      opensAt,
      closesAt,
      queueRoot: join(dataDir, 'queues'),
      realStart,
      onProgress,
      bulletinDir: options.bulletinDir ?? mkdtempSync(join(tmpdir(), 'ballotstream-bulletin-')),
    });
  } finally {
    await runtime.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

function startSimulatedRuntime(
  sim: Simulation,
  settings: ReturnType<typeof blueprintSettings>,
  dataDir: string,
  clock: SimClock,
): Promise<Runtime> {
  return startRuntime({
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
}

/** Seeds the scaled election: regions, constituencies, booths, machines and voters. */
async function seed(
  sim: Simulation,
  runtime: Runtime,
  onProgress: (line: string) => void,
): Promise<{ demo: DemoElection; machines: readonly DemoMachine[] }> {
  const regions = Math.max(
    1,
    Math.ceil(sim.booths / (sim.boothsPerConstituency * sim.constituenciesPerRegion)),
  );
  const perRegion = Math.ceil(sim.booths / (sim.boothsPerConstituency * regions));
  onProgress(`seeding ${sim.booths} booths and ${sim.booths * sim.votersPerBooth} voters…`);
  const started = performance.now();
  const cpu = process.cpuUsage();
  const demo = await seedElectionFast(
    runtime.deps,
    {
      regions,
      constituenciesPerRegion: perRegion,
      candidatesPerConstituency: sim.candidatesPerConstituency,
      boothsPerConstituency: sim.boothsPerConstituency,
      voters: sim.booths * sim.votersPerBooth,
    },
    // Voter i is registered at booth i mod booths, as the day's plan below sends them home.
    sim.booths,
  );
  const { user, system } = process.cpuUsage(cpu);
  onProgress(
    `seeded in ${((performance.now() - started) / 1000).toFixed(1)} s (${((user + system) / 1e6).toFixed(1)} s of CPU)`,
  );
  return { demo, machines: demo.machines.slice(0, sim.booths) };
}

/** The day from power-on to the report: machines on, voting hours, close of poll, judgement. */
async function play(day: Day): Promise<SimulationReport> {
  const { sim, runtime, demo, machines, clock, random } = day;
  const observed = new Observed(runtime);
  const fleet = new Fleet(runtime, demo, machines, clock, day.queueRoot, sim.gps);
  await fleet.powerOn();
  // Every machine is on: the poll day's clock starts five minutes before opening.
  clock.run();
  const voters = new Voters(runtime, demo, fleet, observed, clock, random);
  const arrivals = planArrivals(sim, machines, day.opensAt, day.closesAt - day.opensAt, random);
  const injected: Injected[] = [];
  const ctx: IncidentContext = {
    sim,
    runtime,
    demo,
    fleet,
    voters,
    clock,
    arrivals,
    opensAt: day.opensAt,
    pick: () => machines[Math.floor(random() * machines.length)]!,
    injected,
  };
  const scheduled = scheduleIncidents(ctx);
  await runPollHours(day, { fleet, voters, observed, arrivals, scheduled });
  await settle(day, fleet);
  const closed = await closeOfPoll({
    runtime,
    electionId: demo.electionId,
    machines,
    gateways: fleet.gateways,
    certificates: fleet.certificates,
    explain: (machine) =>
      injected.find((i) => i.machineId === machine.machineId || i.boothIds.includes(machine.boothId))?.kind,
    bulletinDir: day.bulletinDir,
    now: () => clock.now(),
    onProgress: day.onProgress,
  });
  await Promise.allSettled([...fleet.gateways.values()].map((g) => g.stop()));
  const tally = await compareTally(runtime, demo.electionId, voters.truth);
  const { config } = runtime.deps;
  const judged = judgeIncidents(injected, observed.alerts, {
    fleetWindowMs: config.monitoring.fleet.windowMs,
    tallyWindowMs: config.tallyWindowMs,
    settleMs: config.settleMs,
  });
  return {
    blueprint: sim.blueprint,
    booths: machines.length,
    voters: arrivals.votersTotal,
    speedup: sim.speedup,
    realSeconds: (performance.now() - day.realStart) / 1000,
    heldSeconds: clock.heldRealMs() / 1000,
    votes: {
      sent: voters.sent,
      accepted: observed.acceptedAt.size,
      rejected: observed.rejected,
      verificationRefusals: voters.verificationRefusals,
    },
    tally,
    ...judged,
    latencyMs: latencyOf(voters.castAt, observed.acceptedAt),
    closeOfPoll: closed,
  };
}

/** The parts of the day the poll hours drive. */
interface Hours {
  readonly fleet: Fleet;
  readonly voters: Voters;
  readonly observed: Observed;
  readonly arrivals: ArrivalPlan;
  readonly scheduled: Scheduled[];
}

/**
 * The poll hours: arrivals in order of simulated time with at most `concurrency` in flight,
 * incidents when due, positions every few simulated minutes, the clock held while the
 * simulator falls behind; returns once every voter and incident has been played.
 */
async function runPollHours(day: Day, hours: Hours): Promise<void> {
  const { sim, clock } = day;
  const { plan } = hours.arrivals;
  const { scheduled } = hours;
  const pacer = new Pacer(clock);
  const inFlight = new Set<Promise<void>>();
  const track = (work: Promise<void>) => {
    const tracked = work.catch(() => undefined).finally(() => inFlight.delete(tracked));
    inFlight.add(tracked);
  };
  let nextArrival = 0;
  let nextGps = day.opensAt;
  let lastProgress = 0;
  while (nextArrival < plan.length || scheduled.length > 0) {
    const now = clock.now();
    while (scheduled.length > 0 && scheduled[0]!.at <= now) track(scheduled.shift()!.run());
    if (now >= nextGps) {
      hours.fleet.reportPositions(day.random);
      nextGps += sim.gps.everyMinutes * 60_000;
    }
    while (nextArrival < plan.length && plan[nextArrival]!.at <= now && inFlight.size < sim.concurrency) {
      const a = plan[nextArrival++]!;
      track(hours.voters.vote(a.machine, a.voterIndex));
    }
    const waitingSince = nextArrival < plan.length ? plan[nextArrival]!.at : Number.POSITIVE_INFINITY;
    pacer.keepPace(now, {
      waitingSince,
      oldestVoter: hours.voters.voting.values().next().value ?? now,
      oldestCast: hours.observed.unanswered.values().next().value ?? now,
      backlog: day.runtime.bus.pendingDeliveries(),
      answers: hours.voters.answered + hours.observed.answered,
    });
    if (performance.now() - lastProgress > 1000) {
      lastProgress = performance.now();
      day.onProgress(progressLine(day, hours, now, nextArrival));
    }
    await new Promise((r) => setTimeout(r, inFlight.size >= sim.concurrency ? 2 : 10));
  }
  clock.run();
  await Promise.all([...inFlight]);
}

function progressLine(day: Day, hours: Hours, now: number, nextArrival: number): string {
  const { plan } = hours.arrivals;
  const { voters, observed } = hours;
  const simTime = new Date(now).toISOString().slice(11, 16);
  const behind = nextArrival < plan.length ? Math.max(0, (now - plan[nextArrival]!.at) / 60_000) : 0;
  return `[${simTime} UTC] arrived ${nextArrival}/${plan.length}  verified ${voters.verified}  cast ${voters.sent}  accepted ${observed.acceptedAt.size}  rejected ${JSON.stringify(observed.rejected)}  alerts ${observed.alertSummary()}${behind > 1 ? `  (${behind.toFixed(0)} sim-min behind)` : ''}  deliveries ${day.runtime.bus.pendingDeliveries()}${day.clock.held ? '  (clock held)' : ''}`;
}

/**
 * After the last voter: every gateway delivers its queue, the fleet and anomaly rules see the
 * day's end, and the tally runs until both regions agree. Then the clock holds, so the close of
 * poll's missing-record grace does not run out while this machine works through every record
 * (the platform's lag, not the booths').
 */
async function settle(day: Day, fleet: Fleet): Promise<void> {
  const { runtime } = day;
  day.onProgress('polls closed: waiting for every gateway to deliver its queue…');
  await Promise.all([...fleet.gateways.values()].map((g) => g.drained()));
  await runtime.bus.drain();
  for (let k = 0; k < 3; k++) {
    await runtime.scheduler.runNow('materialiseTallies');
    await runtime.bus.drain();
  }
  day.clock.hold();
}
