import './citizen.css';
import {
  type BoothListing,
  boothsResponseSchema,
  type CandidateListing,
  type CertificationReportView,
  type ConstituencyListing,
  candidatesResponseSchema,
  certificationReportSchema,
  constituenciesResponseSchema,
  receiptAnswerSchema,
  type TallyReport,
  type TurnoutResponse,
  tallyReportSchema,
  ticketStatusResponseSchema,
  turnoutResponseSchema,
} from '@ballotstream/events';
import { ApiError, apiBase, getJson } from '../shared/api';
import { type SeriesPoint, stepChart } from '../shared/chart';
import { count, h, replace } from '../shared/dom';
import { languageSwitch, localName, localParty, storedLanguage } from '../shared/i18n';
import { findPlace } from '../shared/places';
import { type MessageKey, translate } from './i18n';

type Booth = BoothListing;
type Constituency = ConstituencyListing;
type Candidate = CandidateListing;
type Turnout = TurnoutResponse;
type Certifications = CertificationReportView;
type Tallies = TallyReport;
/** A registry name in the reader's language: its Hindi form for Hindi readers, where there is one. */
function named(x: { readonly name: string; readonly nameHi?: string | undefined }): string {
  return localName(state.lang, x);
}

/** A candidate's party in the reader's language, where the registry has its Hindi form. */
function partyOf(c: Candidate): string {
  return localParty(state.lang, c);
}

/** A constituency's name by its id, in the reader's language; the id while names are not loaded. */
function constituencyName(id: string): string {
  const found = state.constituencies.find((c) => c.constituencyId === id);
  return found === undefined ? id : named(found);
}

type Tone = 'good' | 'bad' | 'neutral';
interface Answer {
  readonly key: MessageKey;
  readonly tone: Tone;
}

const state = {
  lang: storedLanguage(),
  place: '',
  booths: undefined as readonly Booth[] | undefined,
  boothsAnswer: undefined as Answer | undefined,
  constituencies: [] as readonly Constituency[],
  constituencyId: '',
  candidates: undefined as readonly Candidate[] | undefined,
  candidatesById: new Map<string, Candidate>(),
  ticketId: '',
  ticketAnswer: undefined as Answer | undefined,
  receipt: '',
  receiptAnswer: undefined as Answer | undefined,
  turnout: undefined as Turnout | undefined,
  results: undefined as Tallies | undefined,
  certification: undefined as Certifications | undefined,
  offline: !navigator.onLine,
};

const t = (key: MessageKey) => translate(state.lang, key);
const root = document.getElementById('app')!;

/** A form's submit listener that stays on the page and runs the action. */
function submit(action: () => Promise<void>): EventListener {
  return (e: Event) => {
    e.preventDefault();
    void action();
  };
}

function answerView(id: string, answer: Answer | undefined): HTMLElement {
  // A live region reads each new answer aloud without moving the focus.
  return h(
    'p',
    { id, class: `answer ${answer?.tone ?? ''}`, role: 'status', 'aria-live': 'polite' },
    answer && t(answer.key),
  );
}

