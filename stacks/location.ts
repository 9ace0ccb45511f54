import { planLocationShards } from '@ballotstream/core';
import { LINKS } from '@ballotstream/functions/links';
import { blueprint } from './context';

/**
 * Machine positions and booth geofences, sharded as the capacity plan says
 * (`planLocationShards`): a collection holds at most 50,000 geofences and that cannot be raised,
 * so each region (state) of the blueprint gets as many collections as keep each at 80% of it,
 * each with its own tracker evaluating against it. Amazon Location delivers geofence ENTER / EXIT
 * events to the region's *default* bus (`source: aws.geo`); event triggers with an `aws.*` source
 * are subscribed there (see `lib/event-rules.ts`). Device position events additionally need
 * `update-tracker --event-bridge-enabled`, which the Pulumi tracker cannot set (docs/deploy.md).
 * Both use AWS-owned encryption: a customer key would need grants for every caller.
 */
const shards = planLocationShards(blueprint.scale).map((shard) => {
  const logical = shard.name.replace(/(^|[-._])([a-z0-9])/gi, (_m, _sep, c: string) => c.toUpperCase());
  const geofences = new aws.location.GeofenceCollection(`BoothGeofences${logical}`, {
    collectionName: `ballotstream-${$app.stage}-booths-${shard.name}`,
    description: `Booth geofences of ${shard.regionId}, part ${shard.part + 1} of ${shard.parts}.`,
  });
  const tracker = new aws.location.Tracker(`MachineTracker${logical}`, {
    trackerName: `ballotstream-${$app.stage}-machines-${shard.name}`,
    description: `GPS positions of the voting machines of ${shard.regionId}, part ${shard.part + 1} of ${shard.parts}.`,
    // A position is stored and evaluated only after the machine moved more than 30 m.
    positionFiltering: 'DistanceBased',
  });
  new aws.location.TrackerAssociation(`MachineTrackerGeofences${logical}`, {
    trackerName: tracker.trackerName,
    consumerArn: geofences.collectionArn,
  });
  return { shard, geofences, tracker };
});

// The steps reach one tracker and one collection until their adapters choose a booth's shard
// (docs/deploy.md, "Amazon Location at national scale"); an election of one shard is whole.
const first = shards[0]!;
export const tracking = { tracker: first.tracker, geofences: first.geofences, shards };

/** The collection's name, for the steps that load booth geofences into it. */
export const geofencesLink = new sst.Linkable(LINKS.geofences, {
  properties: { name: first.geofences.collectionName },
});

/** The tracker's name, for the steps that update positions. */
export const trackerLink = new sst.Linkable(LINKS.tracker, {
  properties: { name: first.tracker.trackerName },
});
