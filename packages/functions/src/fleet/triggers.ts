import {
  anomalyDetected,
  boothCreated,
  boothUpdated,
  defenderViolation,
  locationGeofenceEvent,
  machineBlocked,
  machineUnblocked,
  positionTopic,
  presenceTopic,
  sosRaised,
  sosTopic,
  voteRejected,
} from '@ballotstream/events';
import { http, registryBatches, subscribe, topicRule } from '../trigger-builders';
import type { Trigger } from '../trigger-types';

/** What runs the fleet steps, beside their handlers; `../triggers.ts` gathers every area. */
export const fleetTriggers: readonly Trigger[] = [
  topicRule(positionTopic, {
    name: 'trackPosition',
    description:
      "Forwards a machine's GPS fix to the tracker (rate-limited); the tracker evaluates geofences.",
    handler: 'fleet/track-position.handler',
    publishes: [anomalyDetected],
    reaches: { tables: { registry: 'read', fleet: 'write' }, tracker: true, cache: true },
  }),
  subscribe(boothCreated, {
    name: 'loadGeofencesCreated',
    description:
      "Puts a new booth's geofence (registered, or a row of an imported file) into the collection the tracker evaluates.",
    handler: 'fleet/load-geofences.created',
    batch: registryBatches,
    reaches: { tables: { registry: 'read' }, geofences: 'write' },
  }),
  subscribe(boothUpdated, {
    name: 'loadGeofencesUpdated',
    description: "Puts a changed booth's geofence, as the registry now holds it, into the collection.",
    handler: 'fleet/load-geofences.updated',
    batch: registryBatches,
    reaches: { tables: { registry: 'read' }, geofences: 'write' },
  }),
  subscribe(locationGeofenceEvent, {
    name: 'geofenceEvent',
    description: "A machine leaving its booth's geofence (Amazon Location's event) is an anomaly.",
    handler: 'fleet/geofence-event.handler',
    publishes: [anomalyDetected],
    reaches: { tables: { registry: 'read' }, cache: true },
  }),
  topicRule(presenceTopic, {
    name: 'observePresence',
    description:
      'IoT lifecycle events feed the fleet security monitor (AWS; locally the broker reports the same).',
    handler: 'fleet/observe-activity.presence',
    publishes: [defenderViolation],
    reaches: { tables: { registry: 'read' }, cache: true },
  }),
  topicRule(sosTopic, {
    name: 'sos',
    description: "A booth's SOS blocks the booth's machines and raises a critical alert.",
    handler: 'fleet/sos.handler',
    publishes: [machineBlocked, sosRaised],
    reaches: { tables: { registry: 'write', audit: 'write' } },
  }),
  http('POST /machines/{machineId}/block', {
    name: 'blockMachine',
    description: "An officer of the machine's region (or an admin) blocks a machine, with a reason; audited.",
    roles: ['officer', 'admin'],
    handler: 'fleet/block-machine.block',
    publishes: [machineBlocked, machineUnblocked],
    reaches: { tables: { registry: 'write', audit: 'write' } },
  }),
  http('POST /machines/{machineId}/unblock', {
    name: 'unblockMachine',
    description:
      "An officer of the machine's region (or an admin) clears a blocked machine, with a reason; audited.",
    roles: ['officer', 'admin'],
    handler: 'fleet/block-machine.unblock',
    publishes: [machineBlocked, machineUnblocked],
    reaches: { tables: { registry: 'write', audit: 'write' } },
  }),
  subscribe(machineBlocked, {
    name: 'sendControlBlocked',
    description: 'Sends a blocked machine its state as a retained control message.',
    handler: 'fleet/send-control.blocked',
    reaches: { tables: { registry: 'read' }, machineControl: true },
  }),
  subscribe(machineUnblocked, {
    name: 'sendControlUnblocked',
    description: 'Sends an unblocked machine its state as a retained control message.',
    handler: 'fleet/send-control.unblocked',
    reaches: { tables: { registry: 'read' }, machineControl: true },
  }),
  subscribe(voteRejected, {
    name: 'hardBlockIgnored',
    description:
      "A blocked machine still sending votes past the block's grace has its certificate set inactive; audited.",
    handler: 'fleet/hard-block.ignored',
    reaches: { tables: { registry: 'write', audit: 'write' }, machineCertificates: true },
  }),
  subscribe(sosRaised, {
    name: 'hardBlockSos',
    description:
      "A booth's second SOS before it is cleared sets its machines' certificates inactive; audited.",
    handler: 'fleet/hard-block.sos',
    reaches: { tables: { registry: 'write', audit: 'write' }, machineCertificates: true },
  }),
  subscribe(machineUnblocked, {
    name: 'restoreCertificates',
    description:
      "A cleared machine's certificates, set inactive by a hard block, are set active again; audited.",
    handler: 'fleet/hard-block.restored',
    reaches: { tables: { registry: 'write', audit: 'write' }, machineCertificates: true },
  }),
];
