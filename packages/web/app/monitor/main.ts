import './monitor.css';
import L from 'leaflet';
import { ApiError, followEvents, getJson, postJson } from '../shared/api';
import { stepChart } from '../shared/chart';
import { count, h, replace } from '../shared/dom';
import { countryMap, type MachineState, machineStates, stateColours } from './map';
import { type Session, savedSession, saveSession, sessionOf } from './session';

interface GeoPoint {
  readonly lat: number;
  readonly lon: number;
}
interface MachineView {
  readonly machineId: string;
  readonly boothId: string;
  readonly constituencyId: string;
  readonly regionId: string;
  readonly state: MachineState;
  readonly position?: GeoPoint;
  readonly lastSeenAt?: number;
}
interface BoothView {
  readonly boothId: string;
  readonly name: string;
  readonly regionId: string;
  readonly location: GeoPoint;
  readonly geofence: readonly [number, number][];
}
interface Alert {
  readonly alertId: string;
  readonly kind: string;
  readonly severity: 'info' | 'warning' | 'critical';
  readonly region: string;
  readonly booth?: string;
  readonly machine?: string;
  readonly evidence: Record<string, unknown>;
  readonly firstSeen: number;
  readonly lastSeen: number;
  readonly count: number;
  readonly acknowledgedAt?: number;
  readonly acknowledgedBy?: string;
}
interface TallyLine {
  readonly scope: string;
  readonly candidateId: string;
  readonly votes: number;
}
interface CloseCounts {
  readonly expected: number;
  readonly reconciled: number;
  readonly disagreeing: number;
  readonly missing: number;
}
interface CloseRollup {
  readonly nation: CloseCounts;
  readonly constituencies: readonly (CloseCounts & { readonly constituencyId: string })[];
  readonly unreconciled: readonly {
    readonly machineId: string;
    readonly constituencyId: string;
    readonly status: string;
    readonly problems: readonly string[];
    readonly exception?: string;
  }[];
}
interface CertificationReport {
  readonly certified: number;
  readonly pending: number;
  readonly allCertifiedAt?: string;
  readonly constituencies: readonly {
    readonly constituencyId: string;
    readonly name: string;
    readonly status: 'certified' | 'pending';
    readonly certifiedAt?: string;
  }[];
}
interface WindowStatus {
  readonly windowStart: number;
  readonly windowEnd: number;
  readonly votes: number;
  readonly agreement: string;
}

const severityRank = { info: 0, warning: 1, critical: 2 } as const;

/** The machine an alert is about: named by the alert, or by its evidence (an SOS names the booth). */
function machineOf(a: Alert): string | undefined {
  if (a.machine !== undefined) return a.machine;
  const fromEvidence = a.evidence?.machineId;
  return typeof fromEvidence === 'string' ? fromEvidence : undefined;
}
const root = document.getElementById('app')!;
let session = savedSession();
let stopPage: () => void = () => undefined;

function isNational(s: Session): boolean {
  return s.role === 'admin';
}

/** The query that narrows a read to the officer's region; the API enforces the same scope. */
function scopeQuery(s: Session, first = '?', name = 'regionId'): string {
  return s.regionId === undefined ? '' : `${first}${name}=${encodeURIComponent(s.regionId)}`;
}

function toast(message: string): void {
  const el = document.getElementById('toast');
  if (el === null) return;
  el.textContent = message;
  setTimeout(() => {
    if (el.textContent === message) el.textContent = '';
  }, 5000);
}

function describeError(error: unknown): string {
  if (error instanceof ApiError) {
    if (error.status === 401) return 'Your sign-in is no longer valid: sign in again.';
    if (error.status === 403) return 'Your role does not allow this (another region, or not an officer).';
    const problems = Array.isArray(error.body.problems) ? `: ${error.body.problems.join('; ')}` : '';
    return `The API refused: ${error.message}${problems}`;
  }
  return 'The API could not be reached.';
}

function route(): void {
  stopPage();
  stopPage = () => undefined;
  const machine = /^#\/machines\/([^/]+)$/.exec(location.hash);
  if (session === undefined) loginPage();
  else if (machine) machinePage(session, decodeURIComponent(machine[1]!));
  else dashboard(session);
}

