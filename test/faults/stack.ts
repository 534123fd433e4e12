import type { RunningServer } from '../../src/server.js';
import { killAll, startEmulatorProcess } from '../support/emulator-process.js';
import {
  startFaultProxy,
  type FaultProxy,
  type HookDecision,
  type RequestInfo,
} from '../support/fault-proxy.js';
import { startTestServer } from '../support/server.js';
import { StoreView } from './store-view.js';

/**
 * The usual fault-test setup: the emulator in a process of its own, a fault proxy in front of
 * it, a server in this process talking to the proxy, and a view of what the store holds.
 * `hook` decides, request by request, what the proxy does; undefined passes everything.
 */
export interface FaultStack {
  proxy: FaultProxy;
  server: RunningServer;
  store: StoreView;
  hook: ((info: RequestInfo) => HookDecision | undefined) | undefined;
  close(): Promise<void>;
}

export async function startFaultStack(
  env: Record<string, string> = {},
  proxyOptions: { retryAfterMs?: number } = {},
): Promise<FaultStack> {
  const emulator = await startEmulatorProcess();
  const store = new StoreView(emulator.endpoint);
  const route: Pick<FaultStack, 'hook'> = { hook: undefined };
  const proxy = await startFaultProxy({
    target: emulator.endpoint,
    ...proxyOptions,
    onRequest: (info) => route.hook?.(info),
  });
  const server = await startTestServer({
    COSMOS_ENDPOINT: proxy.url,
    COSMOS_KEY: 'fault-test-key',
    ...env,
  });

  return Object.assign(route, {
    proxy,
    server,
    store,
    close: async () => {
      await server.close();
      await proxy.close();
      store.dispose();
      await killAll();
    },
  });
}
