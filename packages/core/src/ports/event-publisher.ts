import type { DetailOf, EventDefinition } from '@ballotstream/events';

/** One event on its way to the bus: the catalogue's source and detail-type with a detail. */
export interface OutgoingEvent {
  readonly source: string;
  readonly detailType: string;
  readonly detail: unknown;
}

/** Puts events on the bus; resolves only when every entry was accepted, or throws. */
export interface EventPublisher {
  publish(events: readonly OutgoingEvent[]): Promise<void>;
}

/** Builds an outgoing event from its catalogue definition, validating the detail on the way out. */
export function eventOf<D extends EventDefinition>(definition: D, detail: DetailOf<D>): OutgoingEvent {
  return {
    source: definition.source,
    detailType: definition.type,
    detail: definition.schema.parse(detail),
  };
}
