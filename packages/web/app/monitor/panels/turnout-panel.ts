import {
  tallyReportSchema,
  turnoutResponseSchema,
  type WindowStatusView,
  windowsResponseSchema,
} from '@ballotstream/events';
import { getJson } from '../../shared/api';
import { count, h, replace } from '../../shared/dom';
import { dataTable } from '../../shared/table';
import { timeChart } from '../../shared/time-chart';
import { describeError, isNational, type Panel, panelSection, scopeQuery, toast } from '../page';
import { regionElectorate, type ScopeRegistry } from '../registry';
import type { Session } from '../session';
import { percent, turnoutSeries } from '../turnout-series';

const pct = (n: number) => `${n.toFixed(1)} %`;

/** Each tally window with its votes and whether the two regions agreed on it (national view only). */
function windowsTable(windows: readonly WindowStatusView[]): HTMLElement {
  if (windows.length === 0) return h('p', { class: 'muted' }, 'No window materialised yet.');
  const time = (ms: number) => new Date(ms).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
  return dataTable(
    [{ title: 'Window' }, { title: 'Votes', num: true }, { title: 'Regions' }],
    [...windows]
      .reverse()
      .map((w) => [
        `${time(w.windowStart)}–${time(w.windowEnd)}`,
        count(w.votes),
        h('span', { class: w.agreement }, w.agreement),
      ]),
    { id: 'windows' },
  );
}

/** Votes, electorate and turnout per region and constituency, now. */
function turnoutTable(
  registry: ScopeRegistry,
  regionVotes: ReadonlyMap<string, number>,
  votesOf: ReadonlyMap<string, number>,
): HTMLElement {
  const rows = registry.regions.flatMap((r) => {
    const electorate = regionElectorate(registry, r);
    const votes = regionVotes.get(r) ?? 0;
    const head = [h('strong', {}, r), count(votes), count(electorate), pct(percent(votes, electorate))];
    const constituencies = registry.constituencies
      .filter((c) => c.regionId === r)
      .map((c) => {
        const e = registry.electorateOf.get(c.constituencyId) ?? 0;
        const v = votesOf.get(c.constituencyId) ?? 0;
        return [h('span', { class: 'indent' }, c.name), count(v), count(e), pct(percent(v, e))];
      });
    return [head, ...constituencies];
  });
  return dataTable(
    [
      { title: 'Region / constituency' },
      { title: 'Votes', num: true },
      { title: 'Electorate', num: true },
      { title: 'Turnout', num: true },
    ],
    rows,
    { id: 'turnout-table' },
    'Turnout as a share of the registered electorate',
  );
}

/**
 * The turnout panel: turnout as a share of the electorate over time, one line per region in
 * scope, and per region and constituency now; the windows' agreement in the national view.
 */
export function turnoutPanel(s: Session, registry: Promise<ScopeRegistry>): Panel {
  const box = h('div', { id: 'turnout' });
  const element = panelSection('turnout', 'Turnout', box);
  let chart: ReturnType<typeof timeChart> | undefined;

  async function refresh(): Promise<void> {
    try {
      const reg = await registry;
      const [perRegion, tallies, windows] = await Promise.all([
        Promise.all(
          reg.regions.map((r) =>
            getJson(`/turnout?regionId=${encodeURIComponent(r)}`, turnoutResponseSchema),
          ),
        ),
        getJson(`/monitor/tallies?level=constituency${scopeQuery(s, '&')}`, tallyReportSchema, s.token),
        isNational(s) ? getJson('/tallies/windows', windowsResponseSchema) : Promise.resolve(undefined),
      ]);
      const votesOf = new Map<string, number>();
      for (const l of tallies.lines) votesOf.set(l.scope, (votesOf.get(l.scope) ?? 0) + l.votes);
      const regionVotes = new Map(reg.regions.map((r, i) => [r, perRegion[i]!.totalVotes]));
      const electorate = reg.regions.reduce((n, r) => n + regionElectorate(reg, r), 0);
      const total = [...regionVotes.values()].reduce((a, b) => a + b, 0);
      const { times, series } = turnoutSeries(
        reg.regions.map((r, i) => ({
          label: r,
          electorate: regionElectorate(reg, r),
          points: perRegion[i]!.points,
        })),
      );
      chart?.destroy();
      chart = timeChart(times, series, {
        label: `Turnout over time by region, now ${pct(percent(total, electorate))}`,
        unit: ' %',
      });
      replace(
        box,
        h(
          'p',
          {},
          h('strong', { id: 'turnout-total' }, count(total)),
          ' votes counted of ',
          count(electorate),
          ' registered: ',
          h('strong', { id: 'turnout-share' }, pct(percent(total, electorate))),
        ),
        chart.element,
        turnoutTable(reg, regionVotes, votesOf),
        windows === undefined ? '' : h('h3', {}, 'Tally windows and region agreement'),
        windows === undefined ? '' : windowsTable(windows.windows),
      );
      chart.mount();
    } catch (error) {
      toast(describeError(error));
    }
  }

  return { element, refresh, stop: () => chart?.destroy() };
}