function header(s: Session): HTMLElement {
  const who = isNational(s) ? `${s.subject} · national view` : `${s.subject} · officer of ${s.regionId}`;
  return h(
    'header',
    { class: 'top' },
    h('h1', {}, h('a', { href: '#/' }, 'Ballotstream monitoring centre')),
    h(
      'div',
      { class: 'who' },
      h('span', { id: 'who' }, who),
      ' ',
      h(
        'button',
        {
          class: 'secondary',
          id: 'sign-out',
          onclick: () => {
            session = undefined;
            saveSession(undefined);
            route();
          },
        },
        'Sign out',
      ),
    ),
  );
}

function loginPage(): void {
  const error = h('p', { class: 'error', role: 'alert', id: 'login-error' });
  const textarea = h('textarea', {
    id: 'token',
    name: 'token',
    required: true,
    spellcheck: 'false',
    'aria-describedby': 'token-help',
  });
  replace(
    root,
    h(
      'main',
      { class: 'login' },
      h('h1', {}, 'Monitoring centre sign-in'),
      h(
        'p',
        { id: 'token-help' },
        'Paste your access token. Locally, print one with ',
        h('code', {}, 'npm run ballotstream -- token --role officer --region region-1 --data-dir .data/demo'),
        ' (or ',
        h('code', {}, '--role admin'),
        ' for the national view).',
      ),
      h(
        'form',
        {
          onsubmit: (e: Event) => {
            e.preventDefault();
            const s = sessionOf(textarea.value);
            if (s === undefined) {
              error.textContent = 'This is not a valid, unexpired token.';
              return;
            }
            if (s.role !== 'officer' && s.role !== 'admin') {
              error.textContent = `A ${s.role} token cannot open the monitoring centre.`;
              return;
            }
            session = s;
            saveSession(s);
            route();
          },
        },
        h('label', { for: 'token' }, 'Access token'),
        textarea,
        h('p', {}, h('button', { type: 'submit', id: 'sign-in' }, 'Sign in')),
      ),
      error,
    ),
  );
}

