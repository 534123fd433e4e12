import type { Child } from 'hono/jsx';
import { raw } from 'hono/html';
import type { AssetUrls } from './static.js';

/** What every page needs to know besides its own content. */
export interface PageContext {
  assets: AssetUrls;
  storeDescription: string;
  embedded: boolean;
}

/**
 * htmx swaps 2xx and also our own 4xx and 503 fragments (busy, invalid, unknown counter, store
 * away), which carry a message for the user; anything else is left unswapped.
 */
const htmxConfig = JSON.stringify({
  responseHandling: [
    { code: '204', swap: false },
    { code: '[23]..', swap: true },
    { code: '4..', swap: true },
    { code: '503', swap: true },
    { code: '...', swap: false, error: true },
  ],
});

export function Layout(props: { ctx: PageContext; title: string; children: Child }) {
  const { ctx } = props;
  return (
    <>
      {raw('<!doctype html>')}
      <html lang="en">
        <head>
          <meta charset="utf-8" />
          <meta name="viewport" content="width=device-width, initial-scale=1" />
          <meta name="htmx-config" content={htmxConfig} />
          <title>{props.title} · Distributed counter</title>
          <link rel="stylesheet" href={ctx.assets.css} />
          <script src={ctx.assets.htmx} defer></script>
          <script src={ctx.assets.js} defer></script>
        </head>
        <body>
          <header class="topbar">
            <a class="brand" href="/">
              Distributed counter <span>on Azure Cosmos DB</span>
            </a>
            <span class={ctx.embedded ? 'badge memory' : 'badge'} title={ctx.storeDescription}>
              {ctx.embedded ? 'Embedded emulator · in memory' : 'Azure Cosmos DB'}
            </span>
          </header>
          <main>{props.children}</main>
        </body>
      </html>
    </>
  );
}