function render(): void {
  document.documentElement.lang = state.lang;
  document.title = t('title');
  // Every control has an id, so the one with the focus keeps it across a re-render, and a field
  // being typed in keeps its caret (a new field would put it first, and the next keys before the rest).
  const focused = document.activeElement;
  const focusedId = focused?.id;
  const caret =
    focused instanceof HTMLInputElement ? [focused.selectionStart, focused.selectionEnd] : undefined;
  replace(
    root,
    h('a', { class: 'skip', id: 'skip', href: '#main' }, t('skip')),
    h(
      'header',
      { class: 'top' },
      h('h1', {}, t('title')),
      languageSwitch(state.lang, t('language'), (chosen) => {
        state.lang = chosen;
        render();
      }),
    ),
    state.offline && h('p', { class: 'offline', role: 'status' }, t('offline')),
    h(
      'nav',
      { class: 'sections', 'aria-label': t('title') },
      h('a', { id: 'to-booths', href: '#booths' }, t('boothsTitle')),
      h('a', { id: 'to-candidates', href: '#candidates' }, t('candidatesTitle')),
      h('a', { id: 'to-ticket', href: '#ticket' }, t('ticketTitle')),
      h('a', { id: 'to-receipt', href: '#receipt' }, t('receiptTitle')),
      h('a', { id: 'to-turnout', href: '#turnout' }, t('turnoutTitle')),
      h('a', { id: 'to-results', href: '#results' }, t('resultsTitle')),
    ),
    h(
      'main',
      { id: 'main', tabindex: '-1' },
      boothsSection(),
      candidatesSection(),
      ticketSection(),
      receiptSection(),
      turnoutSection(),
      resultsSection(),
    ),
  );
  if (focusedId) restoreFocus(focusedId, caret);
}

function restoreFocus(id: string, caret: (number | null)[] | undefined): void {
  const element = document.getElementById(id);
  element?.focus();
  const [start, end] = caret ?? [];
  if (element instanceof HTMLInputElement && typeof start === 'number' && typeof end === 'number')
    element.setSelectionRange(start, end);
}

function boothsSection(): HTMLElement {
  return h(
    'section',
    { class: 'card', id: 'booths', 'aria-labelledby': 'booths-title' },
    h('h2', { id: 'booths-title' }, t('boothsTitle')),
    h('p', { class: 'help' }, t('boothsHelp')),
    h(
      'form',
      { class: 'row', onsubmit: submit(findBooths) },
      h(
        'label',
        { for: 'place' },
        t('place'),
        h('input', {
          id: 'place',
          name: 'place',
          autocomplete: 'address-level2',
          value: state.place,
          oninput: (e: Event) => {
            state.place = (e.target as HTMLInputElement).value;
          },
        }),
      ),
      h('button', { type: 'submit', id: 'find-booths' }, t('find')),
      h(
        'button',
        { type: 'button', class: 'secondary', id: 'use-location', onclick: () => locate() },
        t('useLocation'),
      ),
    ),
    answerView('booths-answer', state.boothsAnswer),
    state.booths !== undefined &&
      h(
        'ul',
        { class: 'booths', 'aria-label': t('boothsTitle') },
        state.booths.map((b) =>
          h(
            'li',
            { 'data-booth': b.boothId },
            h('div', { class: 'booth-name' }, named(b)),
            h('div', { class: 'muted' }, b.address),
            h(
              'div',
              {},
              `${t('constituency')}: ${
                b.constituencyName === undefined
                  ? b.constituencyId
                  : localName(state.lang, { name: b.constituencyName, nameHi: b.constituencyNameHi })
              }`,
              b.distanceKm !== undefined && ` · ${b.distanceKm.toFixed(1)} ${t('km')}`,
            ),
          ),
        ),
      ),
  );
}

async function findBooths(near?: { lat: number; lon: number }): Promise<void> {
  const place = near ?? findPlace(state.place);
  const query =
    place !== undefined ? `near=${place.lat},${place.lon}` : `q=${encodeURIComponent(state.place.trim())}`;
  try {
    const answer = await getJson(`/booths?${query}&limit=10`, boothsResponseSchema);
    state.booths = answer.booths;
    state.boothsAnswer =
      answer.booths.length === 0 ? { key: place ? 'noBooths' : 'unknownPlace', tone: 'neutral' } : undefined;
    const first = answer.booths[0];
    if (first !== undefined && state.constituencyId === '') {
      state.constituencyId = first.constituencyId;
      void loadCandidates();
    }
  } catch {
    state.boothsAnswer = { key: 'error', tone: 'bad' };
  }
  render();
}

