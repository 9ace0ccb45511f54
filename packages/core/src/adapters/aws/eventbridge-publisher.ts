import {
  type EventBridgeClient,
  PutEventsCommand,
  type PutEventsRequestEntry,
} from '@aws-sdk/client-eventbridge';
import { DependencyError } from '../../errors';
import type { EventPublisher, OutgoingEvent } from '../../ports/event-publisher';

const MAX_ENTRIES = 10;
const MAX_ATTEMPTS = 4;

export interface EventBridgePublisherOptions {
  readonly client: EventBridgeClient;
  readonly busName: string;
  /**
   * The bus's ARN, named in each entry's `Resources`: the region the event was published in, which
   * the cross-region forwarding rules match on so that a forwarded event is never sent back.
   */
  readonly origin?: string;
  readonly sleep?: (ms: number) => Promise<void>;
}

/**
 * Publishes to EventBridge in batches of at most ten, checking each entry of the answer and
 * retrying only the entries that failed (PutEvents reports failures per entry, not as a throw).
 */
export class EventBridgePublisher implements EventPublisher {
  private readonly sleep: (ms: number) => Promise<void>;

  constructor(private readonly options: EventBridgePublisherOptions) {
    this.sleep = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
  }

  async publish(events: readonly OutgoingEvent[]): Promise<void> {
    for (let start = 0; start < events.length; start += MAX_ENTRIES) {
      await this.publishBatch(events.slice(start, start + MAX_ENTRIES).map((e) => this.entryOf(e)));
    }
  }

  private async publishBatch(entries: PutEventsRequestEntry[]): Promise<void> {
    let pending = entries;
    for (let attempt = 1; pending.length > 0; attempt++) {
      const response = await this.options.client.send(new PutEventsCommand({ Entries: pending }));
      if (!response.FailedEntryCount) return;
      const failed = pending.filter((_, i) => response.Entries?.[i]?.ErrorCode !== undefined);
      if (attempt >= MAX_ATTEMPTS) {
        const codes = [...new Set(response.Entries?.map((e) => e.ErrorCode).filter(Boolean))].join(', ');
        throw new DependencyError(
          'eventbridge',
          `${failed.length} entries failed after ${attempt} attempts (${codes})`,
        );
      }
      pending = failed;
      await this.sleep(50 * 2 ** attempt + Math.random() * 50);
    }
  }

  private entryOf(event: OutgoingEvent): PutEventsRequestEntry {
    return {
      EventBusName: this.options.busName,
      Source: event.source,
      DetailType: event.detailType,
      Detail: JSON.stringify(event.detail),
      ...(this.options.origin === undefined ? {} : { Resources: [this.options.origin] }),
    };
  }
}
