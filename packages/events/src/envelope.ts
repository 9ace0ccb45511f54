import { z } from 'zod';

/** The envelope EventBridge delivers to a target; typed once, used by both runtimes. */
export const eventBridgeEnvelopeSchema = z.object({
  version: z.literal('0'),
  id: z.string().min(1),
  'detail-type': z.string().min(1),
  source: z.string().min(1),
  account: z.string(),
  time: z.string(),
  region: z.string(),
  resources: z.array(z.string()),
  detail: z.unknown(),
});

/** An EventBridge event whose detail has been parsed against its catalogue schema. */
export interface EventBridgeEnvelope<TType extends string = string, TDetail = unknown> {
  readonly version: '0';
  readonly id: string;
  readonly 'detail-type': TType;
  readonly source: string;
  readonly account: string;
  readonly time: string;
  readonly region: string;
  readonly resources: readonly string[];
  readonly detail: TDetail;
}
