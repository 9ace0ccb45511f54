import type { VoteStore } from '@ballotstream/core/ports';
import { topics } from '@ballotstream/events';
import { installDeps } from '@ballotstream/functions/shared/deps';
import mqtt from 'mqtt';
import type { DemoElection, DemoMachine } from '../demo/seed';
import type { Runtime } from '../runtime/runtime';
import type { ArrivalPlan, Voters } from './arrivals';
import type { SimClock } from './clock';
import type { IncidentKind, Injected, Simulation } from './config';
import type { Fleet } from './fleet';

/** Work due at a simulated time. */
export interface Scheduled {
  readonly at: number;
  readonly run: () => Promise<void>;
}

/** What an incident needs of the day to inject itself. */
export interface IncidentContext {
  readonly sim: Simulation;
  readonly runtime: Runtime;
  readonly demo: DemoElection;
  readonly fleet: Fleet;
  readonly voters: Voters;
  readonly clock: SimClock;
  readonly arrivals: ArrivalPlan;
  readonly opensAt: number;
  /** A random machine (draws from the run's seeded generator). */
  readonly pick: () => DemoMachine;
  /** Where each injection records itself when it happens. */
  readonly injected: Injected[];
}

type Plan = (ctx: IncidentContext) => Scheduled[];

const hourAt = (ctx: IncidentContext, h: number) => ctx.opensAt + h * 3_600_000;

/** The first voters who arrived before now (simulated): tickets that have been used. */
const alreadyVoted = (ctx: IncidentContext) =>
  ctx.arrivals.plan.filter((a) => a.at < ctx.clock.now()).slice(0, 40);

/** Records an incident on one machine as begun now. */
function injectAt(ctx: IncidentContext, kind: IncidentKind, expected: string[], machine: DemoMachine): void {
  ctx.injected.push({
    kind,
    expected,
    machineId: machine.machineId,
    boothIds: [machine.boothId],
    at: ctx.clock.now(),
  });
}

const boothCapture: Plan = (ctx) => {
  const machine = ctx.pick();
  const voters = ctx.arrivals.abstainers.splice(0, 24);
  const run = async () => {
    ctx.injected.push({
      kind: 'booth-capture',
      // 24 extra votes also take the booth past its electorate.
      expected: ['vote-rate', 'burst-after-silence', 'booth-trend', 'turnout-above-electorate'],
      machineId: machine.machineId,
      boothIds: [machine.boothId],
      regionId: machine.regionId,
      at: ctx.clock.now(),
    });
    await Promise.all(voters.map((v) => ctx.voters.vote(machine, v)));
  };
  return [{ at: hourAt(ctx, 5.2), run }];
};

const repeatVoter: Plan = (ctx) => {
  const run = async () => {
    const voter = ctx.demo.voters[alreadyVoted(ctx)[0]?.voterIndex ?? 0]!;
    const booths = Array.from({ length: 10 }, ctx.pick);
    ctx.injected.push({
      kind: 'repeat-voter',
      expected: ['repeat-voter', 'verification-refusals'],
      boothIds: booths.map((m) => m.boothId),
      at: ctx.clock.now(),
    });
    for (const machine of booths) await ctx.voters.verifyAt(machine, voter.ticket, voter.fingerprint);
  };
  return [{ at: hourAt(ctx, 6), run }];
};

const forgedTicket: Plan = (ctx) => {
  const machine = ctx.pick();
  const run = async () => {
    injectAt(ctx, 'forged-ticket', ['verification-refusals'], machine);
    const real = ctx.demo.voters[ctx.arrivals.abstainers.pop() ?? 0]!;
    for (let k = 0; k < 12; k++) {
      const [head, key, body, signature] = real.ticket.split('.') as [string, string, string, string];
      // A ticket whose signature was altered: the issue centre never signed these bytes.
      const forged = `${head}.${key}.${body}.${signature.slice(0, -4)}${'AAAA'.slice(0, 4 - (k % 4))}${'B'.repeat(k % 4)}`;
      await ctx.voters.verifyAt(machine, forged, real.fingerprint);
    }
  };
  return [{ at: hourAt(ctx, 6.5), run }];
};

