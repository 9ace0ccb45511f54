import { locationResourceNames, planLocationShards } from '@ballotstream/core';
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
  const names = locationResourceNames($app.stage, shard);
  const geofences = new aws.location.GeofenceCollection(`BoothGeofences${logical}`, {
    collectionName: names.collection,
    description: `Booth geofences of ${shard.regionId}, part ${shard.part + 1} of ${shard.parts}.`,
  });
  const tracker = new aws.location.Tracker(`MachineTracker${logical}`, {
    trackerName: names.tracker,
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

export const tracking = { shards };

/** A shard as a step's link names it: its place in its region's parts and its resource's name. */
const shardLink = (shard: (typeof shards)[number]['shard'], name: $util.Output<string>) => ({
  regionId: shard.regionId,
  part: shard.part,
  parts: shard.parts,
  name,
});

/**
 * Every shard's collection, for the steps that load booth geofences: each booth goes to its own
 * by `shardOfBooth`, the rule the plan above shards by.
 */
export const geofencesLink = new sst.Linkable(LINKS.geofences, {
  properties: { shards: shards.map((s) => shardLink(s.shard, s.geofences.collectionName)) },
});

/** Every shard's tracker, for the steps that update and read positions (by the machine's booth). */
export const trackerLink = new sst.Linkable(LINKS.tracker, {
  properties: { shards: shards.map((s) => shardLink(s.shard, s.tracker.trackerName)) },
});