function dashboard(s: Session): void {
  const mapEl = h('div', { id: 'map', role: 'region', 'aria-label': 'Map of machines' });
  const alertList = h('ul', { class: 'alerts', id: 'alert-list', 'aria-live': 'polite' });
  const feedState = h('span', { class: 'feed-state', id: 'feed-state' }, 'connecting…');
  const severity = h(
    'select',
    { id: 'severity-filter', 'aria-label': 'Show alerts of at least this severity' },
    h('option', { value: 'info' }, 'All severities'),
    h('option', { value: 'warning' }, 'Warning and critical'),
    h('option', { value: 'critical' }, 'Critical only'),
  );
  const showAcknowledged = h('input', { type: 'checkbox', id: 'show-acknowledged', checked: true });
  const turnoutBox = h('div', { id: 'turnout' });
  const talliesBox = h('div', { id: 'tallies' });
  const closeBox = h('div', { id: 'close-of-poll' });
  replace(
    root,
    header(s),
    h(
      'main',
      { class: 'dash' },
      h(
        'section',
        { class: 'panel map-panel', 'aria-labelledby': 'map-title' },
        h('h2', { id: 'map-title' }, isNational(s) ? 'Machines — whole country' : `Machines — ${s.regionId}`),
        mapEl,
        h(
          'div',
          { class: 'legend', 'aria-label': 'Legend' },
          machineStates.map((state) =>
            h('span', { class: `state-${state}` }, h('span', { class: 'dot' }), state),
          ),
          h('span', { id: 'machine-count', class: 'muted' }),
        ),
      ),
      h(
        'section',
        { class: 'panel alerts-panel', 'aria-labelledby': 'alerts-title' },
        h('h2', { id: 'alerts-title' }, 'Alerts ', feedState),
        h(
          'div',
          { class: 'alert-actions' },
          severity,
          h('label', {}, showAcknowledged, ' show acknowledged'),
        ),
        alertList,
      ),
      h(
        'section',
        { class: 'panel turnout-panel', 'aria-labelledby': 'turnout-title' },
        h('h2', { id: 'turnout-title' }, 'Turnout'),
        turnoutBox,
      ),
      h(
        'section',
        { class: 'panel tallies-panel', 'aria-labelledby': 'tallies-title' },
        h('h2', { id: 'tallies-title' }, 'Tallies'),
        talliesBox,
      ),
      h(
        'section',
        { class: 'panel close-panel', 'aria-labelledby': 'close-title' },
        h('h2', { id: 'close-title' }, 'Close of poll'),
        closeBox,
      ),
    ),
    h('div', { class: 'toast', id: 'toast', role: 'status' }),
  );

  const map = countryMap(mapEl);
  const geofences = L.layerGroup().addTo(map);
  const machineLayer = L.layerGroup().addTo(map);
  const markers = new Map<string, L.CircleMarker>();
  const alerts = new Map<string, Alert>();
  const stopping = new AbortController();
  const timers: ReturnType<typeof setInterval>[] = [];
  let fitted = false;
  stopPage = () => {
    stopping.abort();
    for (const t of timers) clearInterval(t);
    map.remove();
  };

  async function loadBooths(): Promise<void> {
    try {
      const answer = await getJson<{ booths: BoothView[] }>(`/booths?limit=500${scopeQuery(s, '&')}`);
      geofences.clearLayers();
      for (const booth of answer.booths) {
        L.polygon(
          booth.geofence.map(([lon, lat]) => [lat, lon] as [number, number]),
          { color: '#8250df', weight: 1, fillOpacity: 0.08, className: `geofence geofence-${booth.boothId}` },
        )
          .bindTooltip(booth.name)
          .addTo(geofences);
      }
    } catch (error) {
      toast(describeError(error));
    }
  }

  async function loadMachines(): Promise<void> {
    try {
      const answer = await getJson<{ machines: MachineView[] }>(`/machines${scopeQuery(s)}`, s.token);
      const seen = new Set<string>();
      const placed: L.LatLngExpression[] = [];
      for (const m of answer.machines) {
        if (m.position === undefined) continue;
        seen.add(m.machineId);
        const at: [number, number] = [m.position.lat, m.position.lon];
        placed.push(at);
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
            .addTo(machineLayer);
          markers.set(m.machineId, marker);
        } else {
          marker.setLatLng(at).setStyle(style).setTooltipContent(`${m.machineId} · ${m.state}`);
        }
        // A machine that needs attention is drawn above its quiet neighbours.
        if (m.state === 'blocked' || m.state === 'off-geofence') marker.bringToFront();
        // Leaflet sets the class only when drawing; keep it current so the state can be read back.
        const path = marker.getElement();
        if (path !== undefined) {
          path.setAttribute('class', `leaflet-interactive ${className}`);
          path.setAttribute('data-state', m.state);
          path.setAttribute('aria-label', `${m.machineId}: ${m.state}`);
        }
      }
      for (const [id, marker] of markers) {
        if (!seen.has(id)) {
          marker.remove();
          markers.delete(id);
        }
      }
      const counts = new Map<string, number>();
      for (const m of answer.machines) counts.set(m.state, (counts.get(m.state) ?? 0) + 1);
      document.getElementById('machine-count')!.textContent =
        `${answer.machines.length} machines: ${machineStates
          .filter((st) => counts.has(st))
          .map((st) => `${counts.get(st)} ${st}`)
          .join(', ')}`;
      if (!fitted && placed.length > 0 && !isNational(s)) {
        map.fitBounds(L.latLngBounds(placed), { padding: [40, 40], maxZoom: 9 });
        fitted = true;
      }
    } catch (error) {
      toast(describeError(error));
    }
  }

  function renderAlerts(): void {
    const min = severityRank[severity.value as keyof typeof severityRank];
    const visible = [...alerts.values()]
      .filter((a) => severityRank[a.severity] >= min)
      .filter((a) => showAcknowledged.checked || a.acknowledgedAt === undefined)
      .sort((a, b) => b.lastSeen - a.lastSeen);
    replace(
      alertList,
      visible.length === 0 ? h('li', { class: 'muted' }, 'No alerts.') : visible.map((a) => alertItem(a)),
    );
  }

  function alertItem(a: Alert): HTMLElement {
    const machine = machineOf(a);
    const reasonForm = (action: 'block' | 'unblock'): HTMLElement => {
      const input = h('input', {
        name: 'reason',
        required: true,
        minlength: 3,
        'aria-label': `Reason to ${action} ${machine}`,
        placeholder: `Reason to ${action}`,
      });
      const form = h(
        'form',
        {
          class: 'reason',
          onsubmit: (e: Event) => {
            e.preventDefault();
            void changeBlock(machine!, action, input.value.trim());
          },
        },
        input,
        h('button', { type: 'submit', class: action === 'block' ? 'danger' : '' }, `Confirm ${action}`),
      );
      return form;
    };
    const actions = h('div', { class: 'alert-actions' });
    if (a.acknowledgedAt === undefined) {
      actions.append(h('button', { class: 'ack', onclick: () => void acknowledge(a) }, 'Acknowledge'));
    }
    if (machine !== undefined) {
      actions.append(
        h(
          'button',
          { class: 'danger block', onclick: () => actions.append(reasonForm('block')) },
          'Block machine',
        ),
        h(
          'button',
          { class: 'secondary unblock', onclick: () => actions.append(reasonForm('unblock')) },
          'Unblock',
        ),
        h('a', { href: `#/machines/${encodeURIComponent(machine)}` }, 'machine page'),
      );
    }
    return h(
      'li',
      {
        class: `sev-${a.severity}${a.acknowledgedAt === undefined ? '' : ' acknowledged'}`,
        'data-alert-id': a.alertId,
        'data-kind': a.kind,
        'data-machine': machine,
      },
      h('span', { class: 'badge' }, a.severity),
      ' ',
      h('strong', {}, a.kind),
      ` · ${a.region}`,
      a.booth && ` · ${a.booth}`,
      machine && ` · ${machine}`,
      h(
        'div',
        { class: 'muted' },
        `${new Date(a.firstSeen).toLocaleTimeString()}${a.count > 1 ? ` · seen ${a.count}×` : ''}`,
        a.acknowledgedAt !== undefined &&
          h('span', { class: 'acked' }, ` · acknowledged by ${a.acknowledgedBy ?? 'an officer'}`),
      ),
      actions,
    );
  }

  async function acknowledge(a: Alert): Promise<void> {
    try {
      await postJson(`/alerts/${encodeURIComponent(a.alertId)}/ack`, {}, s.token);
      alerts.set(a.alertId, { ...a, acknowledgedAt: Date.now(), acknowledgedBy: s.subject });
      renderAlerts();
      toast(`Alert ${a.kind} acknowledged`);
    } catch (error) {
      toast(describeError(error));
    }
  }

  async function changeBlock(machineId: string, action: 'block' | 'unblock', reason: string): Promise<void> {
    try {
      await postJson(`/machines/${encodeURIComponent(machineId)}/${action}`, { reason }, s.token);
      toast(`${machineId} ${action === 'block' ? 'blocked' : 'unblocked'}`);
      renderAlerts();
      await loadMachines();
    } catch (error) {
      toast(describeError(error));
    }
  }

  async function loadAlerts(): Promise<void> {
    try {
      const answer = await getJson<{ alerts: Alert[] } | Alert[]>(
        `/alerts${scopeQuery(s, '?', 'region')}`,
        s.token,
      );
      for (const a of Array.isArray(answer) ? answer : answer.alerts) alerts.set(a.alertId, a);
      renderAlerts();
    } catch (error) {
      toast(describeError(error));
    }
  }

  async function loadFigures(): Promise<void> {
    const region = scopeQuery(s, '&');
    try {
      const [turnout, byRegion, byConstituency, windows] = await Promise.all([
        getJson<{ totalVotes: number; points: { windowStart: number; cumulative: number }[] }>(
          `/turnout${scopeQuery(s)}`,
        ),
        getJson<{ lines: TallyLine[] }>(`/monitor/tallies?level=region${region}`, s.token),
        getJson<{ lines: TallyLine[] }>(`/monitor/tallies?level=constituency${region}`, s.token),
        getJson<{ windows: WindowStatus[] }>('/tallies/windows'),
      ]);
      replace(
        turnoutBox,
        h('p', {}, h('strong', { id: 'turnout-total' }, count(turnout.totalVotes)), ' votes counted'),
        stepChart(
          turnout.points.map((p) => ({ t: p.windowStart, v: p.cumulative })),
          `Votes counted over time, now ${turnout.totalVotes}`,
        ),
        h('h3', {}, 'Tally windows and region agreement'),
        windowsTable(windows.windows),
      );
      replace(
        talliesBox,
        h('h3', {}, 'By region'),
        tallyTable(byRegion.lines, 'Region'),
        h('h3', {}, 'By constituency'),
        tallyTable(byConstituency.lines, 'Constituency'),
      );
    } catch (error) {
      toast(describeError(error));
    }
    try {
      const [rollup, certification] = await Promise.all([
        getJson<CloseRollup>(`/close/rollup${scopeQuery(s)}`, s.token),
        getJson<CertificationReport>(`/close/certification${scopeQuery(s)}`, s.token),
      ]);
      replace(closeBox, ...closeOfPollView(rollup, certification));
    } catch (error) {
      toast(describeError(error));
    }
  }

  severity.addEventListener('change', renderAlerts);
  showAcknowledged.addEventListener('change', renderAlerts);
  void loadBooths();
  void loadMachines();
  void loadAlerts();
  void loadFigures();
  // Positions move and states change continuously: poll them; alerts arrive pushed.
  timers.push(setInterval(() => void loadMachines(), 3000));
  timers.push(setInterval(() => void loadFigures(), 15_000));
  // Without the live feed (it drops, or a deployment has none) alerts are polled every 5 s instead.
  let live = false;
  let lastPoll = 0;
  timers.push(
    setInterval(() => {
      if (!live || Date.now() - lastPoll > 30_000) {
        lastPoll = Date.now();
        void loadAlerts();
      }
    }, 5000),
  );
  void followEvents(
    `/alerts/stream${scopeQuery(s, '?', 'region')}`,
    s.token,
    (type, data) => {
      try {
        const detail = JSON.parse(data) as Partial<Alert> & { alertId?: unknown; by?: string; at?: string };
        if (typeof detail.alertId !== 'string') return;
        const known = alerts.get(detail.alertId);
        if (type === 'alert.acknowledged') {
          if (known === undefined) return;
          alerts.set(known.alertId, {
            ...known,
            acknowledgedAt: Date.parse(detail.at ?? '') || Date.now(),
            acknowledgedBy: detail.by ?? 'an officer',
          });
        } else {
          alerts.set(detail.alertId, { ...known, ...(detail as Alert) });
        }
        renderAlerts();
        // An SOS blocks machines at once: show it without waiting for the next poll.
        void loadMachines();
      } catch {
        // A line that is not an alert (a comment, a heartbeat) is not for the feed.
      }
    },
    stopping.signal,
    (connected) => {
      live = connected;
      feedState.textContent = connected ? '● live' : '○ reconnecting…';
    },
  );
}

