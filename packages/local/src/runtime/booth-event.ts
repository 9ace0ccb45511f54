import { randomUUID } from 'node:crypto';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';

/**
 * The API Gateway v2 event a booth's `POST /verifications` becomes once the JWT authorizer
 * accepted the booth, for driving the handler directly (bench, fault drills) without HTTP.
 */
export function boothVerificationEvent(body: string, boothId: string): APIGatewayProxyEventV2 {
  const now = Date.now();
  return {
    version: '2.0',
    routeKey: 'POST /verifications',
    rawPath: '/verifications',
    rawQueryString: '',
    headers: { 'content-type': 'application/json' },
    body,
    isBase64Encoded: false,
    requestContext: {
      accountId: '000000000000',
      apiId: 'local',
      domainName: 'local',
      domainPrefix: 'local',
      http: {
        method: 'POST',
        path: '/verifications',
        protocol: 'HTTP/1.1',
        sourceIp: '127.0.0.1',
        userAgent: '',
      },
      requestId: randomUUID(),
      routeKey: 'POST /verifications',
      stage: '$default',
      time: new Date(now).toUTCString(),
      timeEpoch: now,
      authorizer: { jwt: { claims: { sub: boothId, 'custom:role': 'booth' }, scopes: [] } },
    } as APIGatewayProxyEventV2['requestContext'],
  };
}
