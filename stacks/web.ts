import { api, staffClient, users } from './api';
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
    // Staff sign in on Cognito's managed login; the citizen app needs no sign-in.
    VITE_STAFF_CLIENT_ID: staffClient.id,
    VITE_SIGN_IN_URL: users.domainUrl ?? '',
  },
});
