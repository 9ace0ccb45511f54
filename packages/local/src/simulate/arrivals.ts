import type { DemoElection, DemoMachine } from '../demo/seed';
import type { Runtime } from '../runtime/runtime';
import type { SimClock } from './clock';
import type { Simulation } from './config';
import type { Fleet } from './fleet';
import { normal } from './random';
import type { Observed } from './report';

/** One voter's visit: when (simulated), who, and at which booth's machine. */
export interface Arrival {
  readonly at: number;
  readonly voterIndex: number;
  readonly machine: DemoMachine;
}

/** The day's plan: who votes where and when, in order, and who stays home. */
export interface ArrivalPlan {
  readonly plan: Arrival[];
  /** Registered voters who do not come (the booth-capture incident votes in their name). */
  readonly abstainers: number[];
  readonly votersTotal: number;
}

/**
 * Who votes, where, and when: each voter turns out with the config's probability, votes at home
 * or (the away share) at a random booth, and arrives on the two-peak curve over the poll hours.
 */
export function planArrivals(
  sim: Simulation,
  machines: readonly DemoMachine[],
  opensAt: number,
  pollMs: number,
  random: () => number,
): ArrivalPlan {
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
  const plan: Arrival[] = [];
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
  return { plan, abstainers, votersTotal };
}

/**
 * Voters at the booths: verification over the booth's API, then a press on the machine. Keeps the
 * ground truth (votes cast by constituency and candidate) and who is still mid-vote.
 */
export class Voters {
  readonly verificationRefusals: Record<string, number> = {};
  /** When each vote was cast (real ms), by vote id. */
  readonly castAt = new Map<string, number>();
  /** Votes cast by `constituency#candidate`. */
  readonly truth = new Map<string, number>();
  /** Voters between arriving and pressing the button, by arrival: when each began (simulated). */
  readonly voting = new Map<number, number>();
  verified = 0;
  /** Verifications answered, whichever way. */
  answered = 0;
  sent = 0;
  private votingSeq = 0;
  private readonly tokens: Map<string, string>;

  constructor(
    private readonly runtime: Runtime,
    private readonly demo: DemoElection,
    private readonly fleet: Fleet,
    private readonly observed: Observed,
    private readonly clock: SimClock,
    private readonly random: () => number,
  ) {
    this.tokens = new Map(
      fleet.machines.map((m) => [m.machineId, runtime.tokens.mint({ role: 'booth', subject: m.boothId })]),
    );
  }

  /** Verifies a ticket at the machine's booth; the ballot token, or undefined when refused (counted). */
  async verifyAt(machine: DemoMachine, ticket: string, fingerprint: string): Promise<string | undefined> {
    const response = await fetch(`${this.runtime.httpUrl}/verifications`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        authorization: `Bearer ${this.tokens.get(machine.machineId)}`,
      },
      body: JSON.stringify({ ticket, fingerprint, boothId: machine.boothId, machineId: machine.machineId }),
    });
    const body = (await response.json()) as { ballotToken?: string; error?: string };
    this.answered++;
    if (response.status === 201 && body.ballotToken) {
      this.verified++;
      return body.ballotToken;
    }
    const reason = body.error ?? String(response.status);
    this.verificationRefusals[reason] = (this.verificationRefusals[reason] ?? 0) + 1;
    return undefined;
  }

  /** One voter's whole visit at the machine, tracked while it lasts. */
  async vote(machine: DemoMachine, voterIndex: number): Promise<void> {
    const id = this.votingSeq++;
    this.voting.set(id, this.clock.now());
    try {
      await this.voteNow(machine, voterIndex);
    } finally {
      this.voting.delete(id);
    }
  }

  private async voteNow(machine: DemoMachine, voterIndex: number): Promise<void> {
    const voter = this.demo.voters[voterIndex]!;
    const ballotToken = await this.verifyAt(machine, voter.ticket, voter.fingerprint);
    if (ballotToken === undefined) return;
    const candidates = this.demo.candidates.get(machine.constituencyId)!;
    const candidate = candidates[Math.floor(this.random() * candidates.length)]!;
    const castSimAt = this.clock.now();
    const receipt = await this.fleet.gateway(machine).cast(ballotToken, candidate);
    this.castAt.set(receipt.voteId, performance.now());
    if (!this.fleet.offlineNow.has(machine.machineId) && !this.observed.acceptedAt.has(receipt.voteId))
      this.observed.unanswered.set(receipt.voteId, castSimAt);
    const key = `${machine.constituencyId}#${candidate}`;
    this.truth.set(key, (this.truth.get(key) ?? 0) + 1);
    this.sent++;
  }
}