function locate(): void {
  if (!('geolocation' in navigator)) {
    state.boothsAnswer = { key: 'noLocation', tone: 'bad' };
    render();
    return;
  }
  state.boothsAnswer = { key: 'locating', tone: 'neutral' };
  render();
  navigator.geolocation.getCurrentPosition(
    (position) => void findBooths({ lat: position.coords.latitude, lon: position.coords.longitude }),
    () => {
      state.boothsAnswer = { key: 'noLocation', tone: 'bad' };
      render();
    },
    { timeout: 10_000, maximumAge: 300_000 },
  );
}

function candidatesSection(): HTMLElement {
  return h(
    'section',
    { class: 'card', id: 'candidates', 'aria-labelledby': 'candidates-title' },
    h('h2', { id: 'candidates-title' }, t('candidatesTitle')),
    h(
      'form',
      { class: 'row', onsubmit: submit(loadCandidates) },
      h(
        'label',
        { for: 'constituency' },
        t('chooseConstituency'),
        h(
          'select',
          {
            id: 'constituency',
            onchange: (e: Event) => {
              state.constituencyId = (e.target as HTMLSelectElement).value;
              void loadCandidates();
            },
          },
          h('option', { value: '' }, '—'),
          state.constituencies.map((c) =>
            h(
              'option',
              { value: c.constituencyId, selected: c.constituencyId === state.constituencyId },
              named(c),
            ),
          ),
        ),
      ),
      h('button', { type: 'submit', id: 'show-candidates' }, t('showCandidates')),
    ),
    state.candidates !== undefined &&
      (state.candidates.length === 0
        ? h('p', { class: 'answer neutral', role: 'status' }, t('noCandidates'))
        : h(
            'ul',
            { class: 'candidates', 'aria-label': t('candidatesTitle') },
            state.candidates.map((c) =>
              h(
                'li',
                {},
                h('span', { class: 'booth-name' }, `${c.ballotOrder}. ${named(c)}`),
                ' ',
                h('span', { class: 'muted' }, `${t('party')}: ${partyOf(c)}`),
              ),
            ),
          )),
  );
}

async function loadCandidates(): Promise<void> {
  if (state.constituencyId === '') return;
  try {
    const answer = await getJson(
      `/candidates?constituencyId=${encodeURIComponent(state.constituencyId)}`,
      candidatesResponseSchema,
    );
    state.candidates = answer.candidates;
    for (const c of answer.candidates) state.candidatesById.set(c.candidateId, c);
  } catch {
    state.candidates = [];
  }
  render();
}

function ticketSection(): HTMLElement {
  return h(
    'section',
    { class: 'card', id: 'ticket', 'aria-labelledby': 'ticket-title' },
    h('h2', { id: 'ticket-title' }, t('ticketTitle')),
    h('p', { class: 'help', id: 'ticket-help' }, t('ticketHelp')),
    h(
      'form',
      { class: 'row', onsubmit: submit(checkTicket) },
      h(
        'label',
        { for: 'ticket-id' },
        t('ticketId'),
        h('input', {
          id: 'ticket-id',
          name: 'ticket',
          required: true,
          autocomplete: 'off',
          'aria-describedby': 'ticket-help',
          value: state.ticketId,
          oninput: (e: Event) => {
            state.ticketId = (e.target as HTMLInputElement).value;
          },
        }),
      ),
      h('button', { type: 'submit', id: 'check-ticket' }, t('check')),
    ),
    answerView('ticket-answer', state.ticketAnswer),
  );
}

async function checkTicket(): Promise<void> {
  const id = state.ticketId.trim();
  if (id === '') return;
  try {
    const answer = await getJson(`/tickets/${encodeURIComponent(id)}/status`, ticketStatusResponseSchema);
    state.ticketAnswer = ticketAnswerOf(answer.status);
  } catch (error) {
    state.ticketAnswer =
      error instanceof ApiError && (error.status === 404 || error.status === 400)
        ? { key: 'ticketUnknown', tone: 'bad' }
        : { key: 'error', tone: 'bad' };
  }
  render();
}

