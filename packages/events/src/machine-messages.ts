import { z } from 'zod';
import { epochMsSchema, idSchema } from './common';

/** A GPS fix a booth gateway publishes on `machines/<machineId>/position` (at most one per few seconds). */
export const positionMessageSchema = z.object({
  lat: z.number().min(-90, 'must be a latitude').max(90, 'must be a latitude'),
  lon: z.number().min(-180, 'must be a longitude').max(180, 'must be a longitude'),
  /** Horizontal accuracy in metres. */
  accuracyM: z.number().nonnegative().max(100_000).optional(),
  sampledAt: epochMsSchema,
});
export type PositionMessage = z.infer<typeof positionMessageSchema>;

/** The booth staff's SOS, published on `machines/<machineId>/sos` by any machine of the booth. */
export const sosMessageSchema = z.object({
  boothId: idSchema.optional(),
  note: z.string().max(280, 'must be at most 280 characters').optional(),
  raisedAt: epochMsSchema.optional(),
});
export type SosMessage = z.infer<typeof sosMessageSchema>;

/**
 * The cloud's command to a machine on `machines/<machineId>/control`, published retained so a
 * machine that reconnects learns its current state at once. It states the state, not a change,
 * so a late or repeated message can never undo a newer one.
 */
export const controlMessageSchema = z.object({
  machineId: idSchema,
  blocked: z.boolean(),
  reason: z.string().max(280),
  /** When the state was set (epoch ms); a gateway ignores a message older than the one it obeys. */
  at: epochMsSchema,
});
export type ControlMessage = z.infer<typeof controlMessageSchema>;

/** What AWS IoT Core publishes on `$aws/events/presence/connected|disconnected/<clientId>`. */
export const presenceEventSchema = z.object({
  clientId: z.string().min(1).max(128),
  timestamp: epochMsSchema,
  eventType: z.enum(['connected', 'disconnected']),
  sessionIdentifier: z.string().optional(),
  principalIdentifier: z.string().optional(),
  ipAddress: z.string().optional(),
  versionNumber: z.number().optional(),
  clientInitiatedDisconnect: z.boolean().optional(),
  disconnectReason: z.string().optional(),
});
export type PresenceEvent = z.infer<typeof presenceEventSchema>;

/** What the broker saw a client do, in either runtime; the fleet monitor counts these. */
export const fleetActivitySchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('connected'), clientId: z.string(), address: z.string(), at: epochMsSchema }),
  z.object({ kind: z.literal('disconnected'), clientId: z.string(), at: epochMsSchema }),
  z.object({
    kind: z.literal('publish-denied'),
    clientId: z.string(),
    topic: z.string(),
    at: epochMsSchema,
    /** Why: the policy, a payload over IoT Core's limit, or a retained message from a machine. */
    reason: z.enum(['not-authorised', 'too-large', 'retained']).optional(),
  }),
  z.object({ kind: z.literal('published'), clientId: z.string(), topic: z.string(), at: epochMsSchema }),
]);
export type FleetActivity = z.infer<typeof fleetActivitySchema>;

/**
 * One entry of IoT Core's CloudWatch log (`AWSIotLogsV2`), as a subscription filter hands it
 * over: the message broker's `Publish-In` entry with `status: "Failure"` and
 * `reason: "AUTHORIZATION_FAILURE"` is a publish the policy refused. Other fields pass through.
 */
export const iotLogEntrySchema = z.looseObject({
  /** UTC, `YYYY-MM-DD HH:mm:ss.SSS`. */
  timestamp: z.string().regex(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}(\.\d+)?$/),
  logLevel: z.string(),
  eventType: z.string(),
  status: z.string().optional(),
  reason: z.string().optional(),
  topicName: z.string().optional(),
  clientId: z.string().optional(),
  sourceIp: z.string().optional(),
});
export type IotLogEntry = z.infer<typeof iotLogEntrySchema>;

/** A CloudWatch Logs subscription delivery, once its `awslogs.data` is unzipped and parsed. */
export const logSubscriptionSchema = z.object({
  messageType: z.enum(['DATA_MESSAGE', 'CONTROL_MESSAGE']),
  logGroup: z.string(),
  logEvents: z.array(z.object({ id: z.string(), timestamp: z.number(), message: z.string() })),
});
export type LogSubscription = z.infer<typeof logSubscriptionSchema>;

/** What the project's topic rule on the machines' topics selects from each message it counts. */
export const machinePublishSchema = z.object({
  clientId: z.string().min(1).max(128),
  topic: z.string().min(1).max(256),
  receivedAt: epochMsSchema,
});
export type MachinePublish = z.infer<typeof machinePublishSchema>;
