import { describe, expect, it } from 'vitest';
import { geofenceTransitions, insidePolygon } from './geofence';

// A booth of about 200 m square around (77.2090, 28.6139), closed as Amazon Location wants it.
const ring: [number, number][] = [
  [77.208, 28.613],
  [77.21, 28.613],
  [77.21, 28.615],
  [77.208, 28.615],
  [77.208, 28.613],
];

describe('booth geofences', () => {
  it('knows a point inside, on the edge and outside', () => {
    expect(insidePolygon([77.209, 28.614], ring)).toBe(true);
    expect(insidePolygon([77.21, 28.614], ring)).toBe(true);
    expect(insidePolygon([77.22, 28.614], ring)).toBe(false);
  });

  it('reports ENTER once, nothing while inside, and EXIT once when carried out', () => {
    const fences = [{ geofenceId: 'b1', ring }];
    const first = geofenceTransitions(new Set(), [77.209, 28.614], fences);
    expect(first).toMatchObject({ entered: ['b1'], exited: [] });
    const still = geofenceTransitions(new Set(first.inside), [77.2091, 28.6141], fences);
    expect(still).toMatchObject({ entered: [], exited: [] });
    const out = geofenceTransitions(new Set(still.inside), [77.25, 28.7], fences);
    expect(out).toMatchObject({ entered: [], exited: ['b1'], inside: [] });
  });
});
