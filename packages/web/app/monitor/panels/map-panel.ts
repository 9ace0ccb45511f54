import type { BoothListing, MachineView } from '@ballotstream/events';
import { machinesResponseSchema } from '@ballotstream/events';
import L from 'leaflet';
import { allBooths, getJson } from '../../shared/api';
import { h, replace } from '../../shared/dom';
import { language, stateName, t } from '../i18n';
import {
  convexHull,
  countryMap,
  type MachineState,
  machineClusters,
  machineStates,
  partyColour,
} from '../map';
import { describeError, isNational, type Panel, panelSection, scopeQuery, toast } from '../page';
import type { ConstituencyResult } from '../results';
import type { Session } from '../session';

type MachineMarker = L.Marker & { options: L.MarkerOptions & { machineState?: MachineState } };

/** The marker of a machine: a dot in its state's colour, named for screen readers. */
function machineIcon(m: MachineView): L.DivIcon {
  return L.divIcon({
    className: `machine machine-${m.machineId} state-${m.state}`,
    iconSize: L.point(16, 16),
  });
}

/** Keeps the marker's element readable: its state and its name, each time Leaflet draws it anew. */
function decorate(marker: MachineMarker, label: string): void {
  const el = marker.getElement();
  if (el === undefined) return;
  el.setAttribute('data-state', marker.options.machineState ?? '');
  el.setAttribute('aria-label', label);
  el.setAttribute('title', label);
}

/** A summary of the machines by state, for the legend. */
function stateSummary(machines: readonly MachineView[]): string {
  const counts = new Map<string, number>();
  for (const m of machines) counts.set(m.state, (counts.get(m.state) ?? 0) + 1);
  const parts = machineStates
    .filter((st) => counts.has(st))
    .map((st) => `${counts.get(st)} ${stateName(st)}`);
  return `${machines.length} ${t('machines')}: ${parts.join(', ')}`;
}

/** The outline of each constituency: the hull of its booths' geofences (the registry has no other). */
function constituencyShapes(booths: readonly BoothListing[]): Map<string, [number, number][]> {
  const points = new Map<string, [number, number][]>();
  for (const b of booths) {
    const list = points.get(b.constituencyId) ?? [];
    for (const [lon, lat] of b.geofence ?? []) list.push([lat, lon]);
    points.set(b.constituencyId, list);
  }
  return new Map([...points].filter(([, p]) => p.length >= 3).map(([id, p]) => [id, convexHull(p)]));
}

/** The map's layers of booths and machines, which the panel fills and refreshes. */
function machineLayers() {
  return {
    geofences: L.layerGroup(),
    constituencies: L.layerGroup(),
    clusters: machineClusters((_n, worst) => ` ${t('machines')}, ${t('mostUrgent')}: ${stateName(worst)}`),
    markers: new Map<string, MachineMarker>(),
    outlines: new Map<string, L.Polygon>(),
  };
}
type Layers = ReturnType<typeof machineLayers>;

/** Draws one machine's marker, or moves it and changes its colour when its state changed. */
function placeMarker(layers: Layers, m: MachineView): void {
  if (m.position === undefined) return;
  const at: [number, number] = [m.position.lat, m.position.lon];
  const label = `${m.machineId}: ${stateName(m.state)}`;
  const marker = layers.markers.get(m.machineId);
  if (marker === undefined) {
    const created = L.marker(at, { icon: machineIcon(m), keyboard: true, title: label }) as MachineMarker;
    created.options.machineState = m.state;
    created.on('add', () => decorate(created, label));
    created.on('click keypress', () => {
      location.hash = `#/machines/${encodeURIComponent(m.machineId)}`;
    });
    layers.clusters.addLayer(created);
    layers.markers.set(m.machineId, created);
    return;
  }
  marker.setLatLng(at);
  if (marker.options.machineState !== m.state) {
    marker.options.machineState = m.state;
    marker.options.title = label;
    marker.setIcon(machineIcon(m));
    marker.off('add').on('add', () => decorate(marker, label));
    layers.clusters.refreshClusters(marker);
  }
  decorate(marker, label);
}

/** Colours each constituency's outline by the party leading it, and names the parties in the legend. */
function paintResults(layers: Layers, results: readonly ConstituencyResult[], legend: HTMLElement): void {
  const parties = [
    ...new Set(results.flatMap((r) => (r.leader === undefined ? [] : [r.leader.party]))),
  ].sort();
  for (const r of results) {
    const outline = layers.outlines.get(r.constituencyId);
    if (outline === undefined) continue;
    const party = r.leader?.party;
    outline.setStyle({
      color: party === undefined ? '#6e7781' : partyColour(parties, party),
      fillColor: party === undefined ? '#d0d7de' : partyColour(parties, party),
      fillOpacity: party === undefined ? 0.1 : 0.35,
    });
    outline.setTooltipContent(
      `${r.name}: ${r.leader === undefined ? t('noVotesYet') : `${r.leader.name} (${party}) ${t(`status.${r.status}`)}`}`,
    );
    outline.getElement()?.setAttribute('data-leader', party ?? '');
  }
  replace(
    legend,
    parties.map((p) =>
      h(
        'span',
        { class: 'party', 'data-party': p },
        h('span', { class: `dot party-${parties.indexOf(p) % 8}` }),
        p,
      ),
    ),
  );
}

