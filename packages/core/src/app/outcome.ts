import type { OutgoingEvent } from '../ports';

// Marks an outcome so a wrapper tells it from a step's plain result.
const OUTCOME = Symbol.for('ballotstream.outcome');

/** What a use case came to: its result, and the events the caller publishes once it is done. */
export interface Outcome<R> {
  readonly [OUTCOME]: true;
  readonly result: R;
  readonly events: readonly OutgoingEvent[];
}

/** An outcome with these events (none by default). */
export function outcome<R>(result: R, events: readonly OutgoingEvent[] = []): Outcome<R> {
  return { [OUTCOME]: true, result, events };
}

/** The same events with the result mapped (a handler turning a result into its response). */
export function mapOutcome<R, S>(from: Outcome<R>, map: (result: R) => S): Outcome<S> {
  return outcome(map(from.result), from.events);
}

/** Whether a step returned an outcome whose events are still to be published. */
export function isOutcome<R>(value: R | Outcome<R>): value is Outcome<R> {
  return typeof value === 'object' && value !== null && OUTCOME in value;
}