function tallyTable(lines: readonly TallyLine[], scope: string): HTMLElement {
  if (lines.length === 0) return h('p', { class: 'muted' }, 'No votes tallied yet.');
  return h(
    'table',
    {},
    h(
      'thead',
      {},
      h(
        'tr',
        {},
        h('th', { scope: 'col' }, scope),
        h('th', { scope: 'col' }, 'Candidate'),
        h('th', { scope: 'col', class: 'num' }, 'Votes'),
      ),
    ),
    h(
      'tbody',
      {},
      lines.map((l) =>
        h(
          'tr',
          {},
          h('td', {}, l.scope),
          h('td', {}, l.candidateId),
          h('td', { class: 'num' }, count(l.votes)),
        ),
      ),
    ),
  );
}

/** Machines reconciled, disagreeing and missing per constituency, and each one's certification. */
function closeOfPollView(rollup: CloseRollup, cert: CertificationReport): HTMLElement[] {
  const n = rollup.nation;
  const certified = new Map(cert.constituencies.map((c) => [c.constituencyId, c]));
  const time = (iso: string | undefined) => (iso === undefined ? '' : new Date(iso).toLocaleTimeString());
  return [
    h(
      'p',
      { id: 'close-summary' },
      `${n.reconciled} of ${n.expected} machines reconciled, ${n.disagreeing} disagreeing, ${n.missing} missing; `,
      `${cert.certified} constituencies certified, ${cert.pending} pending`,
      cert.allCertifiedAt === undefined ? '' : ` (all certified at ${time(cert.allCertifiedAt)})`,
    ),
    h(
      'table',
      { id: 'close-constituencies' },
      h(
        'thead',
        {},
        h(
          'tr',
          {},
          h('th', { scope: 'col' }, 'Constituency'),
          h('th', { scope: 'col', class: 'num' }, 'Reconciled'),
          h('th', { scope: 'col', class: 'num' }, 'Disagreeing'),
          h('th', { scope: 'col', class: 'num' }, 'Missing'),
          h('th', { scope: 'col' }, 'Certified'),
        ),
      ),
      h(
        'tbody',
        {},
        rollup.constituencies.map((c) => {
          const k = certified.get(c.constituencyId);
          return h(
            'tr',
            {},
            h('td', {}, k?.name ?? c.constituencyId),
            h('td', { class: 'num' }, `${c.reconciled}/${c.expected}`),
            h('td', { class: 'num' }, count(c.disagreeing)),
            h('td', { class: 'num' }, count(c.missing)),
            h('td', {}, k?.status === 'certified' ? `certified ${time(k.certifiedAt)}` : 'pending'),
          );
        }),
      ),
    ),
    rollup.unreconciled.length === 0
      ? h('p', { class: 'muted' }, 'No machine waits for reconciliation.')
      : h(
          'ul',
          { id: 'close-unreconciled' },
          rollup.unreconciled.map((m) =>
            h(
              'li',
              {},
              `${m.machineId} (${m.constituencyId}): ${m.status}`,
              m.problems.length > 0 ? ` — ${m.problems[0]}` : '',
              m.exception === undefined ? '' : ` — excused: ${m.exception}`,
            ),
          ),
        ),
  ];
}

