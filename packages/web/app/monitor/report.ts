import {
  boothsResponseSchema as boothsAnswer,
  type MachineView,
  machineDetailResponseSchema,
  machinesResponseSchema,
} from '@ballotstream/events';
import { allBooths, getJson } from '../shared/api';
import { count, h, replace } from '../shared/dom';
import { localName } from '../shared/i18n';
import { dataTable } from '../shared/table';
import { language, locale, stateName, t } from './i18n';
import { describeError, scopeQuery } from './page';
import { candidatesTable, leadText, readResults } from './panels/results-panel';
import { loadRegistry } from './registry';
import type { Session } from './session';

/** What the officer asked for is not in their scope. */
class NotFound extends Error {}

const share = (votes: number, electorate: number) =>
  electorate === 0 ? '–' : `${((votes / electorate) * 100).toFixed(1)} %`;

/** The head of a printed report: what it is, of what, and when it was printed; a print button on screen. */
function reportHead(kind: string, title: string, lines: readonly string[]): HTMLElement[] {
  return [
    h('p', { class: 'no-print' }, h('a', { href: '#/' }, t('back'))),
    h('h1', {}, `${kind}: ${title}`),
    h(
      'ul',
      { class: 'facts' },
      lines.map((l) => h('li', {}, l)),
    ),
    h('p', { class: 'muted' }, `${t('printedAt')} ${new Date().toLocaleString(locale())}`),
    h(
      'p',
      { class: 'no-print' },
      h('button', { type: 'button', id: 'print', onclick: () => window.print() }, t('print')),
    ),
  ];
}

/** The printable report of one constituency: its candidates, leader and margin, turnout and booths. */
async function constituencyReport(main: HTMLElement, s: Session, id: string): Promise<void> {
  const reg = await loadRegistry(s);
  const result = (await readResults(s, reg)).find((r) => r.constituencyId === id);
  if (result === undefined) throw new NotFound(t('notFound'));
  const electorate = reg.electorateOf.get(id) ?? 0;
  const booths = await allBooths(`&constituencyId=${encodeURIComponent(id)}`);
  replace(
    main,
    ...reportHead(t('reportTitleConstituency'), result.name, [
      `${t('region')}: ${result.regionId}`,
      `${t('votes')}: ${count(result.totalVotes, locale())}`,
      `${t('electorate')}: ${count(electorate, locale())}`,
      `${t('turnoutShare')}: ${share(result.totalVotes, electorate)}`,
    ]),
    h('p', { class: 'lead' }, leadText(result)),
    candidatesTable(result),
    h('h2', {}, t('booths')),
    dataTable(
      [{ title: t('booth') }, { title: t('electorate'), num: true }, { title: t('print') }],
      booths.map((b) => [
        `${localName(language(), b)} (${b.boothId})`,
        count(b.electorate ?? 0, locale()),
        h('a', { href: `#/report/booth/${encodeURIComponent(b.boothId)}` }, t('reportTitleBooth')),
      ]),
      { id: 'report-booths' },
    ),
  );
}

/** One machine's row of a booth report: its state, when last seen, and the votes its signed record counts. */
async function machineRow(s: Session, m: MachineView): Promise<(string | number)[]> {
  const detail = await getJson(
    `/machines/${encodeURIComponent(m.machineId)}`,
    machineDetailResponseSchema,
    s.token,
  );
  const result = detail.result;
  return [
    m.machineId,
    stateName(m.state),
    m.lastSeenAt === undefined ? '–' : new Date(m.lastSeenAt).toLocaleString(locale()),
    result === undefined ? '–' : count(result.voteCount, locale()),
    result === undefined ? '–' : count(result.storedVotes, locale()),
  ];
}

/** The printable report of one booth: its place, electorate and machines with their signed counts. */
async function boothReport(main: HTMLElement, s: Session, id: string): Promise<void> {
  const { booths } = await getJson(
    `/booths?q=${encodeURIComponent(id)}&limit=20${scopeQuery(s, '&')}`,
    boothsAnswer,
  );
  const booth = booths.find((b) => b.boothId === id);
  if (booth === undefined) throw new NotFound(t('notFound'));
  const machines = (
    await getJson(`/machines${scopeQuery(s)}`, machinesResponseSchema, s.token)
  ).machines.filter((m) => m.boothId === id);
  const rows = await Promise.all(machines.map((m) => machineRow(s, m)));
  const constituency =
    booth.constituencyName === undefined
      ? booth.constituencyId
      : localName(language(), { name: booth.constituencyName, nameHi: booth.constituencyNameHi });
  replace(
    main,
    ...reportHead(t('reportTitleBooth'), `${localName(language(), booth)} (${booth.boothId})`, [
      `${t('constituency')}: ${constituency}`,
      `${t('region')}: ${booth.regionId}`,
      booth.address,
      `${t('electorate')}: ${count(booth.electorate ?? 0, locale())}`,
    ]),
    h('h2', {}, t('machinesOfBooth')),
    dataTable(
      [
        { title: t('machine') },
        { title: t('state') },
        { title: t('lastSeen') },
        { title: `${t('votes')} (${t('resultRecord')})`, num: true },
        { title: `${t('votes')} (cloud)`, num: true },
      ],
      rows,
      { id: 'report-machines' },
    ),
  );
}

/** A printable report page, of a constituency or a booth; returns what stops it. */
export function reportPage(
  body: HTMLElement,
  s: Session,
  kind: 'constituency' | 'booth',
  id: string,
): () => void {
  const main = h('main', { class: 'report', id: 'report', 'data-report': kind }, h('p', {}, '…'));
  replace(body, main);
  const shown = kind === 'constituency' ? constituencyReport(main, s, id) : boothReport(main, s, id);
  shown.catch((error: unknown) => {
    const message = error instanceof NotFound ? error.message : describeError(error);
    replace(main, h('p', { class: 'error', role: 'alert' }, message));
  });
  return () => undefined;
}
