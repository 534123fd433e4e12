import { ConfigError, loadConfig } from './config.js';
import { createLogger } from './logger.js';
import { startServer } from './server.js';

/** Process entry: read config, start, and shut down cleanly on SIGTERM or Ctrl-C. */

const SHUTDOWN_GRACE_MS = 10_000;

async function main(): Promise<void> {
  const config = loadConfig();
  const log = createLogger(config.logLevel, process.stdout.isTTY);
  const server = await startServer(config, log);
  log.info({ url: server.url }, `dashboard and API at ${server.url}`);

  let stopping = false;
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'shutting down: finishing requests in flight');
    setTimeout(() => {
      log.error('requests still running after the grace period; exiting anyway');
      process.exit(1);
    }, SHUTDOWN_GRACE_MS).unref();
    server.close().then(
      () => process.exit(0),
      (error: unknown) => {
        log.error({ err: error }, 'error while shutting down');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

main().catch((error: unknown) => {
  process.stderr.write(`distributed-counter failed to start: ${describeStartFailure(error)}\n`);
  process.exit(1);
});

function describeStartFailure(error: unknown): string | undefined {
  if (error instanceof ConfigError) return error.message;
  if ((error as { code?: unknown } | null)?.code === 'EADDRINUSE') {
    const message = (error as Error).message;
    return `${message}: another process uses that port; set PORT, e.g. PORT=3400 npm start`;
  }
  return error instanceof Error ? error.stack : String(error);
}
