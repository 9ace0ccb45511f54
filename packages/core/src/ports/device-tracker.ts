import type { LonLat } from '@ballotstream/events';

/** One GPS fix of a machine, as Amazon Location's `BatchUpdateDevicePosition` takes it. */
export interface DevicePosition {
  readonly deviceId: string;
  /** [longitude, latitude], WGS84. */
  readonly position: LonLat;
  /** Epoch milliseconds the gateway took the fix. */
  readonly sampleTime: number;
  /** Horizontal accuracy in metres. */
  readonly accuracyM?: number;
}

/**
 * The booth a machine serves and its region: in AWS they choose the Location shard (tracker and
 * geofence collection) its positions go to (`shardOfBooth`).
 */
export interface TrackedDevice {
  readonly deviceId: string;
  readonly regionId: string;
  readonly boothId: string;
}

/** A fix to store, with the booth whose shard it goes to. */
export interface PlacedPosition extends DevicePosition {
  readonly device: TrackedDevice;
}

/**
 * Where machines are (Amazon Location tracker in AWS, a local tracker with history here). The
 * tracker, not the caller, evaluates booth geofences and announces `Location Geofence Event`s.
 */
export interface DeviceTracker {
  update(positions: readonly PlacedPosition[]): Promise<void>;
  /** A device's fixes with sample times in [fromMs, toMs), oldest first. */
  history(device: TrackedDevice, fromMs: number, toMs: number): Promise<readonly DevicePosition[]>;
}
