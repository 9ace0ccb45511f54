import { describeIssues } from '@ballotstream/events';
import {
  type ExecutionStatus,
  executionStatusSchema,
  executionUpdateSchema,
  jobTopics,
  type RolloutPlan,
  type WaveVerdict,
  waveVerdict,
} from '@ballotstream/gateway/ota';
import type { LocalTopicRule } from '../mqtt/rule-engine';

interface Execution {
  readonly jobId: string;
  readonly thing: string;
  status: ExecutionStatus;
  readonly queuedAt: number;
  startedAt?: number;
  lastUpdatedAt: number;
  versionNumber: number;
  statusDetails?: Record<string, string>;
}

/** A rollout as the stand-in tracks it: its plan, the wave it is on, and each wave's executions. */
interface Rollout {
  readonly plan: RolloutPlan;
  wave: number;
  status: 'in-progress' | 'succeeded' | 'aborted';
  readonly executions: Map<string, Execution>[];
}

/** How a rollout stands, wave by wave: what `ballotstream ota status` prints. */
export interface RolloutStatus {
  readonly rolloutId: string;
  readonly status: Rollout['status'];
  readonly waves: readonly {
    readonly jobId: string;
    readonly verdict: WaveVerdict | 'not-started';
    readonly counts: Readonly<Record<ExecutionStatus, number>>;
  }[];
}

const TERMINAL: ReadonlySet<ExecutionStatus> = new Set(['SUCCEEDED', 'FAILED', 'REJECTED', 'TIMED_OUT']);

/**
 * IoT Jobs on the embedded broker: a rollout is a job per wave; each wave's machines are told on
 * `$aws/things/<thing>/jobs/notify-next`, report on `<jobId>/update` (answered on
 * `update/accepted` or `update/rejected`), and the next wave starts only when this one is done.
 * A wave whose failure share reaches its threshold is aborted as IoT Jobs' `abortConfig` would:
 * its unfinished executions are canceled and no later wave starts.
 */
export class LocalJobs {
  private readonly rollouts = new Map<string, Rollout>();
  /** Each thing's open execution: the one `start-next` answers. */
  private readonly open = new Map<string, Execution>();
  private readonly refusals: { readonly topic: string; readonly reason: string }[] = [];

  constructor(
    private readonly publish: (topic: string, payload: string) => Promise<void>,
    private readonly clock: () => number = Date.now,
    private readonly onChange: (status: RolloutStatus) => void = () => undefined,
  ) {}

  /** The rule that hands the stand-in every message a machine publishes under its jobs topics. */
  rule(): LocalTopicRule {
    return {
      name: 'iot-jobs',
      filter: '$aws/things/+/jobs/#',
      select: [
        { as: 'thing', fn: 'topic', level: 3 },
        { as: 'a', fn: 'topic', level: 5 },
        { as: 'b', fn: 'topic', level: 6 },
        { as: 'c', fn: 'topic', level: 7 },
        { as: 'payload', fn: 'payload-base64' },
      ],
      invoke: (event) => this.receive(event as Record<string, string>),
    };
  }

  /** Starts a rollout with its first wave. */
  async start(plan: RolloutPlan): Promise<void> {
    if (this.rollouts.has(plan.rolloutId)) throw new Error(`rollout ${plan.rolloutId} exists already`);
    const rollout: Rollout = {
      plan,
      wave: -1,
      status: 'in-progress',
      executions: plan.waves.map(() => new Map()),
    };
    this.rollouts.set(plan.rolloutId, rollout);
    await this.startWave(rollout, 0);
  }

  /** How a rollout stands. */
  status(rolloutId: string): RolloutStatus | undefined {
    const rollout = this.rollouts.get(rolloutId);
    return rollout === undefined ? undefined : statusOf(rollout);
  }

  /** One machine's execution of a wave's job: its status and the details it last reported. */
  execution(
    jobId: string,
    thing: string,
  ): { readonly status: ExecutionStatus; readonly statusDetails?: Record<string, string> } | undefined {
    const found = this.find(thing, jobId);
    if (found === undefined) return undefined;
    const { status, statusDetails } = found[1];
    return statusDetails === undefined ? { status } : { status, statusDetails };
  }

