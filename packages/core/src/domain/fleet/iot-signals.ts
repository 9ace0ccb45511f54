import type { FleetActivity, IotLogEntry, MachinePublish } from '@ballotstream/events';

/** Epoch milliseconds of an IoT log timestamp, which is UTC written `YYYY-MM-DD HH:mm:ss.SSS`. */
export function iotLogTime(timestamp: string): number {
  return Date.parse(`${timestamp.replace(' ', 'T')}Z`);
}

/**
 * The fleet activity an IoT Core log entry records, if it is one the fleet monitor counts: a
 * publish the policy refused (`Publish-In`, `Failure`, `AUTHORIZATION_FAILURE`). In AWS this is
 * how authorization failures reach the monitor without Device Defender Detect; locally the
 * embedded broker reports the same activity itself.
 */
export function activityOfIotLog(entry: IotLogEntry): FleetActivity | undefined {
  if (entry.eventType !== 'Publish-In' || entry.status !== 'Failure') return undefined;
  if (entry.reason !== 'AUTHORIZATION_FAILURE' || entry.clientId === undefined) return undefined;
  return {
    kind: 'publish-denied',
    clientId: entry.clientId,
    topic: entry.topicName ?? '',
    at: iotLogTime(entry.timestamp),
    reason: 'not-authorised',
  };
}

/**
 * The fleet activity of one message the project's rule on the machines' topics counted: a
 * publish by that client at the broker's time, which the machine cannot forge.
 */
export function activityOfPublish(publish: MachinePublish): FleetActivity {
  return { kind: 'published', clientId: publish.clientId, topic: publish.topic, at: publish.receivedAt };
}
