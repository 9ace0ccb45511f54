import { ApiError, ResponseShapeError } from '../shared/api';
import { h } from '../shared/dom';
import { languageSwitch } from '../shared/i18n';
import { language, setLanguage, t } from './i18n';
import type { Session } from './session';

/** Whether the officer sees the whole country (an admin) rather than one region. */
export function isNational(s: Session): boolean {
  return s.role === 'admin';
}

/** The query that narrows a read to the officer's region; the API enforces the same scope. */
export function scopeQuery(s: Session, first = '?', name = 'regionId'): string {
  return s.regionId === undefined ? '' : `${first}${name}=${encodeURIComponent(s.regionId)}`;
}

/** Shows a short message in the page's status line for a few seconds. */
export function toast(message: string): void {
  const el = document.getElementById('toast');
  if (el === null) return;
  el.textContent = message;
  setTimeout(() => {
    if (el.textContent === message) el.textContent = '';
  }, 5000);
}

/** Words for an officer about a failed call, never the raw error. */
export function describeError(error: unknown): string {
  if (error instanceof ApiError) {
    if (error.status === 401) return 'Your sign-in is no longer valid: sign in again.';
    if (error.status === 403) return 'Your role does not allow this (another region, or not an officer).';
    const problems = Array.isArray(error.body.problems) ? `: ${error.body.problems.join('; ')}` : '';
    return `The API refused: ${error.message}${problems}`;
  }
  if (error instanceof ResponseShapeError) {
    // The details are for whoever maintains the page; the officer needs to know it is not them.
    console.error(error);
    return 'The API answered in a form this page does not know: reload, or tell the desk.';
  }
  return 'The API could not be reached.';
}

/** The status line every page shares, read out by screen readers as it changes. */
export function toastRegion(): HTMLElement {
  return h('div', { class: 'toast', id: 'toast', role: 'status' });
}

/** The page header: the centre's name, who is signed in, and the sign-out button. */
export function header(s: Session, signOut: () => void, relabel: () => void): HTMLElement {
  const who = isNational(s)
    ? `${s.subject} · ${t('nationalView')}`
    : `${s.subject} · ${t('officerOf')} ${s.regionId}`;
  return h(
    'header',
    { class: 'top' },
    h('h1', {}, h('a', { href: '#/' }, t('centre'))),
    h(
      'div',
      { class: 'who' },
      h('span', { id: 'who' }, who),
      ' ',
      languageSwitch(language(), t('language'), (chosen) => {
        setLanguage(chosen);
        relabel();
      }),
      ' ',
      h('button', { class: 'secondary', id: 'sign-out', onclick: signOut }, t('signOut')),
    ),
  );
}

/** A part of a page that loads its own data and can be refreshed and stopped. */
export interface Panel {
  readonly element: HTMLElement;
  /** Called once the element is in the document (a map needs its size). */
  mount?(): void;
  refresh(): Promise<void>;
  stop?(): void;
}

/** A titled section of the dashboard. */
export function panelSection(id: string, title: string, ...children: (Node | string)[]): HTMLElement {
  return h(
    'section',
    { class: `panel ${id}-panel`, 'aria-labelledby': `${id}-title` },
    h('h2', { id: `${id}-title` }, title),
    ...children,
  );
}
