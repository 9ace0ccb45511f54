import { LINKS } from '@ballotstream/functions/links';

/**
 * Machine positions and booth geofences. Amazon Location delivers geofence ENTER / EXIT events
 * to the region's *default* bus (`source: aws.geo`); event triggers with an `aws.*` source are
 * subscribed there (see `lib/event-rules.ts`). Device position events additionally need
 * `update-tracker --event-bridge-enabled`, which the Pulumi tracker cannot set (docs/deploy.md).
 * Both use AWS-owned encryption: a customer key would need grants for every caller.
 */
const geofences = new aws.location.GeofenceCollection('BoothGeofences', {
  collectionName: `ballotstream-${$app.stage}-booths`,
  description: 'One geofence per polling booth, from the booth polygons of the registry.',
});

const tracker = new aws.location.Tracker('MachineTracker', {
  trackerName: `ballotstream-${$app.stage}-machines`,
  description: 'GPS positions of voting machines.',
  // A position is stored and evaluated only after the machine moved more than 30 m.
  positionFiltering: 'DistanceBased',
});

new aws.location.TrackerAssociation('MachineTrackerGeofences', {
  trackerName: tracker.trackerName,
  consumerArn: geofences.collectionArn,
});

export const tracking = { tracker, geofences };

/** The collection's name, for the steps that load booth geofences into it. */
export const geofencesLink = new sst.Linkable(LINKS.geofences, {
  properties: { name: geofences.collectionName },
});

/** The tracker's name, for the steps that update positions. */
export const trackerLink = new sst.Linkable(LINKS.tracker, { properties: { name: tracker.trackerName } });
