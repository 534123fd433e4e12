import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { Hono } from 'hono';
import { clientScript } from './assets/client.js';
import { styles } from './assets/styles.js';

/** Where pages load each asset from; the query is a content hash, so caches can keep forever. */
export interface AssetUrls {
  htmx: string;
  css: string;
  js: string;
}

interface Asset {
  path: string;
  type: string;
  body: string;
  etag: string;
}

/**
 * Serves htmx from the installed `htmx.org` package (never a CDN), the stylesheet and the copy
 * script, all held in memory and sent with long cache headers.
 */
export function staticAssets(): { routes: Hono; urls: AssetUrls } {
  const htmxFile = createRequire(import.meta.url).resolve('htmx.org/dist/htmx.min.js');
  const js = 'text/javascript; charset=utf-8';
  const assets = {
    htmx: asset('/static/htmx.min.js', js, readFileSync(htmxFile, 'utf8')),
    css: asset('/static/app.css', 'text/css; charset=utf-8', styles),
    js: asset('/static/app.js', js, clientScript),
  };

  const routes = new Hono();
  for (const item of Object.values(assets)) {
    routes.get(item.path, (c) => {
      c.header('Cache-Control', 'public, max-age=31536000, immutable');
      c.header('ETag', item.etag);
      if (c.req.header('If-None-Match') === item.etag) return c.body(null, 304);
      c.header('Content-Type', item.type);
      return c.body(item.body);
    });
  }

  const url = (item: Asset) => `${item.path}?v=${item.etag.slice(1, 11)}`;
  return { routes, urls: { htmx: url(assets.htmx), css: url(assets.css), js: url(assets.js) } };
}

function asset(path: string, type: string, body: string): Asset {
  const hash = createHash('sha256').update(body).digest('hex').slice(0, 16);
  return { path, type, body, etag: `"${hash}"` };
}
