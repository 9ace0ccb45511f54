import { boothCreated, boothUpdated } from '@ballotstream/events';
import { eventBatchHandler } from '../shared/batch';

/** On `booth.created` (the admin API, or a row of an imported file), in batches: its geofence goes to the collection. */
export const created = eventBatchHandler('loadGeofences.created', boothCreated, async (items, app) => {
  await app.fleet.loadGeofences(items.map((i) => i.value.id));
  return [];
});

/** On `booth.updated`, in batches: the collection takes the booth's polygon as the registry now holds it. */
export const updated = eventBatchHandler('loadGeofences.updated', boothUpdated, async (items, app) => {
  await app.fleet.loadGeofences(items.map((i) => i.value.id));
  return [];
});
