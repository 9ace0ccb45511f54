/**
 * The headers every page of the web apps is served with, locally (`serve.ts`) and by CloudFront
 * (`stacks/web.ts`): no framing by another site (clickjacking of the officers' block button or
 * the citizen's ticket check), scripts only from the site itself, no MIME sniffing, and no
 * referrer carrying a ticket id in a URL to another site.
 */
export interface SecurityHeaders {
  readonly 'content-security-policy': string;
  readonly 'x-content-type-options': 'nosniff';
  readonly 'referrer-policy': 'no-referrer';
  readonly 'x-frame-options': 'DENY';
}

/**
 * The Content-Security-Policy of the apps; `connectTo` adds the origins the apps call besides
 * their own (the API and sign-in in AWS, where they are other origins).
 */
export function contentSecurityPolicy(connectTo: readonly string[] = []): string {
  return [
    "default-src 'self'",
    "script-src 'self'",
    // The pages carry a small <style> block and Leaflet positions its layers with style attributes.
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    `connect-src ${["'self'", ...connectTo].join(' ')}`,
    "font-src 'self'",
    "manifest-src 'self'",
    "worker-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join('; ');
}

/** The security headers of the web apps, for the origins they connect to. */
export function securityHeaders(connectTo: readonly string[] = []): SecurityHeaders {
  return {
    'content-security-policy': contentSecurityPolicy(connectTo),
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'no-referrer',
    'x-frame-options': 'DENY',
  };
}
