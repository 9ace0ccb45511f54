import { AsyncLocalStorage } from 'node:async_hooks';
import type { EventPublisher, OutgoingEvent } from '@ballotstream/core/ports';
import { countRejection } from './shared/observability';
import type { Trigger } from './trigger-types';

/** The part of a trigger the check needs: whose step it is and what it may publish. */
export type DeclaredStep = Pick<Trigger, 'name' | 'publishes'>;

/**
 * A step published an event its trigger does not declare. A bug in the step or in its trigger's
 * `publishes`, never bad input: the subscribers planned from the table would not expect it.
 */
export class UndeclaredEventError extends Error {
  override readonly name = 'UndeclaredEventError';

  constructor(
    readonly step: string,
    readonly detailType: string,
  ) {
    super(`${step} published ${detailType}, which its trigger does not declare`);
  }
}

// Handlers reach the publisher through deps shared by every step, so the step running is told by
// the async context its invocation started in, not by a publisher per step.
const running = new AsyncLocalStorage<DeclaredStep>();

/** Runs `work` (and everything it awaits) as the step of this trigger, for `declaredPublisher`. */
export function runAsStep<T>(step: DeclaredStep, work: () => T): T {
  return running.run(step, work);
}

/** Runs `work` as no step, so what it publishes is not held to the trigger whose work caused it. */
export function outsideStep<T>(work: () => T): T {
  return running.exit(work);
}

/**
 * Wraps a publisher so that, inside a step, it refuses (throws and counts, nothing put on the bus)
 * a call carrying any event its trigger does not declare. Outside a step it passes everything on:
 * the broker's own activity monitor and tests publish with no trigger.
 */
export function declaredPublisher(inner: EventPublisher): EventPublisher {
  return {
    publish(events: readonly OutgoingEvent[]): Promise<void> {
      const step = running.getStore();
      const undeclared =
        step === undefined
          ? undefined
          : events.find((event) => !(step.publishes as readonly string[]).includes(event.detailType));
      if (step !== undefined && undeclared !== undefined) {
        countRejection(step.name, 'undeclared-event');
        return Promise.reject(new UndeclaredEventError(step.name, undeclared.detailType));
      }
      return inner.publish(events);
    },
  };
}
