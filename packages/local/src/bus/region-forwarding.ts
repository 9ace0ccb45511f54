import type { EventBridgeEnvelope } from '@ballotstream/events';
import { type ForwardRule, forwardRules, fromOrigin } from '@ballotstream/functions/bus-forwarding';
import type { Region } from '@ballotstream/functions/catalogue';
import { triggers } from '@ballotstream/functions/triggers';
import type { LocalBus } from './local-bus';

/** The ARN a local region's bus names as its events' origin, spelled as EventBridge's are. */
export function localBusArn(region: Region): string {
  return `arn:aws:events:local-${region}:000000000000:event-bus/ballotstream`;
}

/**
 * Two regions' buses in one process joined as AWS joins them (`forwardRules`, `stacks/bus.ts`):
 * each bus has the forwarding rule of its region, with the same pattern, and puts what it matches
 * on the other region's bus. While that region is down the events are held, as EventBridge keeps
 * retrying a target bus (24 h), and `release` delivers them when it is back.
 */
export class RegionForwarding {
  private readonly rules: readonly ForwardRule[] = forwardRules(triggers);
  private readonly held: Record<Region, EventBridgeEnvelope[]> = { primary: [], secondary: [] };
  private readonly sent: Record<Region, number> = { primary: 0, secondary: 0 };

  constructor(
    /** The bus of a running region; undefined while it is down. */
    private readonly busOf: (region: Region) => LocalBus | undefined,
  ) {}

  /** Subscribes a region's (new) bus to its forwarding rule. */
  attach(region: Region, bus: LocalBus): void {
    for (const rule of this.rules.filter((r) => r.from === region)) {
      bus.subscribe({
        name: `forwardTo${rule.to === 'primary' ? 'Primary' : 'Secondary'}`,
        pattern: JSON.parse(fromOrigin(rule, localBusArn(region))),
        retries: 0,
        invoke: async (envelope) => this.send(rule.to, envelope),
      });
    }
  }

  /** Delivers what was held for a region that is back; returns how many events. */
  release(region: Region): number {
    const bus = this.busOf(region);
    if (bus === undefined) return 0;
    const held = this.held[region].splice(0);
    for (const envelope of held) this.deliver(region, bus, envelope);
    return held.length;
  }

  /** Events waiting for a region that is down. */
  heldFor(region: Region): number {
    return this.held[region].length;
  }

  /** Events put on a region's bus by the other region's forwarding rule. */
  forwardedTo(region: Region): number {
    return this.sent[region];
  }

  private send(to: Region, envelope: EventBridgeEnvelope): void {
    const bus = this.busOf(to);
    if (bus === undefined) this.held[to].push(envelope);
    else this.deliver(to, bus, envelope);
  }

  private deliver(to: Region, bus: LocalBus, envelope: EventBridgeEnvelope): void {
    this.sent[to]++;
    bus.put(envelope);
  }
}