  /** Messages on the jobs topics that were refused, with why. */
  refused(): readonly { readonly topic: string; readonly reason: string }[] {
    return this.refusals;
  }

  /** Times out executions in progress for longer than their rollout allows. */
  async sweep(): Promise<void> {
    const now = this.clock();
    for (const rollout of this.rollouts.values()) {
      const limit = rollout.plan.inProgressTimeoutMinutes * 60_000;
      for (const execution of rollout.executions[rollout.wave]?.values() ?? []) {
        if (execution.status === 'IN_PROGRESS' && now - (execution.startedAt ?? now) >= limit) {
          await this.settle(rollout, execution, 'TIMED_OUT', { reason: 'in progress past the timeout' });
        }
      }
    }
  }

  private async startWave(rollout: Rollout, index: number): Promise<void> {
    const wave = rollout.plan.waves[index];
    rollout.wave = index;
    if (wave === undefined) {
      rollout.status = 'succeeded';
      this.onChange(statusOf(rollout));
      return;
    }
    const jobId = `${rollout.plan.rolloutId}-w${index + 1}`;
    const now = this.clock();
    for (const thing of wave.machines) {
      const execution: Execution = {
        jobId,
        thing,
        status: 'QUEUED',
        queuedAt: now,
        lastUpdatedAt: now,
        versionNumber: 1,
      };
      rollout.executions[index]!.set(thing, execution);
      this.open.set(thing, execution);
    }
    this.onChange(statusOf(rollout));
    for (const thing of wave.machines) await this.notifyNext(thing);
  }

  private async receive(event: Record<string, string>): Promise<void> {
    const { thing = '', a = '', b = '', c = '' } = event;
    const payload = Buffer.from(event.payload ?? '', 'base64').toString('utf8');
    if (a === 'start-next' && b === '') return this.startNext(thing);
    if (b === 'update' && c === '') return this.update(thing, a, payload);
    // What the stand-in itself publishes (notify-next, accepted, rejected) comes back through the rule.
  }

  private async startNext(thing: string): Promise<void> {
    const execution = this.open.get(thing);
    if (execution !== undefined && execution.status === 'QUEUED') {
      execution.status = 'IN_PROGRESS';
      execution.startedAt = this.clock();
      execution.versionNumber++;
    }
    await this.publish(jobTopics.startNextAccepted(thing), this.nextPayload(execution));
  }

  private async update(thing: string, jobId: string, payload: string): Promise<void> {
    const topic = jobTopics.update(thing, jobId);
    const reject = async (code: string, message: string) => {
      this.refusals.push({ topic, reason: `${code}: ${message}` });
      await this.publish(`${topic}/rejected`, JSON.stringify({ code, message, timestamp: this.clock() }));
    };
    let body: unknown;
    try {
      body = JSON.parse(payload);
    } catch {
      return reject('InvalidJson', 'the update is not JSON');
    }
    const parsed = executionUpdateSchema.safeParse(body);
    if (!parsed.success) {
      return reject('InvalidRequest', describeIssues(parsed.error, { whole: '(update)' }).join('; '));
    }
    const found = this.find(thing, jobId);
    if (found === undefined) return reject('ResourceNotFound', `no execution of ${jobId} on ${thing}`);
    const [rollout, execution] = found;
    if (TERMINAL.has(execution.status) || execution.status === 'CANCELED') {
      return reject('InvalidStateTransition', `${jobId} on ${thing} is ${execution.status}`);
    }
    await this.publish(`${topic}/accepted`, JSON.stringify({ timestamp: this.clock() }));
    if (parsed.data.status === 'IN_PROGRESS') {
      execution.status = 'IN_PROGRESS';
      execution.startedAt ??= this.clock();
      execution.lastUpdatedAt = this.clock();
      execution.versionNumber++;
      if (parsed.data.statusDetails !== undefined) execution.statusDetails = parsed.data.statusDetails;
      this.onChange(statusOf(rollout));
      return;
    }
    await this.settle(rollout, execution, parsed.data.status, parsed.data.statusDetails);
  }

