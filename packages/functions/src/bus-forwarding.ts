import { findEvent } from '@ballotstream/events';
import type { Region } from './catalogue';
import type { Trigger } from './trigger-types';

/**
 * One cross-region forwarding rule: on `from`'s bus, the events a subscriber in `to` listens for
 * that were published in `from`, sent on to `to`'s bus (an EventBridge rule with an event bus
 * target in AWS, `startRegions` locally).
 */
export interface ForwardRule {
  readonly from: Region;
  readonly to: Region;
  /** What subscribers in `to` listen for, by source and detail type; `fromOrigin` adds the origin. */
  readonly pattern: { readonly source: readonly string[]; readonly 'detail-type': readonly string[] };
}

const REGIONS: readonly Region[] = ['primary', 'secondary'];

/**
 * The rules both buses need so that each region's subscribers see what the other region's steps
 * published: each region's copies of the steps publish to their own bus, and a subscriber runs in
 * one region only. One rule a direction, naming every detail type a subscriber there listens for
 * (with its catalogue source): an event matches one rule or none, so it is forwarded at most once
 * even when several subscribers over there want it; their own rules filter further.
 */
export function forwardRules(triggers: readonly Trigger[]): ForwardRule[] {
  return REGIONS.flatMap((to) => {
    const from: Region = to === 'primary' ? 'secondary' : 'primary';
    const sources = new Set<string>();
    const types = new Set<string>();
    for (const t of triggers) {
      if (t.kind !== 'event' || t.region !== to) continue;
      for (const type of t.pattern['detail-type']) {
        const source = findEvent(type)?.source;
        // AWS services' events (`aws.*`) reach the primary's default bus alone; none is forwarded.
        if (source === undefined || source.startsWith('aws.')) continue;
        sources.add(source);
        types.add(type);
      }
    }
    if (types.size === 0) return [];
    return [{ from, to, pattern: { source: [...sources].sort(), 'detail-type': [...types].sort() } }];
  });
}

/**
 * A forwarding rule's pattern as the bus takes it: the subscriber's pattern, only for events
 * published in the rule's own region. Each region's publishers name their own bus in the
 * envelope's `resources` (`EventBridgePublisher`'s `origin`), and a forwarded event keeps its
 * envelope, so nothing forwarded is sent back: no loop, and no subscriber sees an event twice.
 */
export function fromOrigin(rule: ForwardRule, originBus: string): string {
  return JSON.stringify({ ...rule.pattern, resources: [originBus] });
}
