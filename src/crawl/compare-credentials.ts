import type pLimit from 'p-limit';
import { CfApiError, type CfClient } from '../client/index.js';
import { createCredentialFingerprinter } from '../audit/credential-fingerprint.js';
import { groupSameCredentials } from '../audit/credential-uniqueness.js';
import type { CredentialComparison, NotComparedReason } from '../audit/snapshot.js';
import { silentLogger, type Logger } from '../log.js';

/** A binding or key to compare, and whether CC holds credentials for it yet. */
export interface CredentialSubject {
  readonly guid: string;
  /** False while its creation has not succeeded: CC has no credentials to give, so none is asked for. */
  readonly ready: boolean;
}

export interface CompareCredentialsOptions {
  /** The crawl's shared concurrency limit. */
  readonly limit: ReturnType<typeof pLimit>;
  /**
   * Sees each binding's credentials once, right after they are read, for what else the crawl learns from them (the
   * service's endpoint). Must keep nothing secret.
   */
  readonly onCredentials?: (guid: string, credentials: Readonly<Record<string, unknown>>) => void;
  readonly log?: Logger;
}

/**
 * Reads the credentials of every given binding and key (`GET /v3/service_credential_bindings/:guid/details`) and
 * tells which hold the same ones (issue 13). Each answer is reduced at once to a keyed fingerprint (see
 * {@link createCredentialFingerprinter}); the key, the fingerprints and the credentials live only in this call and
 * are gone when it returns, which answers binding guids and counts alone. A binding whose details cannot be read is
 * counted as not compared, never guessed.
 */
export async function compareCredentials(
  client: CfClient,
  subjects: readonly CredentialSubject[],
  options: CompareCredentialsOptions,
): Promise<CredentialComparison> {
  const log = options.log ?? silentLogger;
  const fingerprint = createCredentialFingerprinter();
  const fingerprints = new Map<string, string>();
  const notCompared: Partial<Record<NotComparedReason, number>> = {};
  const skip = (reason: NotComparedReason): void => void (notCompared[reason] = (notCompared[reason] ?? 0) + 1);
  const requestsBefore = client.requestCount;

  await Promise.all(
    subjects.map((subject) => {
      if (!subject.ready) return skip('not_ready');
      return options.limit(async () => {
        let credentials: unknown;
        try {
          credentials = (await client.serviceCredentialBindings.details(subject.guid)).credentials;
        } catch (error) {
          if (!(error instanceof CfApiError)) throw error;
          const reason = reasonOf(error.status);
          // Status and code only: a CC error about a binding carries no credential, but nothing more is needed.
          log.debug(
            { bindingGuid: subject.guid, status: error.status, code: error.code, reason },
            'credentials not compared',
          );
          return skip(reason);
        }
        if (typeof credentials !== 'object' || credentials === null || Object.keys(credentials).length === 0)
          return skip('empty');
        const record = credentials as Record<string, unknown>;
        fingerprints.set(subject.guid, fingerprint(record));
        options.onCredentials?.(subject.guid, record);
      });
    }),
  );

  const sameCredentials = groupSameCredentials(fingerprints);
  const compared = fingerprints.size;
  fingerprints.clear();
  log.info({ compared, notCompared, sameCredentialGroups: sameCredentials.length }, 'compared binding credentials');
  return { compared, notCompared, detailsRequests: client.requestCount - requestsBefore, sameCredentials };
}

/** Why CC would not give the credentials, from its answer's status (cc-api.md §9). */
function reasonOf(status: number): NotComparedReason {
  if (status === 404) return 'not_found';
  if (status === 403) return 'forbidden';
  // CF-AsyncServiceBindingOperationInProgress (409): the binding is being created or deleted (cc-api.md §9).
  if (status === 409) return 'not_ready';
  if (status === 502) return 'broker_error';
  if (status === 503) return 'unavailable';
  return 'other';
}