  private async settle(
    rollout: Rollout,
    execution: Execution,
    status: ExecutionStatus,
    details: Record<string, string> | undefined,
  ): Promise<void> {
    execution.status = status;
    execution.lastUpdatedAt = this.clock();
    execution.versionNumber++;
    if (details !== undefined) execution.statusDetails = details;
    this.open.delete(execution.thing);
    const index = rollout.plan.waves.findIndex(
      (_, i) => rollout.executions[i]?.get(execution.thing) === execution,
    );
    if (rollout.status !== 'in-progress' || index !== rollout.wave) return this.onChange(statusOf(rollout));
    const verdict = waveVerdict(countsOf(rollout.executions[index]!), rollout.plan.waves[index]!.wave);
    if (verdict === 'aborted') return this.abort(rollout, index);
    if (verdict === 'succeeded') return this.startWave(rollout, index + 1);
    this.onChange(statusOf(rollout));
  }

  private async abort(rollout: Rollout, index: number): Promise<void> {
    rollout.status = 'aborted';
    for (const execution of rollout.executions[index]!.values()) {
      if (execution.status !== 'QUEUED' && execution.status !== 'IN_PROGRESS') continue;
      execution.status = 'CANCELED';
      execution.lastUpdatedAt = this.clock();
      this.open.delete(execution.thing);
      await this.notifyNext(execution.thing);
    }
    this.onChange(statusOf(rollout));
  }

  private find(thing: string, jobId: string): [Rollout, Execution] | undefined {
    for (const rollout of this.rollouts.values()) {
      for (const wave of rollout.executions) {
        const execution = wave.get(thing);
        if (execution?.jobId === jobId) return [rollout, execution];
      }
    }
    return undefined;
  }

  private notifyNext(thing: string): Promise<void> {
    return this.publish(jobTopics.notifyNext(thing), this.nextPayload(this.open.get(thing)));
  }

  private nextPayload(execution: Execution | undefined): string {
    const timestamp = this.clock();
    if (execution === undefined) return JSON.stringify({ timestamp });
    const rollout = [...this.rollouts.values()].find((r) =>
      execution.jobId.startsWith(`${r.plan.rolloutId}-w`),
    );
    const { jobId, thing, status, queuedAt, lastUpdatedAt, versionNumber } = execution;
    return JSON.stringify({
      timestamp,
      execution: {
        jobId,
        thingName: thing,
        status,
        queuedAt,
        lastUpdatedAt,
        versionNumber,
        executionNumber: 1,
        jobDocument: rollout?.plan.document,
      },
    });
  }
}

function countsOf(executions: ReadonlyMap<string, Execution>) {
  const tally = (status: ExecutionStatus) =>
    [...executions.values()].filter((e) => e.status === status).length;
  return {
    targets: executions.size,
    succeeded: tally('SUCCEEDED'),
    failed: tally('FAILED'),
    rejected: tally('REJECTED'),
    timedOut: tally('TIMED_OUT'),
  };
}

function statusOf(rollout: Rollout): RolloutStatus {
  const statuses: readonly ExecutionStatus[] = executionStatusSchema.options;
  return {
    rolloutId: rollout.plan.rolloutId,
    status: rollout.status,
    waves: rollout.plan.waves.map(({ wave }, i) => {
      const executions = rollout.executions[i]!;
      const counts = Object.fromEntries(
        statuses.map((s) => [s, [...executions.values()].filter((e) => e.status === s).length]),
      ) as Record<ExecutionStatus, number>;
      const verdict = executions.size === 0 ? 'not-started' : waveVerdict(countsOf(executions), wave);
      return { jobId: `${rollout.plan.rolloutId}-w${i + 1}`, verdict, counts };
    }),
  };
}