/** Draws the constituencies' outlines from the booths, each named for its tooltip. */
function drawOutlines(layers: Layers, booths: readonly BoothListing[]): void {
  layers.constituencies.clearLayers();
  layers.outlines.clear();
  for (const [id, ring] of constituencyShapes(booths)) {
    const outline = L.polygon(ring, {
      color: '#6e7781',
      weight: 1.5,
      fillOpacity: 0.1,
      className: `constituency constituency-${id}`,
    }).bindTooltip(id);
    outline.addTo(layers.constituencies);
    layers.outlines.set(id, outline);
  }
}

/** Draws each booth's geofence, named for its tooltip in the reader's language. */
function drawGeofences(layers: Layers, booths: readonly BoothListing[]): void {
  layers.geofences.clearLayers();
  for (const booth of booths) {
    if (booth.geofence === undefined) continue;
    L.polygon(
      booth.geofence.map(([lon, lat]) => [lat, lon] as [number, number]),
      { color: '#8250df', weight: 1, fillOpacity: 0.08, className: `geofence geofence-${booth.boothId}` },
    )
      .bindTooltip(language() === 'hi' && booth.nameHi !== undefined ? booth.nameHi : booth.name)
      .addTo(layers.geofences);
  }
}

/** The map panel: what the map shows, and what it does when machines or results are read. */
export interface MapPanel extends Panel {
  /** Colours the constituencies by their leading party. */
  showResults(results: readonly ConstituencyResult[]): void;
}

/** The panel's elements: the map's box, the machine-state legend with its count, the party legend. */
function mapElements(s: Session) {
  const mapEl = h('div', { id: 'map', role: 'region', 'aria-label': t('mapOfMachines') });
  const countEl = h('span', { id: 'machine-count', class: 'muted' });
  const partyLegend = h('div', {
    class: 'legend',
    id: 'party-legend',
    role: 'group',
    'aria-label': t('layerResults'),
  });
  const element = panelSection(
    'map',
    isNational(s) ? t('machinesWholeCountry') : `${t('machinesOf')} ${s.regionId}`,
    mapEl,
    h(
      'div',
      { class: 'legend', role: 'group', 'aria-label': t('legend') },
      ...machineStates.map((state) =>
        h('span', { class: `state-${state}` }, h('span', { class: 'dot' }), stateName(state)),
      ),
      countEl,
    ),
    partyLegend,
  );
  return { element, mapEl, countEl, partyLegend };
}

/**
 * The map panel: the states, the constituencies coloured by leading party, the booths' geofences
 * and the machines of the officer's scope clustered and coloured by state; tells the dashboard
 * each time the machines are read, so alerts can offer the right action.
 */
export function mapPanel(s: Session, onMachines: (machines: readonly MachineView[]) => void): MapPanel {
  const { element, mapEl, countEl, partyLegend } = mapElements(s);
  let map: L.Map | undefined;
  const layers = machineLayers();
  let fitted = false;
  let lastResults: readonly ConstituencyResult[] = [];

  async function loadBooths(): Promise<void> {
    const booths = await allBooths(scopeQuery(s, '&'));
    drawGeofences(layers, booths);
    drawOutlines(layers, booths);
    paintResults(layers, lastResults, partyLegend);
  }

  async function refresh(): Promise<void> {
    try {
      const answer = await getJson(`/machines${scopeQuery(s)}`, machinesResponseSchema, s.token);
      for (const m of answer.machines) placeMarker(layers, m);
      const seen = new Set(answer.machines.filter((m) => m.position !== undefined).map((m) => m.machineId));
      for (const [id, marker] of layers.markers) {
        if (seen.has(id)) continue;
        layers.clusters.removeLayer(marker);
        layers.markers.delete(id);
      }
      countEl.textContent = stateSummary(answer.machines);
      const placed = answer.machines.flatMap((m) =>
        m.position ? [[m.position.lat, m.position.lon] as [number, number]] : [],
      );
      if (map !== undefined && !fitted && placed.length > 0 && !isNational(s)) {
        map.fitBounds(L.latLngBounds(placed), { padding: [40, 40], maxZoom: 13 });
        fitted = true;
      }
      onMachines(answer.machines);
    } catch (error) {
      toast(describeError(error));
    }
  }

  return {
    element,
    mount() {
      map = countryMap(mapEl, language());
      layers.constituencies.addTo(map);
      layers.geofences.addTo(map);
      layers.clusters.addTo(map);
      L.control
        .layers(undefined, {
          [t('layerResults')]: layers.constituencies,
          [t('layerGeofences')]: layers.geofences,
          [t('layerMachines')]: layers.clusters,
        })
        .addTo(map);
      loadBooths().catch((error: unknown) => toast(describeError(error)));
    },
    refresh,
    showResults(results) {
      lastResults = results;
      paintResults(layers, results, partyLegend);
    },
    stop: () => map?.remove(),
  };
}
