import { CosmosClient } from '@azure/cosmos';
import type { TokenCredential } from '@azure/identity';

export type Credential = { key: string } | { aadCredentials: TokenCredential };

/**
 * One client per process. Endpoint discovery is off: it is pointless with one region, and the
 * embedded emulator advertises an HTTPS address it does not serve.
 *
 * The client's own 429 retries are kept short so the service can answer the caller with
 * `Retry-After` instead of holding the request for the library's default 30 s.
 */
export function createCosmosClient(
  endpoint: string,
  credential: Credential,
  requestTimeoutMs = 10_000,
): CosmosClient {
  return new CosmosClient({
    endpoint,
    ...credential,
    connectionPolicy: {
      enableEndpointDiscovery: false,
      requestTimeout: requestTimeoutMs,
      retryOptions: {
        maxRetryAttemptCount: 3,
        fixedRetryIntervalInMilliseconds: 0,
        maxWaitTimeInSeconds: 5,
      },
    },
  });
}
