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
 * Where machines are (Amazon Location tracker in AWS, a local tracker with history here). The
 * tracker, not the caller, evaluates booth geofences and announces `Location Geofence Event`s.
 */
export interface DeviceTracker {
  update(positions: readonly DevicePosition[]): Promise<void>;
  /** A device's fixes with sample times in [fromMs, toMs), oldest first. */
  history(deviceId: string, fromMs: number, toMs: number): Promise<readonly DevicePosition[]>;
}
