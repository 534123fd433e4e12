import { DefaultAzureCredential } from '@azure/identity';
import type { Container, CosmosClient } from '@azure/cosmos';
import type { StoreConfig } from '../config.js';
import type { Logger } from '../logger.js';
import { createCosmosClient, type Credential } from './client.js';
import { startEmbeddedEmulator } from './embedded.js';
import { checkConditionalPatch } from './self-check.js';

/** The container the counters live in, and how to let go of it. */
export interface Store {
  container: Container;
  /** Idempotency records: `container` itself, except on the embedded emulator. */
  keys: Container;
  kind: StoreConfig['kind'];
  /** For logs and the dashboard: where the data is and whether it survives a restart. */
  description: string;
  close(): Promise<void>;
}

export const PARTITION_KEY_PATH = '/pk';

export class StoreSetupError extends Error {}

/**
 * Opens the configured store: the embedded emulator when no endpoint is set, otherwise the
 * account at `COSMOS_ENDPOINT` with a key or, without one, keyless with an Entra ID identity.
 */
export async function openStore(config: StoreConfig, log: Logger): Promise<Store> {
  const opened = await connect(config);
  try {
    const container =
      config.kind === 'keyless'
        ? await requireExisting(opened.client, config)
        : await createIfMissing(opened.client, config, config.container);
    const keys =
      config.kind === 'embedded'
        ? await createIfMissing(opened.client, config, EMBEDDED_KEYS_CONTAINER)
        : container;
    await checkConditionalPatch(container);
    log.info(
      { store: config.kind, database: config.database, container: config.container },
      opened.description,
    );
    return {
      container,
      keys,
      kind: config.kind,
      description: opened.description,
      close: opened.close,
    };
  } catch (error) {
    await opened.close();
    throw error;
  }
}

interface Connection {
  client: CosmosClient;
  description: string;
  close(): Promise<void>;
}

async function connect(config: StoreConfig): Promise<Connection> {
  if (config.kind === 'embedded') {
    const emulator = await startEmbeddedEmulator(config.port);
    const client = createCosmosClient(
      emulator.endpoint,
      { key: emulator.key },
      config.requestTimeoutMs,
    );
    return {
      client,
      description: `embedded Cosmos emulator at ${emulator.endpoint}: data lives in memory and is lost when the server stops`,
      close: async () => {
        client.dispose();
        await emulator.close();
      },
    };
  }

  const credential: Credential =
    config.kind === 'key' ? { key: config.key } : { aadCredentials: new DefaultAzureCredential() };
  const client = createCosmosClient(config.endpoint, credential, config.requestTimeoutMs);
  const how = config.kind === 'key' ? 'with a key' : 'keyless (Entra ID)';
  return {
    client,
    description: `Cosmos DB account ${config.endpoint} ${how}`,
    close: async () => client.dispose(),
  };
}

/** The embedded emulator's container for idempotency records (see counter/documents.ts). */
export const EMBEDDED_KEYS_CONTAINER = 'IdempotencyKeys';

/** With a key (or on the emulator) the app may create what it needs. */
async function createIfMissing(
  client: CosmosClient,
  config: StoreConfig,
  id: string,
): Promise<Container> {
  const { database } = await client.databases.createIfNotExists({ id: config.database });
  const { container } = await database.containers.createIfNotExists({
    id,
    partitionKey: { paths: [PARTITION_KEY_PATH] },
    // Per-item TTL on (no default expiry): idempotency records carry their own `ttl`.
    defaultTtl: -1,
  });
  return container;
}

/**
 * A keyless identity may not create databases or containers (403, substatus 5300): on Azure
 * they come from Bicep, so here we only check that they are there.
 */
async function requireExisting(client: CosmosClient, config: StoreConfig): Promise<Container> {
  const container = client.database(config.database).container(config.container);
  const { resource, statusCode } = await container.read();
  if (resource === undefined || statusCode === 404) {
    throw new StoreSetupError(
      `container ${config.database}/${config.container} does not exist on ${endpointOf(config)}. ` +
        `A keyless identity cannot create it: run \`azd provision\` (infra/ creates it), or create it ` +
        `with partition key ${PARTITION_KEY_PATH}, or set COSMOS_KEY to let the app create it.`,
    );
  }
  const paths = resource.partitionKey?.paths ?? [];
  if (paths.length !== 1 || paths[0] !== PARTITION_KEY_PATH) {
    throw new StoreSetupError(
      `container ${config.container} has partition key ${paths.join(',') || 'none'}; it must be ${PARTITION_KEY_PATH}`,
    );
  }
  return container;
}

function endpointOf(config: StoreConfig): string {
  return config.kind === 'embedded' ? 'the embedded emulator' : config.endpoint;
}
