import {
  type CertificationReportView,
  type CloseRollupView,
  certificationReportSchema,
  closeRollupSchema,
} from '@ballotstream/events';
import { getJson } from '../../shared/api';
import { count, h, replace } from '../../shared/dom';
import { dataTable } from '../../shared/table';
import { t } from '../i18n';
import { describeError, type Panel, panelSection, scopeQuery, toast } from '../page';
import type { Session } from '../session';

const time = (iso: string | undefined) => (iso === undefined ? '' : new Date(iso).toLocaleTimeString());

/** Machines reconciled, disagreeing and missing per constituency, and each one's certification. */
function closeOfPollView(rollup: CloseRollupView, cert: CertificationReportView): HTMLElement[] {
  const n = rollup.nation;
  const certified = new Map(cert.constituencies.map((c) => [c.constituencyId, c]));
  return [
    h(
      'p',
      { id: 'close-summary' },
      `${n.reconciled} of ${n.expected} machines reconciled, ${n.disagreeing} disagreeing, ${n.missing} missing; `,
      `${cert.certified} constituencies certified, ${cert.pending} pending`,
      cert.allCertifiedAt === undefined ? '' : ` (all certified at ${time(cert.allCertifiedAt)})`,
    ),
    dataTable(
      [
        { title: t('constituency') },
        { title: t('reconciled'), num: true },
        { title: t('disagreeing'), num: true },
        { title: t('missing'), num: true },
        { title: t('certified') },
      ],
      rollup.constituencies.map((c) => {
        const k = certified.get(c.constituencyId);
        return [
          k?.name ?? c.constituencyId,
          `${c.reconciled}/${c.expected}`,
          count(c.disagreeing),
          count(c.missing),
          k?.status === 'certified' ? `certified ${time(k.certifiedAt)}` : 'pending',
        ];
      }),
      { id: 'close-constituencies' },
    ),
    rollup.unreconciled.length === 0
      ? h('p', { class: 'muted' }, t('noMachineWaits'))
      : h(
          'ul',
          { id: 'close-unreconciled' },
          rollup.unreconciled.map((m) =>
            h(
              'li',
              {},
              `${m.machineId} (${m.constituencyId}): ${m.status}`,
              m.problems.length > 0 ? ` — ${m.problems[0]}` : '',
              m.exception === undefined ? '' : ` — excused: ${m.exception}`,
            ),
          ),
        ),
  ];
}

/** The close-of-poll panel: reconciliation of every machine's signed result and certification. */
export function closePanel(s: Session): Panel {
  const box = h('div', { id: 'close-of-poll' });
  const element = panelSection('close', t('closeOfPoll'), box);
  async function refresh(): Promise<void> {
    try {
      const [rollup, certification] = await Promise.all([
        getJson(`/close/rollup${scopeQuery(s)}`, closeRollupSchema, s.token),
        getJson(`/close/certification${scopeQuery(s)}`, certificationReportSchema, s.token),
      ]);
      replace(box, ...closeOfPollView(rollup, certification));
    } catch (error) {
      toast(describeError(error));
    }
  }
  return { element, refresh };
}
