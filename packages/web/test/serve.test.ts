import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { webFallback } from '../src/serve';

function serve(dist: string): Promise<{ server: Server; url: string }> {
  const fallback = webFallback(dist);
  const server = createServer((req, res) => {
    void Promise.resolve(fallback(req, res)).then((served) => {
      if (!served) {
        res.writeHead(404, { 'content-type': 'application/json' });
        res.end('{"error":"not-found"}');
      }
    });
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () =>
      resolve({ server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` }),
    ),
  );
}

describe('the static server of the web apps', () => {
  const dist = mkdtempSync(join(tmpdir(), 'ballotstream-web-dist-'));
  let built: { server: Server; url: string };
  let unbuilt: { server: Server; url: string };

  beforeAll(async () => {
    for (const app of ['monitor', 'citizen']) {
      mkdirSync(join(dist, app), { recursive: true });
      writeFileSync(join(dist, app, 'index.html'), `<title>${app}</title>`);
    }
    mkdirSync(join(dist, 'assets'));
    writeFileSync(join(dist, 'assets', 'app-1234.js'), 'console.log(1)');
    writeFileSync(join(dist, 'index.html'), '<title>home</title>');
    writeFileSync(join(tmpdir(), 'ballotstream-secret.txt'), 'secret');
    built = await serve(dist);
    unbuilt = await serve(join(dist, 'missing'));
  });

  afterAll(() => {
    built.server.close();
    unbuilt.server.close();
    rmSync(dist, { recursive: true, force: true });
    rmSync(join(tmpdir(), 'ballotstream-secret.txt'), { force: true });
  });

  it('serves each app and its hashed assets with their types and caching', async () => {
    const monitor = await fetch(`${built.url}/monitor/`);
    expect(monitor.status).toBe(200);
    expect(monitor.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(monitor.headers.get('cache-control')).toBe('no-cache');
    expect(await monitor.text()).toBe('<title>monitor</title>');
    const asset = await fetch(`${built.url}/assets/app-1234.js`);
    expect(asset.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(asset.headers.get('cache-control')).toContain('immutable');
  });

  it('forbids framing by any site and sends its security headers with every page and asset of the apps', async () => {
    for (const path of [
      '/',
      '/monitor/',
      '/citizen/',
      '/citizen/receipt',
      '/assets/app-1234.js',
      '/citizen',
    ]) {
      const response = await fetch(`${built.url}${path}`, { redirect: 'manual' });
      const csp = response.headers.get('content-security-policy') ?? '';
      expect(csp, path).toContain("frame-ancestors 'none'");
      expect(csp, path).toContain("script-src 'self'");
      expect(csp, path).toContain("object-src 'none'");
      expect(response.headers.get('x-content-type-options'), path).toBe('nosniff');
      expect(response.headers.get('referrer-policy'), path).toBe('no-referrer');
      expect(response.headers.get('x-frame-options'), path).toBe('DENY');
    }
    expect((await fetch(`${unbuilt.url}/monitor/`)).headers.get('x-frame-options')).toBe('DENY');
    // The API's own answers are not the apps': their headers are left to the API.
    expect((await fetch(`${built.url}/tallies`)).headers.get('content-security-policy')).toBeNull();
  });

  it('redirects an app path without its slash, and gives deep page paths their app', async () => {
    const bare = await fetch(`${built.url}/citizen`, { redirect: 'manual' });
    expect(bare.status).toBe(301);
    expect(bare.headers.get('location')).toBe('/citizen/');
    expect(await (await fetch(`${built.url}/citizen/receipt`)).text()).toBe('<title>citizen</title>');
  });

  it('leaves every other path to the API, and never climbs out of the build folder', async () => {
    expect((await fetch(`${built.url}/tallies`)).status).toBe(404);
    expect((await fetch(`${built.url}/monitor/missing.js`)).status).toBe(404);
    expect((await fetch(`${built.url}/monitor/..%2F..%2Fballotstream-secret.txt`)).status).toBe(404);
    expect((await fetch(`${built.url}/assets/%2e%2e/%2e%2e/ballotstream-secret.txt`)).status).toBe(404);
  });

  it('says how to build when the build is missing', async () => {
    const answer = await fetch(`${unbuilt.url}/monitor/`);
    expect(answer.status).toBe(503);
    expect(await answer.text()).toContain('npm run build -w packages/web');
  });
});
