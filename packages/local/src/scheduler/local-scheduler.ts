import { nextFireTime, type ParsedSchedule, parseSchedule } from './expression';

export interface ScheduledJob {
  readonly name: string;
  readonly expression: string;
  readonly run: (firedAt: number) => Promise<unknown>;
}

export interface LocalSchedulerOptions {
  /**
   * Runs schedules this many times faster than the wall clock (a demo shows a one-minute
   * tally every few seconds); 1 keeps AWS's timing.
   */
  readonly speedup?: number;
  readonly onError?: (job: string, error: unknown) => void;
}

interface Entry {
  readonly job: ScheduledJob;
  readonly schedule: ParsedSchedule;
  timer?: NodeJS.Timeout;
  running?: Promise<void>;
}

/** Fires jobs on EventBridge Scheduler expressions; one run of a job at a time, as a Lambda with reserved concurrency 1. */
export class LocalScheduler {
  private readonly entries = new Map<string, Entry>();
  private stopped = true;
  private readonly anchor = Date.now();

  constructor(private readonly options: LocalSchedulerOptions = {}) {}

  add(job: ScheduledJob): void {
    this.entries.set(job.name, { job, schedule: parseSchedule(job.expression) });
    if (!this.stopped) this.arm(this.entries.get(job.name)!);
  }

  start(): void {
    this.stopped = false;
    for (const entry of this.entries.values()) this.arm(entry);
  }

  /** Runs a job now (tests, `ballotstream tally`), waiting for a run already going to finish first. */
  async runNow(name: string): Promise<void> {
    const entry = this.entries.get(name);
    if (entry === undefined) throw new Error(`no scheduled job named ${name}`);
    await this.runOnce(entry, Date.now());
  }

  async stop(): Promise<void> {
    this.stopped = true;
    for (const entry of this.entries.values()) clearTimeout(entry.timer);
    await Promise.allSettled([...this.entries.values()].map((e) => e.running));
  }

  private arm(entry: Entry): void {
    const speedup = this.options.speedup ?? 1;
    // Scheduled time runs `speedup` times faster from the moment the scheduler was made.
    const virtualNow = this.anchor + (Date.now() - this.anchor) * speedup;
    const next = nextFireTime(entry.schedule, virtualNow, this.anchor);
    if (next === undefined) return;
    const delay = Math.max(0, (next - virtualNow) / speedup);
    entry.timer = setTimeout(() => {
      if (this.stopped) return;
      void this.runOnce(entry, Date.now()).finally(() => {
        if (!this.stopped) this.arm(entry);
      });
    }, delay);
    entry.timer.unref?.();
  }

  private async runOnce(entry: Entry, firedAt: number): Promise<void> {
    while (entry.running) await entry.running;
    entry.running = entry.job
      .run(firedAt)
      .then(() => undefined)
      .catch((error: unknown) => this.options.onError?.(entry.job.name, error))
      .finally(() => {
        entry.running = undefined;
      });
    await entry.running;
  }
}
