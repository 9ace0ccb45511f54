import { type Language, storedLanguage, translator } from '../shared/i18n';
import type { MachineState } from './map';

const en = {
  centre: 'Ballotstream monitoring centre',
  language: 'Language',
  signOut: 'Sign out',
  nationalView: 'national view',
  officerOf: 'officer of',
  signInTitle: 'Monitoring centre sign-in',
  accessToken: 'Access token',
  signIn: 'Sign in',
  badToken: 'This is not a valid, unexpired token.',
  machinesWholeCountry: 'Machines — whole country',
  machinesOf: 'Machines —',
  mapOfMachines: 'Map of machines',
  legend: 'Legend',
  machines: 'machines',
  mostUrgent: 'most urgent',
  layerGeofences: 'Booth geofences',
  layerResults: 'Constituencies by leading party',
  layerMachines: 'Machines',
  noVotesYet: 'no votes yet',
  'state.voting': 'voting',
  'state.idle': 'idle',
  'state.offline': 'offline',
  'state.blocked': 'blocked',
  'state.off-geofence': 'off geofence',
  alerts: 'Alerts',
  results: 'Results',
  turnout: 'Turnout',
  closeOfPoll: 'Close of poll',
  party: 'Party',
  won: 'Won',
  leading: 'Leading',
  total: 'Total',
  candidate: 'Candidate',
  votes: 'Votes',
  share: 'Share',
  constituencies: 'Constituencies',
  seatsWholeCountry: 'Seats, whole country',
  seatsIn: 'Seats in',
  noPartyLeads: 'no party leads anywhere yet.',
  'status.won': 'won (certified)',
  'status.leading': 'leading',
  'status.tied': 'tied',
  'status.no-votes': 'no votes yet',
  by: 'by',
  print: 'Print report',
  machine: 'Machine',
  booth: 'Booth',
  constituency: 'Constituency',
  region: 'Region',
  recentEvents: 'Recent events',
  defender: 'Defender behaviour',
  resultRecord: 'Result record',
  blockMachine: 'Block machine',
  unblockMachine: 'Unblock machine',
  trailOf: 'Position trail of',
  reportOf: 'Report of',
  reportTitleConstituency: 'Constituency report',
  reportTitleBooth: 'Booth report',
  electorate: 'Electorate',
  printedAt: 'Printed at',
  machinesOfBooth: 'Machines of the booth',
  state: 'State',
  lastSeen: 'Last seen',
  back: 'Back to the dashboard',
  booths: 'Booths',
  turnoutShare: 'Turnout',
  notFound: 'Nothing of that name is in your scope.',
} as const;

/** A message of the monitoring centre. */
export type MessageKey = keyof typeof en;

const hi: Record<MessageKey, string> = {
  centre: 'बैलटस्ट्रीम निगरानी केंद्र',
  language: 'भाषा',
  signOut: 'साइन आउट',
  nationalView: 'राष्ट्रीय दृश्य',
  officerOf: 'अधिकारी,',
  signInTitle: 'निगरानी केंद्र में साइन इन',
  accessToken: 'एक्सेस टोकन',
  signIn: 'साइन इन',
  badToken: 'यह मान्य, अवधि-शेष टोकन नहीं है।',
  machinesWholeCountry: 'मशीनें — पूरा देश',
  machinesOf: 'मशीनें —',
  mapOfMachines: 'मशीनों का नक्शा',
  legend: 'संकेत',
  machines: 'मशीनें',
  mostUrgent: 'सबसे ज़रूरी',
  layerGeofences: 'केंद्रों की जियोफ़ेंस',
  layerResults: 'आगे चल रहे दल के अनुसार निर्वाचन क्षेत्र',
  layerMachines: 'मशीनें',
  noVotesYet: 'अभी कोई मत नहीं',
  'state.voting': 'मतदान जारी',
  'state.idle': 'निष्क्रिय',
  'state.offline': 'ऑफ़लाइन',
  'state.blocked': 'अवरुद्ध',
  'state.off-geofence': 'जियोफ़ेंस से बाहर',
  alerts: 'चेतावनियाँ',
  results: 'परिणाम',
  turnout: 'मतदान',
  closeOfPoll: 'मतदान समाप्ति',
  party: 'दल',
  won: 'जीते',
  leading: 'आगे',
  total: 'कुल',
  candidate: 'उम्मीदवार',
  votes: 'मत',
  share: 'हिस्सा',
  constituencies: 'निर्वाचन क्षेत्र',
  seatsWholeCountry: 'सीटें, पूरा देश',
  seatsIn: 'सीटें:',
  noPartyLeads: 'अभी कोई दल कहीं आगे नहीं है।',
  'status.won': 'जीते (प्रमाणित)',
  'status.leading': 'आगे',
  'status.tied': 'बराबर',
  'status.no-votes': 'अभी कोई मत नहीं',
  by: 'अंतर',
  print: 'रिपोर्ट छापें',
  machine: 'मशीन',
  booth: 'केंद्र',
  constituency: 'निर्वाचन क्षेत्र',
  region: 'क्षेत्र',
  recentEvents: 'हाल की घटनाएँ',
  defender: 'डिफ़ेंडर व्यवहार',
  resultRecord: 'परिणाम अभिलेख',
  blockMachine: 'मशीन अवरुद्ध करें',
  unblockMachine: 'मशीन चालू करें',
  trailOf: 'स्थान का मार्ग:',
  reportOf: 'रिपोर्ट:',
  reportTitleConstituency: 'निर्वाचन क्षेत्र रिपोर्ट',
  reportTitleBooth: 'केंद्र रिपोर्ट',
  electorate: 'मतदाता',
  printedAt: 'छापा गया',
  machinesOfBooth: 'केंद्र की मशीनें',
  state: 'स्थिति',
  lastSeen: 'अंतिम बार देखी गई',
  back: 'डैशबोर्ड पर लौटें',
  booths: 'केंद्र',
  turnoutShare: 'मतदान',
  notFound: 'आपके दायरे में इस नाम का कुछ नहीं है।',
};

let current: Language = storedLanguage();

/** The language the monitoring centre is shown in. */
export function language(): Language {
  return current;
}

/** Shows the centre in another language from the next drawing on (the router draws anew). */
export function setLanguage(next: Language): void {
  current = next;
}

/** The message in the centre's current language. */
export function t(key: MessageKey): string {
  return translator({ en, hi }, current)(key);
}

/** A machine state's name in the current language. */
export function stateName(state: MachineState): string {
  return t(`state.${state}`);
}

/** The locale numbers and dates are written in. */
export function locale(): string {
  return current === 'hi' ? 'hi-IN' : 'en-IN';
}