function windowsTable(windows: readonly WindowStatus[]): HTMLElement {
  if (windows.length === 0) return h('p', { class: 'muted' }, 'No window materialised yet.');
  const time = (ms: number) => new Date(ms).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
  return h(
    'table',
    { id: 'windows' },
    h(
      'thead',
      {},
      h(
        'tr',
        {},
        h('th', { scope: 'col' }, 'Window'),
        h('th', { scope: 'col', class: 'num' }, 'Votes'),
        h('th', { scope: 'col' }, 'Regions'),
      ),
    ),
    h(
      'tbody',
      {},
      [...windows]
        .reverse()
        .map((w) =>
          h(
            'tr',
            {},
            h('td', {}, `${time(w.windowStart)}–${time(w.windowEnd)}`),
            h('td', { class: 'num' }, count(w.votes)),
            h('td', { class: w.agreement }, w.agreement),
          ),
        ),
    ),
  );
}

interface MachineDetail {
  readonly machine: MachineView & { readonly blocked?: boolean };
  readonly booth?: BoothView;
  readonly trail: readonly (GeoPoint & { readonly at: number })[];
  readonly events: readonly { readonly type: string; readonly at: number; readonly summary: string }[];
  readonly defender: readonly {
    readonly behaviour: string;
    readonly at: number;
    readonly metricValue: number;
    readonly threshold: number;
  }[];
  readonly result?: {
    readonly verified: boolean;
    readonly voteCount: number;
    readonly storedVotes: number;
    readonly problems: readonly string[];
    readonly checkedAt: string;
  };
}

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
  return h(
    'form',
    {
      class: 'reason',
      id: 'machine-block',
      onsubmit: (e: Event) => {
        e.preventDefault();
        void postJson(
          `/machines/${encodeURIComponent(machineId)}/${action}`,
          { reason: input.value.trim() },
          s.token,
        )
          .then(() => {
            toast(`${machineId} ${action === 'block' ? 'blocked' : 'unblocked'}`);
            done();
          })
          .catch((error: unknown) => toast(describeError(error)));
      },
    },
    input,
    h(
      'button',
      { type: 'submit', class: action === 'block' ? 'danger' : '' },
      action === 'block' ? 'Block machine' : 'Unblock machine',
    ),
  );
}

