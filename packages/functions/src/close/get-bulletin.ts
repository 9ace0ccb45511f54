import { buildBulletinBody, resultsNotYetPublic, signBulletin } from '@ballotstream/core';
import { httpRoute, json } from '../shared/http';
import { countRejection } from '../shared/observability';
import { statusOfRouteRefusal } from '../shared/refusals';

/**
 * `GET /bulletin`: every machine's signed record and key, each constituency's result and the
 * audit head, signed by the election key; public once polls close.
 */
export const handler = httpRoute({ name: 'getBulletin' }, async ({ app }) => {
  const { records, clock, electionKey } = app.ports;
  const { config } = app;
  const notYet = await resultsNotYetPublic(records, config.electionId, clock.now(), false);
  if (notYet !== undefined) {
    countRejection('getBulletin', 'polls-open');
    return json(statusOfRouteRefusal('forbidden'), { error: 'forbidden', message: notYet });
  }
  const body = await buildBulletinBody({ records }, config.electionId, {
    now: clock.now(),
    ...(app.ports.electionCaPem === undefined ? {} : { caCertificatePem: app.ports.electionCaPem }),
  });
  return json(200, await signBulletin(electionKey, body));
});
