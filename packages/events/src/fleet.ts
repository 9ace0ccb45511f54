import { z } from 'zod';
import { epochMsSchema, idSchema, isoTimeSchema } from './common';
import { defineEvent } from './define';

const source = 'ballotstream.fleet';

/** A longitude/latitude pair in WGS84, in the order Amazon Location uses: [lon, lat]. */
export const lonLatSchema = z.tuple([z.number().min(-180).max(180), z.number().min(-90).max(90)]);
export type LonLat = z.infer<typeof lonLatSchema>;

/** The event Amazon Location puts on the default bus when a tracked device enters or leaves a geofence. */
export const geofenceEventDetailSchema = z.object({
  EventType: z.enum(['ENTER', 'EXIT']),
  GeofenceId: z.string().min(1).max(100),
  DeviceId: z.string().min(1).max(100),
  SampleTime: isoTimeSchema,
  Position: lonLatSchema,
  Accuracy: z.object({ Horizontal: z.number().nonnegative() }).optional(),
  GeofenceProperties: z.record(z.string(), z.string()).optional(),
  PositionProperties: z.record(z.string(), z.string()).optional(),
});
export type GeofenceEventDetail = z.infer<typeof geofenceEventDetailSchema>;

export const locationGeofenceEvent = defineEvent({
  type: 'Location Geofence Event',
  source: 'aws.geo',
  version: 1,
  description: 'Amazon Location (or the local tracker) saw a machine enter or leave a booth geofence.',
  schema: geofenceEventDetailSchema,
});

/** The behaviours the fleet monitor (and Device Defender Detect, where an account has it) watches. */
export const fleetBehaviourSchema = z.enum([
  'authorization-failures',
  'message-rate',
  'unexpected-source',
  'reconnect-storm',
  'two-places',
]);
export type FleetBehaviour = z.infer<typeof fleetBehaviourSchema>;

export const defenderViolation = defineEvent({
  type: 'defender.violation',
  source,
  version: 1,
  description: 'A machine behaved outside its security profile (fleet monitor or Device Defender Detect).',
  schema: z.object({
    machineId: z.string().min(1).max(128),
    behaviour: fleetBehaviourSchema,
    detectedBy: z.enum(['fleet-monitor', 'device-defender']),
    metricValue: z.number(),
    threshold: z.number(),
    evidence: z.record(z.string(), z.unknown()),
    violationAt: isoTimeSchema,
  }),
});

export const sosRaised = defineEvent({
  type: 'sos.raised',
  source,
  version: 1,
  description: "A booth's staff pressed SOS on one of its machines; the booth's machines are blocked.",
  schema: z.object({
    machineId: idSchema,
    boothId: idSchema,
    regionId: idSchema,
    note: z.string().max(280).optional(),
    blockedMachines: z.array(idSchema),
    raisedAt: isoTimeSchema,
  }),
});

const blockChangeSchema = z.object({
  machineId: idSchema,
  boothId: idSchema,
  regionId: idSchema,
  reason: z.string().min(1).max(280),
  by: z.string().min(1).max(200),
  at: epochMsSchema,
});

export const machineBlocked = defineEvent({
  type: 'machine.blocked',
  source,
  version: 1,
  description: 'A machine was blocked (SOS or an officer); it casts nothing until it is unblocked.',
  schema: blockChangeSchema,
});

export const machineUnblocked = defineEvent({
  type: 'machine.unblocked',
  source,
  version: 1,
  description: 'An authority cleared a blocked machine; it may cast again.',
  schema: blockChangeSchema,
});

/**
 * A Device Defender Audit notification, as Audit publishes it to its SNS target when an audit
 * task ends: each check's run status and how many resources it found non-compliant.
 */
export const deviceAuditNotificationSchema = z.looseObject({
  accountId: z.string(),
  taskId: z.string(),
  taskStatus: z.string(),
  taskType: z.string(),
  scheduledAuditName: z.string().optional(),
  nonCompliantChecksCount: z.number().int().nonnegative(),
  taskStartTime: z.number().optional(),
  auditDetails: z
    .array(
      z.looseObject({
        checkName: z.string().min(1).max(100),
        checkRunStatus: z.string(),
        nonCompliantResourcesCount: z.number().int().nonnegative().optional(),
        totalResourcesCount: z.number().int().nonnegative().optional(),
      }),
    )
    .default([]),
});
export type DeviceAuditNotification = z.infer<typeof deviceAuditNotificationSchema>;