function machinePage(s: Session, machineId: string): void {
  const body = h('main', { class: 'machine-page' }, h('p', {}, 'Loading…'));
  replace(root, header(s), body, h('div', { class: 'toast', id: 'toast', role: 'status' }));
  let map: L.Map | undefined;
  stopPage = () => {
    map?.remove();
    map = undefined;
  };
  void getJson<MachineDetail>(`/machines/${encodeURIComponent(machineId)}`, s.token)
    .then((detail) => {
      const mapEl = h('div', {
        class: 'trail-map',
        role: 'region',
        'aria-label': `Position trail of ${machineId}`,
      });
      const m = detail.machine;
      replace(
        body,
        h(
          'section',
          { class: 'panel' },
          h(
            'h2',
            {},
            `Machine ${m.machineId} `,
            h('span', { class: `state-${m.state}` }, h('span', { class: 'dot' }), m.state),
          ),
          h('p', {}, `Booth ${m.boothId} · constituency ${m.constituencyId} · ${m.regionId}`),
          blockForm(s, m.machineId, m.state === 'blocked' ? 'unblock' : 'block', route),
          mapEl,
        ),
        h(
          'section',
          { class: 'panel' },
          h('h2', {}, 'Recent events'),
          (detail.events ?? []).length === 0
            ? h('p', { class: 'muted' }, 'None.')
            : h(
                'ul',
                { id: 'machine-events' },
                (detail.events ?? []).map((e) =>
                  h('li', {}, `${new Date(e.at).toLocaleTimeString()} · ${e.type} · ${e.summary}`),
                ),
              ),
          h('h2', {}, 'Defender behaviour'),
          (detail.defender ?? []).length === 0
            ? h('p', { class: 'muted' }, 'No violation of the security profile.')
            : h(
                'ul',
                {},
                (detail.defender ?? []).map((d) =>
                  h(
                    'li',
                    {},
                    `${new Date(d.at).toLocaleTimeString()} · ${d.behaviour}: ${d.metricValue} (limit ${d.threshold})`,
                  ),
                ),
              ),
          h('h2', {}, 'Result record'),
          resultView(detail.result),
        ),
      );
      map = countryMap(mapEl);
      const booth = detail.booth;
      if (booth !== undefined) {
        L.polygon(
          booth.geofence.map(([lon, lat]) => [lat, lon] as [number, number]),
          { color: '#8250df', weight: 1, fillOpacity: 0.1 },
        ).addTo(map);
      }
      const trail = detail.trail.map((p) => [p.lat, p.lon] as [number, number]);
      if (trail.length > 0) {
        L.polyline(trail, { color: '#0b4f8a', weight: 3 }).addTo(map);
        L.circleMarker(trail.at(-1)!, {
          radius: 7,
          fillColor: stateColours[m.state],
          fillOpacity: 1,
          color: '#fff',
        }).addTo(map);
        map.fitBounds(L.latLngBounds(trail).pad(0.5), { maxZoom: 16 });
      } else if (booth !== undefined) {
        map.setView([booth.location.lat, booth.location.lon], 15);
      }
    })
    .catch((error: unknown) => {
      console.error(error);
      replace(body, h('p', { class: 'error', role: 'alert' }, describeError(error)));
    });
}

window.addEventListener('hashchange', route);
route();
