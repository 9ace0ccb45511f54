import type { EventPublisher, OutgoingEvent } from '@ballotstream/core/ports';
import { countRejection } from './shared/observability';
import type { DeclaredStep } from './step-environment';

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

/**
 * Wraps a publisher for one step: it refuses (throws and counts, nothing put on the bus) a call
 * carrying any event the step's trigger does not declare, and passes the rest on. Each step's app
 * publishes through its own (`stepApp` in `shared/deps.ts`), so nothing asks which step is running.
 */
export function declaredPublisher(inner: EventPublisher, step: DeclaredStep): EventPublisher {
  const declared = new Set<string>(step.publishes);
  return {
    publish(events: readonly OutgoingEvent[]): Promise<void> {
      const undeclared = events.find((event) => !declared.has(event.detailType));
      if (undeclared !== undefined) {
        countRejection(step.name, 'undeclared-event');
        return Promise.reject(new UndeclaredEventError(step.name, undeclared.detailType));
      }
      return inner.publish(events);
    },
  };
}
