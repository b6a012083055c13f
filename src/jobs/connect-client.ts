import { createCfClient, type CfClient } from '../client/index.js';
import type { ConnectionOptions } from '../config/connection-options.js';
import type { Logger } from '../log.js';

/**
 * Logs a process in to the Cloud Controller with its own credentials. Job data never carries credentials: each
 * worker reads them from its flags or environment (design.md, "Secrets never leave the process").
 */
export async function connectClient(connection: ConnectionOptions, log: Logger): Promise<CfClient> {
  const client = await createCfClient({
    api: connection.api,
    auth: connection.auth,
    skipSslValidation: connection.skipSslValidation,
    log,
  });
  const identity = client.identity;
  log.info({ api: connection.api, identity: identity?.userName ?? identity?.clientId, kind: identity?.kind }, 'logged in');
  return client;
}
