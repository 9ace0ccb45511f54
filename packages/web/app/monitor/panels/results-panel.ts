import { certificationReportSchema, tallyReportSchema } from '@ballotstream/events';
import { getJson } from '../../shared/api';
import { count, h, replace } from '../../shared/dom';
import { dataTable } from '../../shared/table';
import { describeError, isNational, type Panel, panelSection, scopeQuery, toast } from '../page';
import type { ScopeRegistry } from '../registry';
import { type ConstituencyResult, constituencyResults, partySeats } from '../results';
import type { Session } from '../session';

const share = (x: number) => `${(x * 100).toFixed(1)} %`;

const statusText: Readonly<Record<ConstituencyResult['status'], string>> = {
  won: 'won (certified)',
  leading: 'leading',
  tied: 'tied',
  'no-votes': 'no votes yet',
};

/** Seats won and leading per party, for one region or the country. */
function seatsTable(results: readonly ConstituencyResult[], id: string, caption: string): HTMLElement {
  const seats = partySeats(results);
  if (seats.length === 0) return h('p', { class: 'muted', id }, `${caption}: no party leads anywhere yet.`);
  return dataTable(
    [
      { title: 'Party' },
      { title: 'Won', num: true },
      { title: 'Leading', num: true },
      { title: 'Total', num: true },
    ],
    seats.map((p) => [p.party, p.won, p.leading, p.won + p.leading]),
    { id, class: 'seats' },
    caption,
  );
}

/** One constituency: its status, leader and margin, and every candidate with votes and share. */
function constituencyCard(r: ConstituencyResult): HTMLElement {
  const lead =
    r.leader === undefined
      ? statusText[r.status]
      : `${r.leader.name} (${r.leader.party}) ${statusText[r.status]} by ${count(r.margin)} votes`;
  return h(
    'article',
    { class: `constituency status-${r.status}`, 'data-constituency': r.constituencyId },
    h(
      'h4',
      {},
      `${r.name} `,
      h('span', { class: 'muted' }, `· ${r.regionId} · ${count(r.totalVotes)} votes`),
    ),
    h('p', { class: 'lead' }, lead),
    dataTable(
      [
        { title: 'Candidate' },
        { title: 'Party' },
        { title: 'Votes', num: true },
        { title: 'Share', num: true },
      ],
      r.candidates.map((c) => [
        c.candidateId === r.leader?.candidateId ? h('strong', {}, c.name) : c.name,
        c.party,
        count(c.votes),
        share(c.share),
      ]),
      { class: 'candidates' },
    ),
  );
}

/**
 * The results panel: party-wise seats won and leading, per region and for the scope, then each
 * constituency's candidates by name with votes, share, leader and margin.
 */
export function resultsPanel(s: Session, registry: Promise<ScopeRegistry>): Panel {
  const box = h('div', { id: 'results' });
  const element = panelSection('results', 'Results', box);

  async function refresh(): Promise<void> {
    try {
      const reg = await registry;
      const [tallies, certification] = await Promise.all([
        getJson(`/monitor/tallies?level=constituency${scopeQuery(s, '&')}`, tallyReportSchema, s.token),
        getJson(`/close/certification${scopeQuery(s)}`, certificationReportSchema, s.token),
      ]);
      const certified = new Set(
        certification.constituencies.filter((c) => c.status === 'certified').map((c) => c.constituencyId),
      );
      const results = constituencyResults(reg.constituencies, reg.candidatesOf, tallies.lines, certified);
      const perRegion = isNational(s)
        ? reg.regions.map((r) =>
            seatsTable(
              results.filter((x) => x.regionId === r),
              `seats-${r}`,
              `Seats in ${r}`,
            ),
          )
        : [];
      replace(
        box,
        seatsTable(results, 'seats', isNational(s) ? 'Seats, whole country' : `Seats in ${s.regionId}`),
        ...perRegion,
        h('h3', {}, 'Constituencies'),
        h('div', { class: 'constituencies' }, results.map(constituencyCard)),
      );
    } catch (error) {
      toast(describeError(error));
    }
  }

  return { element, refresh };
}
