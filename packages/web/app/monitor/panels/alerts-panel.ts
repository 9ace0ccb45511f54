import {
  type Alert,
  ackResponseSchema,
  alertActionOf,
  alertsResponseSchema,
  alertTitleOf,
  blockResponseSchema,
  type MachineView,
  type Severity,
  severitySchema,
} from '@ballotstream/events';
import { getJson, postJson } from '../../shared/api';
import { h, replace } from '../../shared/dom';
import { type AlertGroup, atLeast, groupAlerts, machineOf } from '../alert-groups';
import { t } from '../i18n';
import { describeError, type Panel, scopeQuery, toast } from '../page';
import type { Session } from '../session';

/** The form that asks why before blocking or unblocking a machine. */
function reasonForm(
  machine: string,
  action: 'block' | 'unblock',
  send: (reason: string) => void,
): HTMLElement {
  const input = h('input', {
    name: 'reason',
    required: true,
    minlength: 3,
    'aria-label': `Reason to ${action} ${machine}`,
    placeholder: `Reason to ${action}`,
  });
  const submit = (e: Event) => {
    e.preventDefault();
    send(input.value.trim());
  };
  return h(
    'form',
    { class: 'reason', onsubmit: submit },
    input,
    h('button', { type: 'submit', class: action === 'block' ? 'danger' : '' }, `Confirm ${action}`),
  );
}

/**
 * The alerts panel: alerts grouped by rule and place, most severe then most recent first, each
 * with its readable title and what to do, acknowledged one by one or a group at a time.
 */
export class AlertsPanel implements Panel {
  readonly element: HTMLElement;
  /** The span that says whether the live feed is connected. */
  readonly feedState = h('span', { class: 'feed-state', id: 'feed-state' }, 'connecting…');
  private readonly alerts = new Map<string, Alert>();
  private readonly machineStates = new Map<string, MachineView['state']>();
  private readonly list = h('ul', { class: 'alerts', id: 'alert-list', 'aria-live': 'polite' });
  private readonly severity = h(
    'select',
    { id: 'severity-filter', 'aria-label': t('severityFilter') },
    h('option', { value: 'info' }, t('allSeverities')),
    h('option', { value: 'warning' }, t('warningAndCritical')),
    h('option', { value: 'critical' }, t('criticalOnly')),
  );
  private readonly showAcknowledged = h('input', {
    type: 'checkbox',
    id: 'show-acknowledged',
    checked: true,
  });
  /** Reason forms the officer opened, kept across re-renders so typing is never lost. */
  private readonly openForms = new Map<string, HTMLElement>();
  private shown = '';
  private readonly ackAll = h(
    'button',
    { class: 'secondary', id: 'ack-all', type: 'button' },
    t('acknowledgeAllShown'),
  );

  /** `machinesChanged` re-reads the machines after a block or unblock, so the map and actions follow. */
  constructor(
    private readonly s: Session,
    private readonly machinesChanged: () => Promise<void>,
  ) {
    this.severity.addEventListener('change', () => this.render());
    this.showAcknowledged.addEventListener('change', () => this.render());
    this.ackAll.addEventListener('click', () => void this.acknowledgeAll(this.visible()));
    this.element = h(
      'section',
      { class: 'panel alerts-panel', 'aria-labelledby': 'alerts-title' },
      h('h2', { id: 'alerts-title' }, `${t('alerts')} `, this.feedState),
      h(
        'div',
        { class: 'alert-actions' },
        this.severity,
        h('label', {}, this.showAcknowledged, ` ${t('showAcknowledged')}`),
        this.ackAll,
      ),
      this.list,
    );
  }

  /** Reads the alerts of the officer's scope. */
  async refresh(): Promise<void> {
    try {
      const path = `/alerts?limit=500${scopeQuery(this.s, '&', 'region')}`;
      const answer = await getJson(path, alertsResponseSchema, this.s.token);
      for (const a of answer.alerts) this.alerts.set(a.alertId, a);
      this.render();
    } catch (error) {
      toast(describeError(error));
    }
  }

  /** A raised or escalated alert from the live feed. */
  upsert(alert: Alert): void {
    this.alerts.set(alert.alertId, alert);
    this.render();
  }

  /** An acknowledgement from the live feed, perhaps another officer's. */
  acknowledged(alertId: string, by: string, at: number): void {
    const known = this.alerts.get(alertId);
    if (known === undefined) return;
    this.alerts.set(alertId, { ...known, acknowledgedAt: at, acknowledgedBy: by });
    this.render();
  }

  /** The machines as last read, so each alert offers Block or Unblock as its machine's state fits. */
  setMachines(machines: readonly MachineView[]): void {
    this.machineStates.clear();
    for (const m of machines) this.machineStates.set(m.machineId, m.state);
    this.render();
  }

  private visible(): Alert[] {
    const min: Severity = severitySchema.catch('info').parse(this.severity.value);
    return [...this.alerts.values()].filter(
      (a) => atLeast(a, min) && (this.showAcknowledged.checked || a.acknowledgedAt === undefined),
    );
  }

