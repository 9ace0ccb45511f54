import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { extname, join, normalize, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { securityHeaders } from './security-headers';

/** Where `vite build` writes the two apps. */
export const webDistDir = resolve(fileURLToPath(new URL('../dist', import.meta.url)));

const contentTypes: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.webmanifest': 'application/manifest+json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.txt': 'text/plain; charset=utf-8',
};

// Only these top-level paths belong to the web apps; everything else stays the API's 404.
const appPrefixes = ['/monitor', '/citizen', '/assets/'];

/**
 * Serves the built web apps (`/monitor/`, `/citizen/`, their assets) as a fallback of the local
 * API server; answers false for any other path so the API keeps its own 404.
 */
export function webFallback(distDir: string = webDistDir) {
  const root = resolve(distDir);
  return async (req: IncomingMessage, res: ServerResponse): Promise<boolean> => {
    if (req.method !== 'GET' && req.method !== 'HEAD') return false;
    const path = decodeURIComponent(new URL(req.url ?? '/', 'http://local').pathname);
    if (path !== '/' && path !== '/index.html' && !isAppPath(path)) return false;
    // Set before any answer of the apps' (page, asset, redirect, not built); the API's own are left alone.
    for (const [name, value] of Object.entries(securityHeaders())) res.setHeader(name, value);
    if (path === '/' || path === '/index.html') {
      return send(res, req, join(root, 'index.html'));
    }
    if (path === '/monitor' || path === '/citizen') {
      res.writeHead(301, { location: `${path}/` });
      res.end();
      return true;
    }
    if (!(await exists(join(root, 'monitor', 'index.html')))) return notBuilt(res);
    const file = normalize(join(root, path.endsWith('/') ? `${path}index.html` : path));
    // A path that climbs out of the build folder is not ours to serve.
    if (!file.startsWith(root + sep)) return false;
    if (await send(res, req, file)) return true;
    // The apps route inside the page (`#/machines/m-1`), so an unknown page path gets its app.
    const app = path.startsWith('/citizen') ? 'citizen' : 'monitor';
    return extname(path) === '' ? send(res, req, join(root, app, 'index.html')) : false;
  };
}

function isAppPath(path: string): boolean {
  return appPrefixes.some((p) => path === p || path.startsWith(p.endsWith('/') ? p : `${p}/`));
}

async function exists(file: string): Promise<boolean> {
  return (await stat(file).catch(() => undefined))?.isFile() === true;
}

// Says how to build rather than a bare 404, so whoever opens the page knows what to do.
function notBuilt(res: ServerResponse): true {
  res.writeHead(503, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
  res.end(
    '<!doctype html><title>Web apps not built</title><p>The web apps are not built yet. Run ' +
      '<code>npm run build -w packages/web</code> (or start with <code>npm start</code>, which builds them).</p>',
  );
  return true;
}

async function send(res: ServerResponse, req: IncomingMessage, file: string): Promise<boolean> {
  const info = await stat(file).catch(() => undefined);
  if (info === undefined || !info.isFile()) return false;
  const type = contentTypes[extname(file)] ?? 'application/octet-stream';
  // Hashed asset names change with their content; pages and the service worker must be re-read.
  const cache = file.includes(`${sep}assets${sep}`) ? 'public, max-age=31536000, immutable' : 'no-cache';
  res.writeHead(200, { 'content-type': type, 'content-length': info.size, 'cache-control': cache });
  if (req.method === 'HEAD') {
    res.end();
    return true;
  }
  await new Promise<void>((done, fail) => {
    createReadStream(file).on('error', fail).on('end', done).pipe(res);
  });
  return true;
}
