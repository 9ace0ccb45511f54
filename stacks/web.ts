import { api, roleClients, users } from './api';
import { blueprint, regions } from './context';

/**
 * The monitoring centre and the citizen app (`packages/web`), built by Vite and served from
 * S3 + CloudFront; only `VITE_*` variables reach the browser.
 */
export const web = new sst.aws.StaticSite('Web', {
  path: 'packages/web',
  build: { command: 'npm run build', output: 'dist' },
  ...(blueprint.aws.domain === undefined ? {} : { domain: blueprint.aws.domain }),
  environment: {
    VITE_API_URL: api.url,
    VITE_REGION: regions.primary,
    VITE_USER_POOL_ID: users.id,
    VITE_OFFICER_CLIENT_ID: roleClients.officer!.id,
    VITE_CITIZEN_CLIENT_ID: roleClients.citizen!.id,
  },
});
