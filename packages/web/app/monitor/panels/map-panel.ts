import { boothsResponseSchema, type MachineView, machinesResponseSchema } from '@ballotstream/events';
import L from 'leaflet';
import { getJson } from '../../shared/api';
import { h } from '../../shared/dom';
import { countryMap, machineStates, stateColours } from '../map';
import { describeError, isNational, type Panel, panelSection, scopeQuery, toast } from '../page';
import type { Session } from '../session';

/** Draws one machine's marker, or moves and recolours the one already drawn. */
function placeMarker(layer: L.LayerGroup, markers: Map<string, L.CircleMarker>, m: MachineView): void {
  if (m.position === undefined) return;
  const at: [number, number] = [m.position.lat, m.position.lon];
  const style = {
    radius: 7,
    color: '#ffffff',
    weight: 1.5,
    fillColor: stateColours[m.state],
    fillOpacity: 0.95,
  };
  const className = `machine machine-${m.machineId} state-${m.state}`;
  let marker = markers.get(m.machineId);
  if (marker === undefined) {
    marker = L.circleMarker(at, { ...style, className })
      .bindTooltip(`${m.machineId} · ${m.state}`)
      .on('click', () => {
        location.hash = `#/machines/${encodeURIComponent(m.machineId)}`;
      })
      .addTo(layer);
    markers.set(m.machineId, marker);
  } else {
    marker.setLatLng(at).setStyle(style).setTooltipContent(`${m.machineId} · ${m.state}`);
  }
  // A machine that needs attention is drawn above its quiet neighbours.
  if (m.state === 'blocked' || m.state === 'off-geofence') marker.bringToFront();
  // Leaflet sets the class only when drawing; keep it current so the state can be read back, and
  // give the marker a role so its label is read out (a bare path's label is not).
  const path = marker.getElement();
  if (path !== undefined) {
    path.setAttribute('class', `leaflet-interactive ${className}`);
    path.setAttribute('data-state', m.state);
    path.setAttribute('role', 'img');
    path.setAttribute('aria-label', `${m.machineId}: ${m.state}`);
  }
}

/** A summary of the machines by state, for the legend. */
function stateSummary(machines: readonly MachineView[]): string {
  const counts = new Map<string, number>();
  for (const m of machines) counts.set(m.state, (counts.get(m.state) ?? 0) + 1);
  const parts = machineStates.filter((st) => counts.has(st)).map((st) => `${counts.get(st)} ${st}`);
  return `${machines.length} machines: ${parts.join(', ')}`;
}

/**
 * The map panel: the booths' geofences and the machines of the officer's scope, coloured by
 * state; tells the dashboard each time the machines are read, so alerts can offer the right action.
 */
export function mapPanel(s: Session, onMachines: (machines: readonly MachineView[]) => void): Panel {
  const mapEl = h('div', { id: 'map', role: 'region', 'aria-label': 'Map of machines' });
  const countEl = h('span', { id: 'machine-count', class: 'muted' });
  const element = panelSection(
    'map',
    isNational(s) ? 'Machines — whole country' : `Machines — ${s.regionId}`,
    mapEl,
    h(
      'div',
      { class: 'legend', role: 'group', 'aria-label': 'Legend' },
      ...machineStates.map((state) =>
        h('span', { class: `state-${state}` }, h('span', { class: 'dot' }), state),
      ),
      countEl,
    ),
  );
  let map: L.Map | undefined;
  const geofences = L.layerGroup();
  const machineLayer = L.layerGroup();
  const markers = new Map<string, L.CircleMarker>();
  let fitted = false;

  async function loadBooths(): Promise<void> {
    const answer = await getJson(`/booths?limit=500${scopeQuery(s, '&')}`, boothsResponseSchema);
    geofences.clearLayers();
    for (const booth of answer.booths) {
      if (booth.geofence === undefined) continue;
      L.polygon(
        booth.geofence.map(([lon, lat]) => [lat, lon] as [number, number]),
        { color: '#8250df', weight: 1, fillOpacity: 0.08, className: `geofence geofence-${booth.boothId}` },
      )
        .bindTooltip(booth.name)
        .addTo(geofences);
    }
  }

  async function refresh(): Promise<void> {
    try {
      const answer = await getJson(`/machines${scopeQuery(s)}`, machinesResponseSchema, s.token);
      for (const m of answer.machines) placeMarker(machineLayer, markers, m);
      const seen = new Set(answer.machines.filter((m) => m.position !== undefined).map((m) => m.machineId));
      for (const [id, marker] of markers) {
        if (seen.has(id)) continue;
        marker.remove();
        markers.delete(id);
      }
      countEl.textContent = stateSummary(answer.machines);
      const placed = answer.machines.flatMap((m) =>
        m.position ? [[m.position.lat, m.position.lon] as [number, number]] : [],
      );
      if (map !== undefined && !fitted && placed.length > 0 && !isNational(s)) {
        map.fitBounds(L.latLngBounds(placed), { padding: [40, 40], maxZoom: 9 });
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
      map = countryMap(mapEl);
      geofences.addTo(map);
      machineLayer.addTo(map);
      loadBooths().catch((error: unknown) => toast(describeError(error)));
    },
    refresh,
    stop: () => map?.remove(),
  };
}
