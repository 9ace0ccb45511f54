import { type Clock, systemClock } from '../../ports/clock';
import type { DetectorState, StateChange, SubjectState } from '../../ports/detector-state';

interface Subject {
  readonly values: Map<string, string>;
  readonly series: Map<string, Map<string, number>>;
  /** Event ids applied, and when each may be forgotten. */
  readonly seen: Map<string, number>;
}

/** How long an event id is remembered as applied: longer than any queue redelivers it. */
export const DEFAULT_SEEN_TTL_MS = 60 * 60_000;

/** The watchers' state in one process, with the Redis adapter's semantics (one contract suite). */
export class MemoryDetectorState implements DetectorState {
  private readonly subjects = new Map<string, Subject>();
  private readonly indexes = new Map<string, Set<string>>();
  private readonly reports = new Map<string, { at: number; eventId: string }>();

  constructor(
    private readonly clock: Clock = systemClock,
    private readonly seenTtlMs = DEFAULT_SEEN_TTL_MS,
  ) {}

  async apply(
    subjectId: string,
    eventId: string,
    change: StateChange,
  ): Promise<{ fresh: boolean; state: SubjectState }> {
    const subject = this.subject(subjectId);
    const now = this.clock.now();
    // Only counters and the latest-by-time fields need the event remembered; the rest is idempotent.
    const counts = Object.keys(change.counters ?? {}).length > 0 || change.latest !== undefined;
    const until = subject.seen.get(eventId);
    const fresh = !counts || until === undefined || until <= now;
    if (fresh && counts) {
      subject.seen.set(eventId, now + this.seenTtlMs);
      if (subject.seen.size % 1024 === 0)
        for (const [id, t] of subject.seen) if (t <= now) subject.seen.delete(id);
      for (const [k, v] of Object.entries(change.counters ?? {}))
        subject.values.set(k, String(Number(subject.values.get(k) ?? 0) + v));
      const latest = change.latest;
      if (latest !== undefined && latest.at >= Number(subject.values.get('@latest') ?? -1)) {
        for (const [k, v] of Object.entries(latest.fields)) subject.values.set(k, v);
        subject.values.set('@latest', String(latest.at));
      }
    }
    for (const [k, v] of Object.entries(change.fields ?? {})) subject.values.set(k, v);
    for (const [k, v] of Object.entries(change.maxima ?? {})) {
      const current = subject.values.get(k);
      if (current === undefined || v > Number(current)) subject.values.set(k, String(v));
    }
    for (const [name, s] of Object.entries(change.series ?? {})) {
      const series = subject.series.get(name) ?? new Map<string, number>();
      subject.series.set(name, series);
      if (!series.has(eventId)) series.set(eventId, s.at);
      trim(series, s.keepMs, s.keepOneBefore === true);
    }
    return { fresh, state: this.stateOf(subject, Object.keys(change.series ?? {})) };
  }

  async read(subjectId: string, series: readonly string[]): Promise<SubjectState> {
    return this.stateOf(this.subject(subjectId), series);
  }

  async index(name: string, subjects: readonly string[]): Promise<void> {
    const index = this.indexes.get(name) ?? new Set<string>();
    this.indexes.set(name, index);
    for (const s of subjects) index.add(s);
  }

  async members(name: string): Promise<string[]> {
    return [...(this.indexes.get(name) ?? [])];
  }

  async claimReport(key: string, eventId: string, at: number, cooldownMs: number): Promise<boolean> {
    const last = this.reports.get(key);
    if (last !== undefined && last.eventId !== eventId && at - last.at < cooldownMs) return false;
    this.reports.set(key, { at, eventId });
    return true;
  }

  async close(): Promise<void> {}

  private subject(id: string): Subject {
    let subject = this.subjects.get(id);
    if (subject === undefined) {
      subject = { values: new Map(), series: new Map(), seen: new Map() };
      this.subjects.set(id, subject);
    }
    return subject;
  }

  private stateOf(subject: Subject, names: readonly string[]): SubjectState {
    const series: Record<string, number[]> = {};
    for (const name of names)
      series[name] = [...(subject.series.get(name)?.values() ?? [])].sort((a, b) => a - b);
    return { values: Object.fromEntries(subject.values), series };
  }
}

function trim(series: Map<string, number>, keepMs: number, keepOneBefore: boolean): void {
  let newest = Number.NEGATIVE_INFINITY;
  for (const at of series.values()) newest = Math.max(newest, at);
  const cutoff = newest - keepMs;
  const old = [...series]
    .filter(([, at]) => at <= cutoff)
    .sort((a, b) => a[1] - b[1] || (a[0] < b[0] ? -1 : 1));
  if (keepOneBefore) old.pop();
  for (const [id] of old) series.delete(id);
}