function ticketAnswerOf(status: string): Answer {
  switch (status) {
    case 'valid':
    case 'issued':
      return { key: 'ticketValid', tone: 'good' };
    case 'used':
    case 'voted':
      return { key: 'ticketUsed', tone: 'neutral' };
    case 'revoked':
      return { key: 'ticketRevoked', tone: 'bad' };
    case 'expired':
      return { key: 'ticketExpired', tone: 'bad' };
    default:
      return { key: 'ticketUnknown', tone: 'bad' };
  }
}

function receiptSection(): HTMLElement {
  return h(
    'section',
    { class: 'card', id: 'receipt', 'aria-labelledby': 'receipt-title' },
    h('h2', { id: 'receipt-title' }, t('receiptTitle')),
    h('p', { class: 'help', id: 'receipt-help' }, t('receiptHelp')),
    h(
      'form',
      { class: 'row', onsubmit: submit(checkReceipt) },
      h(
        'label',
        { for: 'receipt-code' },
        t('receiptCode'),
        h('input', {
          id: 'receipt-code',
          name: 'receipt',
          required: true,
          autocomplete: 'off',
          autocapitalize: 'characters',
          spellcheck: 'false',
          placeholder: '7K3M-Q0ZD-9TWX',
          'aria-describedby': 'receipt-help',
          value: state.receipt,
          oninput: (e: Event) => {
            state.receipt = (e.target as HTMLInputElement).value;
          },
        }),
      ),
      h('button', { type: 'submit', id: 'check-receipt' }, t('check')),
    ),
    answerView('receipt-answer', state.receiptAnswer),
  );
}

async function checkReceipt(): Promise<void> {
  const code = state.receipt.trim();
  if (code === '') return;
  try {
    const answer = await getJson(`/receipts/${encodeURIComponent(code)}`, receiptAnswerSchema);
    state.receiptAnswer = answer.recorded
      ? { key: 'receiptYes', tone: 'good' }
      : { key: 'receiptNo', tone: 'neutral' };
  } catch (error) {
    state.receiptAnswer =
      error instanceof ApiError && error.status === 400
        ? { key: 'receiptMalformed', tone: 'bad' }
        : { key: 'error', tone: 'bad' };
  }
  render();
}

function turnoutSection(): HTMLElement {
  const turnout = state.turnout;
  const points: SeriesPoint[] = (turnout?.points ?? []).map((p) => ({ t: p.windowStart, v: p.cumulative }));
  return h(
    'section',
    { class: 'card', id: 'turnout', 'aria-labelledby': 'turnout-title' },
    h('h2', { id: 'turnout-title' }, t('turnoutTitle')),
    h(
      'p',
      {},
      h(
        'span',
        { class: 'big', id: 'turnout-total' },
        count(turnout?.totalVotes ?? 0, state.lang === 'hi' ? 'hi-IN' : 'en-IN'),
      ),
      ' ',
      t('votesCounted'),
    ),
    points.length > 1 && stepChart(points, `${t('turnoutChart')}: ${count(turnout?.totalVotes ?? 0)}`),
  );
}

function pollsClosed(): boolean {
  const closesAt = state.turnout?.closesAt;
  return closesAt !== undefined && Date.parse(closesAt) <= Date.now();
}

function resultsSection(): HTMLElement {
  const closesAt = state.turnout?.closesAt;
  const body =
    !pollsClosed() || state.results === undefined
      ? h(
          'p',
          { class: 'muted' },
          t('resultsAfterClose'),
          closesAt &&
            ` ${t('pollsClose')} ${new Date(closesAt).toLocaleString(state.lang === 'hi' ? 'hi-IN' : 'en-IN')}.`,
        )
      : resultsTable(state.results);
  return h(
    'section',
    { class: 'card', id: 'results', 'aria-labelledby': 'results-title' },
    h('h2', { id: 'results-title' }, t('resultsTitle')),
    body,
    pollsClosed() ? certificationList() : '',
  );
}

