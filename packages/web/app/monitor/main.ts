import './monitor.css';
import { h, replace } from '../shared/dom';
import { dashboard } from './dashboard';
import { language } from './i18n';
import { loginPage } from './login';
import { machinePage } from './machine-page';
import { header, toastRegion } from './page';
import { reportPage } from './report';
import { savedSession, saveSession } from './session';

const root = document.getElementById('app')!;
let session = savedSession();
let stopPage: () => void = () => undefined;

function signOut(): void {
  session = undefined;
  saveSession(undefined);
  route();
}

/** Shows the page the address names: sign-in, a machine's page, a printable report, or the dashboard. */
function route(): void {
  stopPage();
  stopPage = () => undefined;
  document.documentElement.lang = language();
  if (session === undefined) {
    loginPage(root, (s) => {
      session = s;
      saveSession(s);
      route();
    });
    return;
  }
  const machine = /^#\/machines\/([^/]+)$/.exec(location.hash);
  const report = /^#\/report\/(constituency|booth)\/([^/]+)$/.exec(location.hash);
  const body = h('div', { class: 'page' });
  replace(root, header(session, signOut, route), body, toastRegion());
  if (machine) stopPage = machinePage(body, session, decodeURIComponent(machine[1]!), route);
  else if (report)
    stopPage = reportPage(
      body,
      session,
      report[1] as 'constituency' | 'booth',
      decodeURIComponent(report[2]!),
    );
  else stopPage = dashboard(body, session);
}

window.addEventListener('hashchange', route);
route();