const replayedTicket: Plan = (ctx) => {
  const machine = ctx.pick();
  const run = async () => {
    injectAt(ctx, 'replayed-ticket', ['verification-refusals'], machine);
    for (const a of alreadyVoted(ctx).slice(0, 12)) {
      const voter = ctx.demo.voters[a.voterIndex]!;
      await ctx.voters.verifyAt(machine, voter.ticket, voter.fingerprint);
    }
  };
  return [{ at: hourAt(ctx, 7), run }];
};

const offGeofence: Plan = (ctx) => {
  const machine = ctx.pick();
  const run = async () => {
    injectAt(ctx, 'off-geofence', ['off-geofence'], machine);
    const place = ctx.fleet.placeOf(machine);
    // Carried about 5 km north-east, reporting as it goes; it keeps reporting from there.
    for (let k = 1; k <= 3; k++)
      ctx.fleet.publishPosition(machine, place.lat + 0.015 * k, place.lon + 0.015 * k);
    ctx.fleet.offRoute.set(machine.machineId, { lat: place.lat + 0.045, lon: place.lon + 0.045 });
  };
  return [{ at: hourAt(ctx, 3.5), run }];
};

const sos: Plan = (ctx) => {
  const machine = ctx.pick();
  const run = async () => {
    injectAt(ctx, 'sos', ['sos'], machine);
    ctx.fleet
      .telemetry(machine)
      ?.publish(
        topics.sos(ctx.runtime.deps.config.stage, machine.machineId),
        JSON.stringify({ boothId: machine.boothId, note: 'crowd at the gate', raisedAt: ctx.clock.now() }),
        { qos: 1 },
      );
  };
  return [{ at: hourAt(ctx, 8), run }];
};

const authFailureStorm: Plan = (ctx) => {
  const cloned = ctx.pick();
  const others = ctx.fleet.machines.filter((m) => m.machineId !== cloned.machineId);
  const run = async () => {
    const incident: Injected = {
      kind: 'auth-failure-storm',
      expected: ['authorization-failures'],
      // Each probe connects with the machine's own client id and takes its session over; the
      // real gateway reconnects, so the machine's connection count climbs as well.
      related: ['reconnect-storm'],
      machineId: cloned.machineId,
      boothIds: [cloned.boothId],
      at: ctx.clock.now(),
    };
    ctx.injected.push(incident);
    const probed = await probeWithClone(ctx, cloned, others);
    const refusedAtHandshake = await intrudeWithoutCertificate(ctx, probed.caPem);
    incident.endedAt = ctx.clock.now();
    incident.detail = `${probed.probes} probes on other machines' votes topics with the cloned certificate, ${probed.dropped} dropped by the broker; ${refusedAtHandshake} of 5 intruders without one refused at the TLS handshake`;
  };
  return [{ at: hourAt(ctx, 8.5), run }];
};

/**
 * Someone holding a copy of this machine's certificate and key probes other machines' topics: a
 * connection as the machine, publishes on votes topics that are not its own, dropped by the
 * broker, then again. IoT Core counts these as the thing's authorization failures; Device
 * Defender alarms on them.
 */
