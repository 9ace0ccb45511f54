import {
  type TurnoutResponse,
  turnoutResponseSchema,
  type WindowStatusView,
  windowsResponseSchema,
} from '@ballotstream/events';
import { getJson } from '../../shared/api';
import { count, h, replace } from '../../shared/dom';
import { dataTable } from '../../shared/table';
import { timeChart } from '../../shared/time-chart';
import { t } from '../i18n';
import { describeError, isNational, type Panel, panelSection, toast } from '../page';
import { regionElectorate, type ScopeRegistry } from '../registry';
import type { Session } from '../session';
import { percent, turnoutSeries } from '../turnout-series';

const pct = (n: number) => `${n.toFixed(1)} %`;

/** Each tally window with its votes and whether the two regions agreed on it (national view only). */
function windowsTable(windows: readonly WindowStatusView[]): HTMLElement {
  if (windows.length === 0) return h('p', { class: 'muted' }, t('noWindow'));
  const time = (ms: number) => new Date(ms).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
  return dataTable(
    [{ title: t('window') }, { title: t('votes'), num: true }, { title: t('regions') }],
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
      { title: t('regionOrConstituency') },
      { title: t('votes'), num: true },
      { title: t('electorate'), num: true },
      { title: t('turnoutShare'), num: true },
    ],
    rows,
    { id: 'turnout-table' },
    t('turnoutOfElectorate'),
  );
}

/** Most lines a chart draws: more than this many constituencies are read from the table instead. */
const MOST_LINES = 20;

type Chart = ReturnType<typeof timeChart>;

/** The region chart, and the constituency chart when the scope has few enough constituencies to read. */
function turnoutCharts(reg: ScopeRegistry, perRegion: readonly TurnoutResponse[], share: string): Chart[] {
  const regions = turnoutSeries(
    reg.regions.map((r, i) => ({
      label: r,
      electorate: regionElectorate(reg, r),
      points: perRegion[i]!.points,
    })),
  );
  const charts = [
    timeChart(regions.times, regions.series, {
      label: `${t('turnoutByRegion')} ${share}`,
      unit: ' %',
    }),
  ];
  if (reg.constituencies.length > MOST_LINES) return charts;
  const pointsOf = new Map(
    perRegion.flatMap((t) => t.constituencies.map((c) => [c.constituencyId, c.points])),
  );
  const constituencies = turnoutSeries(
    reg.constituencies.map((c) => ({
      label: c.name,
      electorate: reg.electorateOf.get(c.constituencyId) ?? 0,
      points: pointsOf.get(c.constituencyId) ?? [],
    })),
  );
  charts.push(
    timeChart(constituencies.times, constituencies.series, {
      label: t('turnoutByConstituency'),
      unit: ' %',
    }),
  );
  return charts;
}

/**
 * The turnout panel: turnout as a share of the electorate over time, one line per region and
 * per constituency in scope, and the figures now in a table; the windows' agreement in the
 * national view.
 */
export function turnoutPanel(s: Session, registry: Promise<ScopeRegistry>): Panel {
  const box = h('div', { id: 'turnout' });
  const element = panelSection('turnout', t('turnout'), box);
  let charts: Chart[] = [];

  async function refresh(): Promise<void> {
    try {
      const reg = await registry;
      const [perRegion, windows] = await Promise.all([
        Promise.all(
          reg.regions.map((r) =>
            getJson(`/turnout?regionId=${encodeURIComponent(r)}`, turnoutResponseSchema),
          ),
        ),
        isNational(s) ? getJson('/tallies/windows', windowsResponseSchema) : Promise.resolve(undefined),
      ]);
      const votesOf = new Map(
        perRegion.flatMap((line) =>
          line.constituencies.map((c) => [c.constituencyId, c.points.at(-1)?.cumulative ?? 0]),
        ),
      );
      const regionVotes = new Map(reg.regions.map((r, i) => [r, perRegion[i]!.totalVotes]));
      const electorate = reg.regions.reduce((n, r) => n + regionElectorate(reg, r), 0);
      const total = [...regionVotes.values()].reduce((a, b) => a + b, 0);
      for (const c of charts) c.destroy();
      charts = turnoutCharts(reg, perRegion, pct(percent(total, electorate)));
      replace(
        box,
        h(
          'p',
          {},
          h('strong', { id: 'turnout-total' }, count(total)),
          ` ${t('votesCountedOf')} `,
          count(electorate),
          ` ${t('registered')}: `,
          h('strong', { id: 'turnout-share' }, pct(percent(total, electorate))),
        ),
        ...charts.map((c) => c.element),
        turnoutTable(reg, regionVotes, votesOf),
        windows === undefined ? '' : h('h3', {}, t('windowsTitle')),
        windows === undefined ? '' : windowsTable(windows.windows),
      );
      for (const c of charts) c.mount();
    } catch (error) {
      toast(describeError(error));
    }
  }

  return {
    element,
    refresh,
    stop: () => {
      for (const c of charts) c.destroy();
    },
  };
}
