import { createCfClient, type CfClient, type RetryWait, type SendObservation } from '../client/index.js';
import type { ConnectionOptions } from '../config/connection-options.js';
import type { Logger } from '../log.js';
import { UsageError } from '../usage-error.js';

/**
 * Logs a process in to the Cloud Controller with its own credentials. Job data never carries credentials: each
 * worker reads them from its flags or environment (design.md, "Secrets never leave the process").
 *
 * The audit must see every space and binding: an ordinary user sees only its own spaces, and app bindings in
 * target spaces are invisible to readers of the source space (cc-api.md §3.1), so such a report would look
 * complete while it is not. Refuse it up front.
 */
export async function connectClient(
  connection: ConnectionOptions,
  log: Logger,
  options: {
    onRetryWait?: ((wait: RetryWait) => void) | undefined;
    /** Told after every HTTP send, for metrics (see `CfClientOptions.onSend`). */
    onSend?: ((send: SendObservation) => void) | undefined;
  } = {},
): Promise<CfClient> {
  const client = await createCfClient({
    api: connection.api,
    auth: connection.auth,
    skipSslValidation: connection.skipSslValidation,
    // Writes are paced by each campaign's --rate, shared through Redis by every worker; a per-process cap below it
    // would silently lower the rate an admin asked for.
    pacing: { writesPerSecond: 0, maxWritesInFlight: 16 },
    // How long the client itself sleeps on a 429 before it hands the wait to the job (which pauses the whole queue).
    ...(Number(process.env.CF_SHARES_MAX_WAIT_MS) > 0 && {
      retry: { maxWaitMs: Number(process.env.CF_SHARES_MAX_WAIT_MS) },
    }),
    log,
    ...(options.onRetryWait && { onRetryWait: options.onRetryWait }),
    ...(options.onSend && { onSend: options.onSend }),
  });
  const identity = client.identity;
  const who = identity?.userName ?? identity?.clientId ?? 'unknown';
  if (identity?.kind === 'user') {
    await client.close();
    throw new UsageError(
      `${'username' in connection.auth ? 'user' : 'client'} "${who}" has no foundation-wide read access (scopes: ${identity.scopes.join(' ') || 'none'}): ` +
        'use an identity with cloud_controller.admin, cloud_controller.admin_read_only or cloud_controller.global_auditor',
    );
  }
  log.info({ api: connection.api, identity: who, kind: identity?.kind }, 'logged in');
  return client;
}
