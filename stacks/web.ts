import { contentSecurityPolicy } from '@ballotstream/web/security-headers';
import { api, staffClient, users } from './api';
import { blueprint, regions } from './context';

/**
 * The headers the local runtime serves the apps with (`packages/web/src/security-headers.ts`),
 * set by CloudFront on every response: the API and the sign-in domain are other origins here.
 */
const securityHeaders = new aws.cloudfront.ResponseHeadersPolicy('WebSecurityHeaders', {
  comment: `ballotstream ${$app.stage}: web app security headers`,
  securityHeadersConfig: {
    contentSecurityPolicy: {
      contentSecurityPolicy: $resolve([api.url, users.domainUrl ?? '']).apply((urls) =>
        contentSecurityPolicy(urls.filter((u) => u !== '').map((u) => new URL(u).origin)),
      ),
      override: true,
    },
    contentTypeOptions: { override: true },
    frameOptions: { frameOption: 'DENY', override: true },
    referrerPolicy: { referrerPolicy: 'no-referrer', override: true },
    strictTransportSecurity: { accessControlMaxAgeSec: 31_536_000, includeSubdomains: true, override: true },
  },
});

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
  transform: {
    cdn: (args) => {
      args.defaultCacheBehavior = $util
        .output(args.defaultCacheBehavior)
        .apply((behavior) => ({ ...behavior, responseHeadersPolicyId: securityHeaders.id }));
    },
  },
});
