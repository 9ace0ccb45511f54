import { blockResponseSchema, type MachineDetail, machineDetailResponseSchema } from '@ballotstream/events';
import L from 'leaflet';
import { getJson, postJson } from '../shared/api';
import { h, replace } from '../shared/dom';
import { language, stateName, t } from './i18n';
import { countryMap, stateColours } from './map';
import { describeError, toast } from './page';
import type { Session } from './session';

/** The machine's signed result record as last checked, or why there is none yet. */
function resultView(result: MachineDetail['result']): HTMLElement {
  if (result === undefined)
    return h(
      'p',
      { class: 'muted', id: 'result-record' },
      'Not yet sent: machines send their signed result at poll close.',
    );
  return h(
    'div',
    { id: 'result-record' },
    h(
      'p',
      { class: result.verified ? 'agree' : 'diverged' },
      result.verified
        ? `Verified: the signed record counts ${result.voteCount} votes, as the cloud stored.`
        : `Mismatch: the record counts ${result.voteCount} votes, the cloud stored ${result.storedVotes}.`,
    ),
    result.problems.length > 0 &&
      h(
        'ul',
        {},
        result.problems.map((p) => h('li', {}, p)),
      ),
    h('p', { class: 'muted' }, `checked ${new Date(result.checkedAt).toLocaleString()}`),
  );
}

/** A form that blocks or unblocks a machine with a reason, through the API's role checks. */
function blockForm(
  s: Session,
  machineId: string,
  action: 'block' | 'unblock',
  done: () => void,
): HTMLElement {
  const input = h('input', {
    id: 'machine-reason',
    name: 'reason',
    required: true,
    minlength: 3,
    'aria-label': `Reason to ${action} ${machineId}`,
    placeholder: `Reason to ${action}`,
  });
  const submit = (e: Event) => {
    e.preventDefault();
    postJson(
      `/machines/${encodeURIComponent(machineId)}/${action}`,
      { reason: input.value.trim() },
      blockResponseSchema,
      s.token,
    )
      .then(() => {
        toast(`${machineId} ${action === 'block' ? 'blocked' : 'unblocked'}`);
        done();
      })
      .catch((error: unknown) => toast(describeError(error)));
  };
  return h(
    'form',
    { class: 'reason', id: 'machine-block', onsubmit: submit },
    input,
    h(
      'button',
      { type: 'submit', class: action === 'block' ? 'danger' : '' },
      action === 'block' ? t('blockMachine') : t('unblockMachine'),
    ),
  );
}

/** The machine's recent events and Defender behaviours, newest as the API orders them. */
function historyView(detail: MachineDetail): HTMLElement[] {
  const clock = (at: number) => new Date(at).toLocaleTimeString();
  return [
    h('h2', {}, t('recentEvents')),
    detail.events.length === 0
      ? h('p', { class: 'muted' }, 'None.')
      : h(
          'ul',
          { id: 'machine-events' },
          detail.events.map((e) => h('li', {}, `${clock(e.at)} · ${e.type} · ${e.summary}`)),
        ),
    h('h2', {}, t('defender')),
    detail.defender.length === 0
      ? h('p', { class: 'muted' }, 'No violation of the security profile.')
      : h(
          'ul',
          {},
          detail.defender.map((d) =>
            h('li', {}, `${clock(d.at)} · ${d.behaviour}: ${d.metricValue} (limit ${d.threshold})`),
          ),
        ),
    h('h2', {}, t('resultRecord')),
    resultView(detail.result),
  ];
}

/** Draws the booth's geofence and the machine's trail, ending at its last place in its state's colour. */
function drawTrail(map: L.Map, detail: MachineDetail): void {
  const booth = detail.booth;
  if (booth !== undefined) {
    const ring = booth.geofence.map(([lon, lat]) => [lat, lon] as [number, number]);
    L.polygon(ring, { color: '#8250df', weight: 1, fillOpacity: 0.1 }).addTo(map);
  }
  const trail = detail.trail.map((p) => [p.lat, p.lon] as [number, number]);
  if (trail.length > 0) {
    L.polyline(trail, { color: '#0b4f8a', weight: 3 }).addTo(map);
    const fill = stateColours[detail.machine.state];
    L.circleMarker(trail.at(-1)!, { radius: 7, fillColor: fill, fillOpacity: 1, color: '#fff' }).addTo(map);
    map.fitBounds(L.latLngBounds(trail).pad(0.5), { maxZoom: 16 });
  } else if (booth !== undefined) {
    map.setView([booth.location.lat, booth.location.lon], 15);
  }
}

/** One machine's page: state, booth, block form, trail map, history and result record. Returns what stops it. */
export function machinePage(
  body: HTMLElement,
  s: Session,
  machineId: string,
  reload: () => void,
): () => void {
  const main = h('main', { class: 'machine-page' }, h('p', {}, 'Loading…'));
  replace(body, main);
  let map: L.Map | undefined;
  getJson(`/machines/${encodeURIComponent(machineId)}`, machineDetailResponseSchema, s.token)
    .then((detail) => {
      const mapEl = h('div', {
        class: 'trail-map',
        role: 'region',
        'aria-label': `${t('trailOf')} ${machineId}`,
      });
      const m = detail.machine;
      replace(
        main,
        h(
          'section',
          { class: 'panel' },
          h(
            'h2',
            {},
            `${t('machine')} ${m.machineId} `,
            h(
              'span',
              { class: `state-${m.state}`, 'data-state': m.state },
              h('span', { class: 'dot' }),
              stateName(m.state),
            ),
          ),
          h(
            'p',
            {},
            `${t('booth')} ${m.boothId} · ${t('constituency')} ${m.constituencyId} · ${m.regionId} · `,
            h('a', { href: `#/report/booth/${encodeURIComponent(m.boothId)}` }, t('reportTitleBooth')),
          ),
          blockForm(s, m.machineId, m.state === 'blocked' ? 'unblock' : 'block', reload),
          mapEl,
        ),
        h('section', { class: 'panel' }, ...historyView(detail)),
      );
      map = countryMap(mapEl, language());
      drawTrail(map, detail);
    })
    .catch((error: unknown) =>
      replace(main, h('p', { class: 'error', role: 'alert' }, describeError(error))),
    );
  return () => {
    map?.remove();
    map = undefined;
  };
}
