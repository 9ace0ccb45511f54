/**
 * One observation's change to a subject's state (a machine, a booth, a constituency, a voter tag).
 * Counters and series count an event once, however often it is delivered; maxima, fields and the
 * latest-by-time fields give the same state whatever order the changes arrive in.
 */
export interface StateChange {
  /** Added to counters the first time this event id is applied to the subject, never again. */
  readonly counters?: Readonly<Record<string, number>>;
  /** Each field becomes the larger of its value and this one. */
  readonly maxima?: Readonly<Record<string, number>>;
  /** Set every time (values that do not depend on order, such as a placement). */
  readonly fields?: Readonly<Record<string, string>>;
  /** Set only when `at` is not older than the last such change (connected / disconnected). */
  readonly latest?: { readonly at: number; readonly fields: Readonly<Record<string, string>> };
  /**
   * Adds the instant `at` to a time series under the event id (a repeated id keeps its first
   * instant) and drops instants at or before the newest minus `keepMs`; with `keepOneBefore` the
   * last dropped one stays, so a burst can measure the silence before it.
   */
  readonly series?: Readonly<
    Record<string, { readonly at: number; readonly keepMs: number; readonly keepOneBefore?: boolean }>
  >;
}

/** A subject's state: its counters, maxima and fields (as stored, strings), and its series (sorted). */
export interface SubjectState {
  readonly values: Readonly<Record<string, string>>;
  readonly series: Readonly<Record<string, readonly number[]>>;
}

/**
 * The anomaly watchers' shared state (Redis in AWS and with `--redis-url`; in process otherwise).
 * Every Lambda of the watchers reads and writes the same windows and counters, and a redelivered
 * event changes nothing, so two instances over a split stream find what one finds over all of it.
 * Volatile like the voter cache: losing it costs detections, never votes.
 */
export interface DetectorState {
  /**
   * Applies a change to one subject atomically; answers the state after it and whether the event
   * was new to its counters (a change without counters or `latest` remembers no event: always new).
   */
  apply(
    subject: string,
    eventId: string,
    change: StateChange,
  ): Promise<{ readonly fresh: boolean; readonly state: SubjectState }>;
  /** Reads a subject's state, with the named series. */
  read(subject: string, series: readonly string[]): Promise<SubjectState>;
  /** Adds subjects to a named index (the machines and booths the sweep walks). */
  index(name: string, subjects: readonly string[]): Promise<void>;
  /** The subjects of a named index. */
  members(name: string): Promise<string[]>;
  /**
   * Claims the report of a finding: true when nothing reported it within `cooldownMs` before `at`,
   * or when the same event claimed it before (a redelivery reports again what may not have been
   * published). An older event than the last report is refused.
   */
  claimReport(key: string, eventId: string, at: number, cooldownMs: number): Promise<boolean>;
  close(): Promise<void>;
}