  private render(): void {
    const groups = groupAlerts(this.visible());
    // Polls and the feed repeat what is already shown: redraw only when something changed.
    const shown = JSON.stringify([groups, [...this.machineStates], [...this.openForms.keys()]]);
    if (shown === this.shown) return;
    this.shown = shown;
    const open = groups.reduce((n, g) => n + g.open, 0);
    this.ackAll.textContent = `${t('acknowledgeAllShown')} (${open})`;
    this.ackAll.toggleAttribute('disabled', open === 0);
    replace(
      this.list,
      groups.length === 0 ? h('li', { class: 'muted' }, t('noAlerts')) : groups.map((g) => this.groupItem(g)),
    );
  }

  private groupItem(g: AlertGroup): HTMLElement {
    const many = g.alerts.length > 1;
    const items = h(
      'ul',
      { class: 'group-alerts' },
      g.alerts.map((a) => this.alertItem(a)),
    );
    const ackGroup = () => void this.acknowledgeAll(g.alerts);
    return h(
      'li',
      { class: `alert-group sev-${g.severity}${g.open === 0 ? ' acknowledged' : ''}`, 'data-group': g.key },
      h('span', { class: 'badge' }, g.severity),
      ' ',
      h('strong', { class: 'title' }, alertTitleOf(g.kind)),
      ` · ${g.place}`,
      many ? ` · ${g.alerts.length} alerts, seen ${g.occurrences}×` : '',
      h('div', { class: 'todo' }, alertActionOf(g.kind)),
      many && g.open > 0
        ? h(
            'button',
            { class: 'secondary ack-group', type: 'button', onclick: ackGroup },
            `Acknowledge these ${g.open}`,
          )
        : '',
      many ? h('details', { open: g.alerts.length <= 3 }, h('summary', {}, t('eachAlert')), items) : items,
    );
  }

  private alertItem(a: Alert): HTMLElement {
    const machine = machineOf(a);
    const actions = h('div', { class: 'alert-actions' });
    if (a.acknowledgedAt === undefined) {
      const ack = () => void this.acknowledgeAll([a]);
      actions.append(h('button', { class: 'ack', type: 'button', onclick: ack }, t('acknowledge')));
    }
    if (machine !== undefined) actions.append(...this.machineActions(a.alertId, machine));
    const form = this.openForms.get(`${a.alertId}|${this.actionFor(machine)}`);
    if (form !== undefined) actions.append(form);
    return h(
      'li',
      {
        class: a.acknowledgedAt === undefined ? 'alert' : 'alert acknowledged',
        'data-alert-id': a.alertId,
        'data-kind': a.kind,
        'data-machine': machine,
      },
      h(
        'div',
        { class: 'muted' },
        machine ? `${machine} · ` : '',
        `${new Date(a.firstSeen).toLocaleTimeString()}${a.count > 1 ? ` · seen ${a.count}×` : ''}`,
        a.acknowledgedAt !== undefined &&
          h('span', { class: 'acked' }, ` · acknowledged by ${a.acknowledgedBy ?? 'an officer'}`),
      ),
      actions,
    );
  }

  /** Block when the machine runs, Unblock when it is blocked; only its page while its state is unknown. */
  private machineActions(alertId: string, machine: string): HTMLElement[] {
    const action = this.actionFor(machine);
    const link = h('a', { href: `#/machines/${encodeURIComponent(machine)}` }, t('machinePage'));
    if (action === undefined) return [link];
    const open = () => {
      const key = `${alertId}|${action}`;
      if (this.openForms.has(key)) return;
      const send = (reason: string) => void this.changeBlock(machine, action, reason, key);
      this.openForms.set(key, reasonForm(machine, action, send));
      this.render();
    };
    return [
      action === 'block'
        ? h('button', { class: 'danger block', type: 'button', onclick: open }, t('blockMachine'))
        : h('button', { class: 'secondary unblock', type: 'button', onclick: open }, t('unblockMachine')),
      link,
    ];
  }

  /** The action that fits the machine's state, or none while its state is unknown. */
  private actionFor(machine: string | undefined): 'block' | 'unblock' | undefined {
    const state = machine === undefined ? undefined : this.machineStates.get(machine);
    if (state === undefined) return undefined;
    return state === 'blocked' ? 'unblock' : 'block';
  }

  /** Acknowledges each open alert through the API's own route, one at a time, so each is audited. */
  private async acknowledgeAll(group: readonly Alert[]): Promise<void> {
    let done = 0;
    for (const a of group.filter((x) => x.acknowledgedAt === undefined)) {
      try {
        const path = `/alerts/${encodeURIComponent(a.alertId)}/ack`;
        const answer = await postJson(path, {}, ackResponseSchema, this.s.token);
        this.alerts.set(a.alertId, answer.alert);
        done += 1;
      } catch (error) {
        toast(describeError(error));
        break;
      }
    }
    this.render();
    if (done > 0) toast(`${done} alert${done === 1 ? '' : 's'} acknowledged`);
  }

  private async changeBlock(
    machineId: string,
    action: 'block' | 'unblock',
    reason: string,
    formKey: string,
  ): Promise<void> {
    try {
      const path = `/machines/${encodeURIComponent(machineId)}/${action}`;
      await postJson(path, { reason }, blockResponseSchema, this.s.token);
      toast(`${machineId} ${action === 'block' ? 'blocked' : 'unblocked'}`);
      this.openForms.delete(formKey);
      await this.machinesChanged();
    } catch (error) {
      toast(describeError(error));
    }
  }
}
