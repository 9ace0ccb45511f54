import './monitor.css';
import { h, replace } from '../shared/dom';
import { dashboard } from './dashboard';
import { loginPage } from './login';
import { machinePage } from './machine-page';
import { header, toastRegion } from './page';
import { savedSession, saveSession } from './session';

const root = document.getElementById('app')!;
let session = savedSession();
let stopPage: () => void = () => undefined;

function signOut(): void {
  session = undefined;
  saveSession(undefined);
  route();
}

/** Shows the page the address names: sign-in, a machine's page, or the dashboard. */
function route(): void {
  stopPage();
  stopPage = () => undefined;
  if (session === undefined) {
    loginPage(root, (s) => {
      session = s;
      saveSession(s);
      route();
    });
    return;
  }
  const machine = /^#\/machines\/([^/]+)$/.exec(location.hash);
  const body = h('div', { class: 'page' });
  replace(root, header(session, signOut), body, toastRegion());
  stopPage = machine
    ? machinePage(body, session, decodeURIComponent(machine[1]!), route)
    : dashboard(body, session);
}

window.addEventListener('hashchange', route);
route();