/** Each constituency shown: certified (and when) or not yet, with a link to its bulletin entry. */
function certificationList(): HTMLElement {
  const shown = (state.certification?.constituencies ?? []).filter(
    (c) => state.constituencyId === '' || c.constituencyId === state.constituencyId,
  );
  const when = (iso: string) => new Date(iso).toLocaleString(state.lang === 'hi' ? 'hi-IN' : 'en-IN');
  return h(
    'ul',
    { id: 'certification' },
    shown.map((c) =>
      h(
        'li',
        { 'data-constituency': c.constituencyId },
        `${constituencyName(c.constituencyId)}: `,
        c.status === 'certified' && c.certifiedAt !== undefined
          ? `${t('certifiedAt')} ${when(c.certifiedAt)}. `
          : `${t('notCertified')} `,
        h('a', { href: `${apiBase}/bulletin#${encodeURIComponent(c.constituencyId)}` }, t('bulletinEntry')),
      ),
    ),
  );
}

function resultsTable(results: Tallies): HTMLElement {
  const lines =
    state.constituencyId === ''
      ? results.lines
      : results.lines.filter((l) => l.scope === state.constituencyId);
  return h(
    'table',
    {},
    h('caption', { class: 'muted' }, t('resultsTitle')),
    h(
      'thead',
      {},
      h(
        'tr',
        {},
        h('th', { scope: 'col' }, t('constituency')),
        h('th', { scope: 'col' }, t('candidate')),
        h('th', { scope: 'col' }, t('party')),
        h('th', { scope: 'col', class: 'num' }, t('votes')),
      ),
    ),
    h(
      'tbody',
      {},
      lines.map((l) => {
        const candidate = state.candidatesById.get(l.candidateId);
        return h(
          'tr',
          {},
          h('td', {}, constituencyName(l.scope)),
          h('td', {}, candidate === undefined ? l.candidateId : named(candidate)),
          h('td', {}, candidate === undefined ? '' : partyOf(candidate)),
          h('td', { class: 'num' }, count(l.votes)),
        );
      }),
    ),
  );
}

/** Reads the candidates of every constituency in the results whose names are not known yet. */
async function loadResultCandidates(results: Tallies): Promise<void> {
  const missing = new Set(
    results.lines.filter((l) => !state.candidatesById.has(l.candidateId)).map((l) => l.scope),
  );
  const lists = await Promise.all(
    [...missing].map((id) =>
      getJson(`/candidates?constituencyId=${encodeURIComponent(id)}`, candidatesResponseSchema),
    ),
  );
  for (const list of lists) for (const c of list.candidates) state.candidatesById.set(c.candidateId, c);
}

async function refresh(): Promise<void> {
  try {
    state.turnout = await getJson('/turnout', turnoutResponseSchema);
    if (pollsClosed()) {
      state.results = await getJson('/tallies?level=constituency', tallyReportSchema);
      await loadResultCandidates(state.results);
      state.certification = await getJson('/results/certification', certificationReportSchema);
    }
  } catch {
    // Offline or the API is down: the service worker answered from its copy, or nothing shows.
  }
  render();
}

async function start(): Promise<void> {
  render();
  try {
    state.constituencies = (await getJson('/constituencies', constituenciesResponseSchema)).constituencies;
  } catch {
    state.constituencies = [];
  }
  await refresh();
  setInterval(() => void refresh(), 15_000);
  window.addEventListener('online', () => {
    state.offline = false;
    void refresh();
  });
  window.addEventListener('offline', () => {
    state.offline = true;
    render();
  });
  if ('serviceWorker' in navigator && location.protocol !== 'file:') {
    navigator.serviceWorker.register('/citizen/sw.js', { scope: '/citizen/' }).catch(() => undefined);
  }
}

void start();
