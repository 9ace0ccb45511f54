import { locationGeofenceEvent } from '@ballotstream/events';
import { eventHandler } from '../shared/events';
import { countRejection } from '../shared/observability';

/**
 * Amazon Location's geofence events (routed from the default bus to the app bus in AWS; from the
 * local tracker here), judged by `App.geofenceEvent`.
 */
export const handler = eventHandler('geofenceEvent', locationGeofenceEvent, async (detail, app, { id }) => {
  const done = await app.geofenceEvent(id, detail);
  if ('reason' in done.result) countRejection('geofenceEvent', done.result.reason);
  return done;
});
