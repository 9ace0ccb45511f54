import 'leaflet/dist/leaflet.css';
import L from 'leaflet';
import { feature } from 'topojson-client';
import type { GeometryCollection, Topology } from 'topojson-specification';
import countries from 'world-atlas/countries-50m.json';

/** The states a machine is shown in, each with its colour on the map. */
export const machineStates = ['voting', 'idle', 'offline', 'blocked', 'off-geofence'] as const;
export type MachineState = (typeof machineStates)[number];

export const stateColours: Readonly<Record<MachineState, string>> = {
  voting: '#1a7f37',
  idle: '#0969da',
  offline: '#6e7781',
  blocked: '#cf222e',
  'off-geofence': '#bc4c00',
};

const INDIA = '356';

/**
 * A map of the country with no tile server: the country and its neighbours are GeoJSON layers
 * drawn from Natural Earth boundaries shipped in the `world-atlas` package.
 */
export function countryMap(element: HTMLElement): L.Map {
  const map = L.map(element, { attributionControl: true, zoomSnap: 0.25, minZoom: 3, maxZoom: 18 });
  map.attributionControl.setPrefix('').addAttribution('Boundaries: Natural Earth');
  const topology = countries as unknown as Topology<{ countries: GeometryCollection<{ name: string }> }>;
  const world = feature(topology, topology.objects.countries);
  const home = world.features.filter((f) => f.id === INDIA);
  const others = world.features.filter((f) => f.id !== INDIA);
  L.geoJSON(others, {
    style: { color: '#9aa4ae', weight: 1, fillColor: '#e8ebee', fillOpacity: 1 },
    interactive: false,
  }).addTo(map);
  const country = L.geoJSON(home, {
    style: { color: '#57606a', weight: 1.5, fillColor: '#fdfdfb', fillOpacity: 1 },
    interactive: false,
  }).addTo(map);
  map.fitBounds(country.getBounds(), { padding: [8, 8] });
  return map;
}