async function probeWithClone(
  ctx: IncidentContext,
  cloned: DemoMachine,
  others: readonly DemoMachine[],
): Promise<{ probes: number; dropped: number; caPem: string }> {
  const stolen = await ctx.fleet.certificateOf(cloned);
  let probes = 0;
  let dropped = 0;
  for (let k = 0; k < 12; k++) {
    const clone = await mqtt
      .connectAsync(ctx.runtime.mqttUrl, {
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
      .publishAsync(topics.votes(ctx.runtime.deps.config.stage, victim.machineId), '{"probe":true}', {
        qos: 0,
      })
      .then(() => probes++)
      .catch(() => undefined);
    // The broker refuses the publish and drops the connection; waiting for that (not
    // hanging up first) is what makes the publish reach the broker at all.
    if (await Promise.race([closed, new Promise<boolean>((r) => setTimeout(() => r(false), 1_000))]))
      dropped++;
    await clone.endAsync(true).catch(() => undefined);
  }
  return { probes, dropped, caPem: stolen.caPem };
}

/**
 * Intruders with no certificate at all: the TLS handshake refuses them before MQTT, so they
 * never reach the broker's counters (nor do they in IoT Core). Returns how many were refused.
 */
async function intrudeWithoutCertificate(ctx: IncidentContext, caPem: string): Promise<number> {
  let refusedAtHandshake = 0;
  for (let k = 0; k < 5; k++) {
    const intruder = await mqtt
      .connectAsync(ctx.runtime.mqttUrl, {
        clientId: `intruder-${k}`,
        ca: caPem,
        reconnectPeriod: 0,
        connectTimeout: 5_000,
      })
      .catch(() => undefined);
    if (intruder === undefined) refusedAtHandshake++;
    else await intruder.endAsync(true).catch(() => undefined);
  }
  return refusedAtHandshake;
}

/** The secondary region's vote store, behind a switch that makes every call fail while it is down. */
const secondaryOutage: Plan = (ctx) => {
  const { deps } = ctx.runtime;
  let secondaryDown = false;
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
  const down = async () => {
    outage.at = ctx.clock.now();
    ctx.injected.push(outage);
    secondaryDown = true;
  };
  const up = async () => {
    secondaryDown = false;
    outage.endedAt = ctx.clock.now();
  };
  return [
    { at: hourAt(ctx, 4.5), run: down },
    { at: hourAt(ctx, 5.5), run: up },
  ];
};

/** Gateways that lose their uplink for a while and catch up from their queues. */
const gatewaysOffline: Plan = (ctx) => {
  const { machines } = ctx.fleet;
  const { offline } = ctx.sim;
  const chosen = Array.from(
    { length: Math.min(offline.booths, machines.length) },
    (_, k) => machines[(k * 7919 + 13) % machines.length]!,
  );
  return chosen.flatMap((machine) => [
    {
      at: hourAt(ctx, offline.atHour),
      run: async () => {
        ctx.injected.push({
          kind: 'gateway-offline',
          expected: ['machine-offline', 'machine-silent'],
          machineId: machine.machineId,
          boothIds: [machine.boothId],
          at: ctx.clock.now(),
        });
        await ctx.fleet.goOffline(machine);
      },
    },
    {
      at: hourAt(ctx, offline.atHour) + offline.minutes * 60_000,
      run: () => ctx.fleet.comeBack(machine),
    },
  ]);
};

// In this order: each plan draws its subjects from the seeded generator, so the order keeps a
// seed's day the same.
const plans: readonly [IncidentKind, Plan][] = [
  ['booth-capture', boothCapture],
  ['repeat-voter', repeatVoter],
  ['forged-ticket', forgedTicket],
  ['replayed-ticket', replayedTicket],
  ['off-geofence', offGeofence],
  ['sos', sos],
  ['auth-failure-storm', authFailureStorm],
  ['secondary-outage', secondaryOutage],
];

/** The chosen incidents and the offline gateways, each at its own simulated hour, in time order. */
export function scheduleIncidents(ctx: IncidentContext): Scheduled[] {
  const chosen = new Set(ctx.sim.incidents);
  const scheduled = plans.flatMap(([kind, plan]) => (chosen.has(kind) ? plan(ctx) : []));
  scheduled.push(...gatewaysOffline(ctx));
  return scheduled.sort((a, b) => a.at - b.at);
}

export type { Injected } from './config';
