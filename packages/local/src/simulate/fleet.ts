import { join } from 'node:path';
import { topics } from '@ballotstream/events';
import { BoothGateway } from '@ballotstream/gateway';
import type mqtt from 'mqtt';
import { demoBoothPlace } from '../demo/geography';
import type { DemoElection, DemoMachine } from '../demo/seed';
import { issueMachineCertificate } from '../pki/election-ca';
import type { Runtime } from '../runtime/runtime';
import type { SimClock } from './clock';
import type { Simulation } from './config';
import { inPool } from './election';
import { normal } from './random';

/** A machine's client certificate from the election CA. */
export type MachineCertificate = Awaited<ReturnType<typeof issueMachineCertificate>>;

/**
 * The booths' machines: one gateway each, with its client certificate, its durable queue and its
 * telemetry (positions, SOS) over the same connection. An offline gateway points at a dead port
 * until it comes back.
 */
export class Fleet {
  readonly gateways = new Map<string, BoothGateway>();
  /** Each machine's certificate, issued once: a gateway swapped in presents the same one. */
  readonly certificates = new Map<string, MachineCertificate>();
  /** Machines whose uplink is down: their votes wait in the queue by design. */
  readonly offlineNow = new Set<string>();
  /** Machines carried away, and where they now are. */
  readonly offRoute = new Map<string, { lat: number; lon: number }>();
  private readonly ca: NonNullable<Runtime['ca']>;

  constructor(
    private readonly runtime: Runtime,
    private readonly demo: DemoElection,
    readonly machines: readonly DemoMachine[],
    private readonly clock: SimClock,
    private readonly queueRoot: string,
    private readonly gps: Simulation['gps'],
  ) {
    if (runtime.ca === undefined)
      throw new Error('the simulator needs the runtime to run MQTT over TLS (no election CA)');
    this.ca = runtime.ca;
  }

  /** The machine's certificate, issued on first use. */
  async certificateOf(machine: DemoMachine): Promise<MachineCertificate> {
    let tls = this.certificates.get(machine.machineId);
    if (tls === undefined) {
      tls = await issueMachineCertificate(this.ca, machine.machineId);
      this.certificates.set(machine.machineId, tls);
    }
    return tls;
  }

  /**
   * Machines power on over the hour before polls open, not all in one instant: a few dozen
   * connecting at a time, each connected before the next wave.
   */
  async powerOn(): Promise<void> {
    await inPool(this.machines.length, 32, async (i) => {
      const machine = this.machines[i]!;
      const gateway = new BoothGateway(await this.gatewayOptions(machine, this.runtime.mqttUrl));
      await gateway.start();
      await gateway.connected();
      this.gateways.set(machine.machineId, gateway);
    });
  }

  /** The machine's gateway. */
  gateway(machine: DemoMachine): BoothGateway {
    return this.gateways.get(machine.machineId)!;
  }

  /** Takes the machine's uplink down: it keeps casting into its queue. */
  async goOffline(machine: DemoMachine): Promise<void> {
    this.offlineNow.add(machine.machineId);
    await this.swap(machine, 'mqtts://127.0.0.1:9');
  }

  /** Brings the machine's uplink back: its queue delivers what it kept. */
  async comeBack(machine: DemoMachine): Promise<void> {
    await this.swap(machine, this.runtime.mqttUrl);
    this.offlineNow.delete(machine.machineId);
  }

  /** The connection positions and SOS share with votes, as a Greengrass core's components do. */
  telemetry(machine: DemoMachine): mqtt.MqttClient | undefined {
    return (this.gateways.get(machine.machineId) as unknown as { client?: mqtt.MqttClient }).client;
  }

  /** Where the machine's booth is. */
  placeOf(machine: DemoMachine): { lat: number; lon: number } {
    const [, r, c, b] = /^m-(\d+)-(\d+)-(\d+)$/.exec(machine.machineId)!.map(Number) as [
      number,
      number,
      number,
      number,
    ];
    return demoBoothPlace(r, c, b).location;
  }

  /** Reports one position fix from the machine. */
  publishPosition(machine: DemoMachine, lat: number, lon: number): void {
    this.telemetry(machine)?.publish(
      topics.position(this.runtime.deps.config.stage, machine.machineId),
      JSON.stringify({ lat, lon, accuracyM: this.gps.jitterMeters, sampledAt: this.clock.now() }),
      { qos: 0 },
    );
  }

  /** Every machine reports a jittered fix from where it is (its booth, or where it was carried). */
  reportPositions(random: () => number): void {
    const jitterDegrees = this.gps.jitterMeters / 111_000;
    for (const machine of this.machines) {
      const place = this.offRoute.get(machine.machineId) ?? this.placeOf(machine);
      this.publishPosition(
        machine,
        place.lat + normal(random) * jitterDegrees,
        place.lon + normal(random) * jitterDegrees,
      );
    }
  }

  // A machine's queue lives under the run's data directory (removed with it); a gateway swapped
  // in after an offline spell resumes the same queue.
  private async gatewayOptions(machine: DemoMachine, mqttUrl: string) {
    return {
      stage: this.runtime.deps.config.stage,
      machineId: machine.machineId,
      boothId: machine.boothId,
      electionId: this.demo.electionId,
      constituencyId: machine.constituencyId,
      privateKey: machine.privateKey,
      mqttUrl,
      bucketMs: this.runtime.deps.config.bucketMs,
      clock: () => this.clock.now(),
      tls: await this.certificateOf(machine),
      queueDir: join(this.queueRoot, machine.machineId),
    };
  }

  private async swap(machine: DemoMachine, url: string): Promise<void> {
    const old = this.gateways.get(machine.machineId)!;
    // Going offline: the gateway delivers what it holds first; coming back: the offline gateway's
    // queue stays on disk and the replacement resumes it from the same directory, with the
    // machine's same certificate.
    if (url !== this.runtime.mqttUrl) await old.drained();
    await old.stop();
    const replacement = new BoothGateway(await this.gatewayOptions(machine, url));
    await replacement.start();
    this.gateways.set(machine.machineId, replacement);
  }
}
