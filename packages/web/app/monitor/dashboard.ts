import { alertAcknowledged, alertSchema } from '@ballotstream/events';
import { followEvents } from '../shared/api';
import { h, replace } from '../shared/dom';
import { describeError, type Panel, scopeQuery, toast } from './page';
import { AlertsPanel } from './panels/alerts-panel';
import { closePanel } from './panels/close-panel';
import { mapPanel } from './panels/map-panel';
import { resultsPanel } from './panels/results-panel';
import { turnoutPanel } from './panels/turnout-panel';
import { loadRegistry } from './registry';
import type { Session } from './session';

/** Applies one message of the live alert feed to the alerts panel; other lines are ignored. */
function onFeedMessage(alerts: AlertsPanel, type: string, data: string): boolean {
  let json: unknown;
  try {
    json = JSON.parse(data);
  } catch {
    // A line that is not JSON (a comment, a heartbeat) is not for the panel.
    return false;
  }
  if (type === 'alert.acknowledged') {
    const ack = alertAcknowledged.schema.safeParse(json);
    if (!ack.success) return false;
    alerts.acknowledged(ack.data.alertId, ack.data.by, Date.parse(ack.data.at));
    return true;
  }
  const alert = alertSchema.safeParse(json);
  if (!alert.success) return false;
  alerts.upsert(alert.data);
  return true;
}

/**
 * The dashboard: the map, alerts, results, turnout and close-of-poll panels of the officer's
 * scope, refreshed on timers, with alerts pushed by the live feed. Returns what stops it.
 */
export function dashboard(body: HTMLElement, s: Session): () => void {
  const registry = loadRegistry(s);
  registry.catch((error: unknown) => toast(describeError(error)));
  const alerts: AlertsPanel = new AlertsPanel(s, () => map.refresh());
  const map = mapPanel(s, (machines) => alerts.setMachines(machines));
  const results = resultsPanel(s, registry, (r) => map.showResults(r));
  const turnout = turnoutPanel(s, registry);
  const close = closePanel(s);
  const panels: Panel[] = [map, alerts, results, turnout, close];
  replace(
    body,
    h(
      'main',
      { class: 'dash' },
      panels.map((p) => p.element),
    ),
  );
  for (const p of panels) p.mount?.();
  for (const p of panels) void p.refresh();

  const stopping = new AbortController();
  // Positions move and states change continuously: poll them; alerts arrive pushed.
  const timers = [
    setInterval(() => void map.refresh(), 3000),
    setInterval(() => {
      void results.refresh();
      void turnout.refresh();
      void close.refresh();
    }, 15_000),
  ];
  // Without the live feed (it drops, or a deployment has none) alerts are polled every 5 s instead.
  let live = false;
  let lastPoll = 0;
  timers.push(
    setInterval(() => {
      if (live && Date.now() - lastPoll <= 30_000) return;
      lastPoll = Date.now();
      void alerts.refresh();
    }, 5000),
  );
  void followEvents(
    `/alerts/stream${scopeQuery(s, '?', 'region')}`,
    s.token,
    // An SOS blocks machines at once: show it without waiting for the next poll.
    (type, data) => onFeedMessage(alerts, type, data) && void map.refresh(),
    stopping.signal,
    (connected) => {
      live = connected;
      alerts.feedState.textContent = connected ? '● live' : '○ reconnecting…';
    },
  );
  return () => {
    stopping.abort();
    for (const t of timers) clearInterval(t);
    for (const p of panels) p.stop?.();
  };
}
