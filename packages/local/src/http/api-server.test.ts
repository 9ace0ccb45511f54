import { connect } from 'node:net';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiServer } from './api-server';

let server: ApiServer;
let port: number;
const seen: string[] = [];
let lastEvent: APIGatewayProxyEventV2 | undefined;

beforeAll(async () => {
  server = new ApiServer();
  server.add({
    method: 'POST',
    path: '/echo',
    invoke: async (event) => ({ statusCode: 200, body: String(event.body?.length ?? 0) }),
  });
  server.add({
    method: 'GET',
    path: '/tickets/{ticketId}/status',
    invoke: async (event) => {
      seen.push(event.pathParameters?.ticketId ?? '');
      return { statusCode: 200, body: '{}' };
    },
  });
  server.add({
    method: 'POST',
    path: '/events/{kind}',
    invoke: async (event) => {
      lastEvent = event;
      return { statusCode: 204 };
    },
  });
  port = Number(new URL(await server.listen(0)).port);
});

afterAll(() => server.close());

/**
 * Sends raw bytes and collects what the server answers until it closes the connection; `open`
 * says the connection was still open when `waitMs` ran out.
 */
function exchange(
  head: string,
  bodyBytes: number,
  waitMs = 20_000,
): Promise<{ response: string; open: boolean }> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    let response = '';
    const timer = setTimeout(() => {
      socket.destroy();
      resolve({ response, open: true });
    }, waitMs);
    socket.on('data', (chunk) => {
      response += chunk.toString('latin1');
    });
    // A client still sending when the server hangs up may see a reset: what it read still counts.
    socket.on('error', () => undefined);
    socket.on('close', () => {
      clearTimeout(timer);
      resolve({ response, open: false });
    });
    socket.write(head);
    const chunk = Buffer.alloc(64 * 1024, 0x61);
    let left = bodyBytes;
    const pump = () => {
      while (left > 0 && !socket.destroyed) {
        const n = Math.min(left, chunk.length);
        left -= n;
        if (!socket.write(chunk.subarray(0, n))) return void socket.once('drain', pump);
      }
    };
    pump();
  });
}

const statusOf = (response: string) => /^HTTP\/1\.1 (\d{3})/.exec(response)?.[1];

describe('the local API server', () => {
  it('answers an oversized body 413 with Connection: close, and closes the connection', async () => {
    const size = 6 * 1024 * 1024;
    const { response, open } = await exchange(
      `POST /echo HTTP/1.1\r\nHost: local\r\nContent-Type: application/json\r\nContent-Length: ${size}\r\n\r\n`,
      size,
    );
    expect(statusOf(response)).toBe('413');
    expect(response.toLowerCase()).toContain('connection: close');
    expect(open).toBe(false);
  });

  it('answers an oversized chunked body 413 too, once it has read past the limit', async () => {
    const chunk = 'a'.repeat(256 * 1024);
    let head = 'POST /echo HTTP/1.1\r\nHost: local\r\nTransfer-Encoding: chunked\r\n\r\n';
    for (let i = 0; i < 24; i++) head += `${chunk.length.toString(16)}\r\n${chunk}\r\n`;
    const { response, open } = await exchange(head, 0);
    expect(statusOf(response)).toBe('413');
    expect(response.toLowerCase()).toContain('connection: close');
    expect(open).toBe(false);
  });

  it('still serves a body under the limit on a kept-alive connection', async () => {
    const response = await fetch(`http://127.0.0.1:${port}/echo`, { method: 'POST', body: 'x'.repeat(1000) });
    expect(response.status).toBe(200);
    expect(await response.text()).toBe('1000');
  });

  it('answers a malformed percent escape in the path 400, and a good one reaches the route decoded', async () => {
    const bad = await fetch(`http://127.0.0.1:${port}/tickets/%E0%A4%A/status`);
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({ error: 'bad-request' });
    const good = await fetch(`http://127.0.0.1:${port}/tickets/t%2D1/status`);
    expect(good.status).toBe(200);
    expect(seen).toEqual(['t-1']);
  });

  it('hands a route the event API Gateway would: path, query, headers and a text body', async () => {
    const response = await fetch(`http://127.0.0.1:${port}/events/k%2D1?a=1&b=x&a=2`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-booth': 'b1' },
      body: '{"name":"Zoë"}',
    });
    expect(response.status).toBe(204);
    expect(lastEvent).toMatchObject({
      version: '2.0',
      routeKey: 'POST /events/{kind}',
      rawPath: '/events/k%2D1',
      rawQueryString: 'a=1&b=x&a=2',
      queryStringParameters: { a: '1,2', b: 'x' },
      pathParameters: { kind: 'k-1' },
      headers: { 'x-booth': 'b1', 'content-type': 'application/json' },
      body: '{"name":"Zoë"}',
      isBase64Encoded: false,
      requestContext: { domainName: 'local', http: { method: 'POST', path: '/events/k%2D1' } },
    });
  });

  it('hands a body that is not UTF-8 on base64-encoded, as API Gateway sends binary bodies', async () => {
    const bytes = Buffer.from([0x7b, 0xff, 0xfe, 0x00, 0xc3]);
    await fetch(`http://127.0.0.1:${port}/events/binary`, { method: 'POST', body: bytes });
    expect(lastEvent).toMatchObject({ isBase64Encoded: true, body: bytes.toString('base64') });
    expect(lastEvent?.queryStringParameters).toBeUndefined();
    expect(lastEvent?.rawQueryString).toBe('');
  });
});
