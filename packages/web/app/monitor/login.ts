import { h, replace } from '../shared/dom';
import { languageSwitch } from '../shared/i18n';
import { language, setLanguage, t } from './i18n';
import { type Session, sessionOf } from './session';

/** The sign-in page: the officer pastes a token; the page reads its claims only to shape itself. */
export function loginPage(root: HTMLElement, signIn: (s: Session) => void): void {
  const error = h('p', { class: 'error', role: 'alert', id: 'login-error' });
  const textarea = h('textarea', {
    id: 'token',
    name: 'token',
    required: true,
    spellcheck: 'false',
    'aria-describedby': 'token-help',
  });
  const submit = (e: Event) => {
    e.preventDefault();
    const s = sessionOf(textarea.value);
    if (s === undefined) error.textContent = t('badToken');
    else if (s.role !== 'officer' && s.role !== 'admin')
      error.textContent = `A ${s.role} token cannot open the monitoring centre.`;
    else signIn(s);
  };
  replace(
    root,
    h(
      'main',
      { class: 'login' },
      languageSwitch(language(), t('language'), (chosen) => {
        setLanguage(chosen);
        loginPage(root, signIn);
      }),
      h('h1', {}, t('signInTitle')),
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
        { onsubmit: submit },
        h('label', { for: 'token' }, t('accessToken')),
        textarea,
        h('p', {}, h('button', { type: 'submit', id: 'sign-in' }, t('signIn'))),
      ),
      error,
    ),
  );
}
