import { certificationReportSchema, tallyReportSchema } from '@ballotstream/events';
import { getJson } from '../../shared/api';
import { count, h, replace } from '../../shared/dom';
import { dataTable } from '../../shared/table';
import { language, locale, t } from '../i18n';
import { describeError, isNational, type Panel, panelSection, scopeQuery, toast } from '../page';
import type { ScopeRegistry } from '../registry';
import { type ConstituencyResult, constituencyResults, partySeats } from '../results';
import type { Session } from '../session';

const share = (x: number) => `${(x * 100).toFixed(1)} %`;

/** Seats won and leading per party, for one region or the country. */
function seatsTable(results: readonly ConstituencyResult[], id: string, caption: string): HTMLElement {
  const seats = partySeats(results);
  if (seats.length === 0) return h('p', { class: 'muted', id }, `${caption}: ${t('noPartyLeads')}`);
  return dataTable(
    [
      { title: t('party') },
      { title: t('won'), num: true },
      { title: t('leading'), num: true },
      { title: t('total'), num: true },
    ],
    seats.map((p) => [p.party, p.won, p.leading, p.won + p.leading]),
    { id, class: 'seats' },
    caption,
  );
}

/** Where a constituency stands in words: its leader, their party, status and margin. */
export function leadText(r: ConstituencyResult): string {
  const status = t(`status.${r.status}`);
  if (r.leader === undefined) return status;
  const margin = language() === 'hi' ? `${count(r.margin, locale())} मतों से` : `by ${count(r.margin)} votes`;
  return `${r.leader.name} (${r.leader.party}) ${status} ${margin}`;
}

/** The candidates of one constituency with votes and share, the leader in bold. */
export function candidatesTable(r: ConstituencyResult): HTMLTableElement {
  return dataTable(
    [
      { title: t('candidate') },
      { title: t('party') },
      { title: t('votes'), num: true },
      { title: t('share'), num: true },
    ],
    r.candidates.map((c) => [
      c.candidateId === r.leader?.candidateId ? h('strong', {}, c.name) : c.name,
      c.party,
      count(c.votes),
      share(c.share),
    ]),
    { class: 'candidates' },
  );
}

/** One constituency: its status, leader and margin, every candidate, and its printable report. */
function constituencyCard(r: ConstituencyResult): HTMLElement {
  return h(
    'article',
    { class: `constituency status-${r.status}`, 'data-constituency': r.constituencyId },
    h(
      'h4',
      {},
      `${r.name} `,
      h('span', { class: 'muted' }, `· ${r.regionId} · ${count(r.totalVotes)} ${t('votes')}`),
    ),
    h('p', { class: 'lead' }, leadText(r)),
    candidatesTable(r),
    h(
      'a',
      { class: 'print-link', href: `#/report/constituency/${encodeURIComponent(r.constituencyId)}` },
      `${t('print')}: ${r.name}`,
    ),
  );
}

/** Each constituency's result in the officer's scope, in the reader's language. */
export async function readResults(s: Session, reg: ScopeRegistry): Promise<ConstituencyResult[]> {
  const [tallies, certification] = await Promise.all([
    getJson(`/monitor/tallies?level=constituency${scopeQuery(s, '&')}`, tallyReportSchema, s.token),
    getJson(`/close/certification${scopeQuery(s)}`, certificationReportSchema, s.token),
  ]);
  const certified = new Set(
    certification.constituencies.filter((c) => c.status === 'certified').map((c) => c.constituencyId),
  );
  return constituencyResults(reg.constituencies, reg.candidatesOf, tallies.lines, certified, language());
}

/**
 * The results panel: party-wise seats won and leading, per region and for the scope, then each
 * constituency's candidates by name with votes, share, leader and margin; each reading is also
 * handed to `onResults` (the map colours the constituencies by it).
 */
export function resultsPanel(
  s: Session,
  registry: Promise<ScopeRegistry>,
  onResults: (results: readonly ConstituencyResult[]) => void = () => undefined,
): Panel {
  const box = h('div', { id: 'results' });
  const element = panelSection('results', t('results'), box);

  async function refresh(): Promise<void> {
    try {
      const reg = await registry;
      const results = await readResults(s, reg);
      const perRegion = isNational(s)
        ? reg.regions.map((r) =>
            seatsTable(
              results.filter((x) => x.regionId === r),
              `seats-${r}`,
              `${t('seatsIn')} ${r}`,
            ),
          )
        : [];
      replace(
        box,
        seatsTable(
          results,
          'seats',
          isNational(s) ? t('seatsWholeCountry') : `${t('seatsIn')} ${s.regionId}`,
        ),
        ...perRegion,
        h('h3', {}, t('constituencies')),
        h('div', { class: 'constituencies' }, results.map(constituencyCard)),
      );
      onResults(results);
    } catch (error) {
      toast(describeError(error));
    }
  }

  return { element, refresh };
}
