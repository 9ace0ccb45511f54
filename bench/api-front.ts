import { randomBytes } from 'node:crypto';
import { LocalTokenIssuer } from '@ballotstream/local/auth/jwt';
import { ApiServer } from '@ballotstream/local/http/api-server';
import { atConcurrency } from './measure';
import { cpuPerOp, keepAliveAgent, postJson } from './verification-floor';

// The local API front alone (token check, routing, the v2 event, the answer), with a route that
// answers at once: CPU per request of client and server, beside the bare HTTP floor's. A change
// to the front shows here within a few µs, where the whole verification's spread hides it.
//   node --import tsx bench/api-front.ts [requests]
const requests = Number(process.argv[2] ?? 20_000);
const issuer = LocalTokenIssuer.ephemeral();
const server = new ApiServer((token) => issuer.verify(token));
server.add({
  method: 'POST',
  path: '/verifications',
  roles: ['booth'],
  invoke: async (event) => ({
    statusCode: 201,
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ ballotToken: randomBytes(24).toString('base64url'), bytes: event.body?.length }),
  }),
});
const url = `${await server.listen(0)}/verifications`;
const agent = keepAliveAgent(200);
const headers = { authorization: `Bearer ${issuer.mint({ role: 'booth', subject: 'booth-1' })}` };
const body = JSON.stringify({
  ticket: randomBytes(240).toString('base64url'),
  fingerprint: randomBytes(32).toString('base64url'),
  boothId: 'booth-1-1-1',
  machineId: 'm-1-1-1',
});
const post = () => postJson(agent, url, body, headers);
await atConcurrency(2_000, 200, post);
const { micros } = await cpuPerOp(requests, () => atConcurrency(requests, 200, post));
process.stdout.write(`local API front, 200 in flight: ${Math.round(micros)} µs CPU per request\n`);
agent.destroy();
await server.close();
process.exit(0);
