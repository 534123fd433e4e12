/**
 * The child process that runs one benchmark target, so the load generator (the parent) and the
 * thing it measures do not share one event loop. It talks to the parent over the IPC channel.
 *
 * Store requests are counted at the client: every HTTP request the `@azure/cosmos` client sends
 * (it uses `node:http`) passes the `http.client.request.start` diagnostics channel. Nothing else
 * in this process sends HTTP requests through `node:http`.
 */
import { subscribe } from 'node:diagnostics_channel';
import { writeFile } from 'node:fs/promises';
import { Session } from 'node:inspector/promises';
import { createLogger } from '../src/logger.js';
import { isScenario } from './scenarios.js';
import { startTarget } from './targets.js';
import type { FromTarget, ToTarget } from './ipc.js';

const scenario = process.argv[2] ?? '';
if (!isScenario(scenario) || process.send === undefined) {
  console.error(`bench/target.ts: run by bench/main.ts with a scenario name, got "${scenario}"`);
  process.exit(2);
}

let storeRequests = 0;
let storeConnections = 0;
subscribe('http.client.request.start', () => {
  storeRequests += 1;
});
// New TCP connections opened by the client: with keep-alive, a handful per run.
subscribe('net.client.socket', () => {
  storeConnections += 1;
});

const send = (message: FromTarget) => process.send?.(message);
// If the parent goes away, so does the target.
process.on('disconnect', () => process.exit(0));
const target = await startTarget(scenario, createLogger('error'));
send({ type: 'ready', url: target.url });

process.on('message', (message: ToTarget) => {
  switch (message.type) {
    case 'counters':
      send({
        type: 'counters',
        id: message.id,
        storeRequests,
        storeConnections,
        retries: target.retries(),
      });
      break;
    case 'value':
      target.value().then(
        (value) => send({ type: 'value', id: message.id, value }),
        (error: unknown) => send({ type: 'value', id: message.id, error: String(error) }),
      );
      break;
    case 'profile':
      profile(message).then(
        () => send({ type: 'profile', id: message.id }),
        (error: unknown) => send({ type: 'profile', id: message.id, error: String(error) }),
      );
      break;
    case 'stop':
      void target.close().finally(() => process.exit(0));
      break;
  }
});

let session: Session | undefined;

/** Profiles this thread only while asked to, so start-up and module loading stay out of it. */
async function profile(message: ToTarget & { type: 'profile' }): Promise<void> {
  if (message.action === 'start') {
    session = new Session();
    session.connect();
    await session.post('Profiler.enable');
    await session.post('Profiler.start');
    return;
  }
  if (session === undefined) throw new Error('the profiler was not started');
  const { profile } = await session.post('Profiler.stop');
  session.disconnect();
  session = undefined;
  await writeFile(message.file, JSON.stringify(profile));
}
