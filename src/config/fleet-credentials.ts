import { readFileSync } from 'node:fs';
import type { FleetEntry } from './fleet-file.js';
import type { ConnectionOptions } from './connection-options.js';
import { UsageError } from '../usage-error.js';

type Env = Readonly<Record<string, string | undefined>>;

/**
 * Reads the credentials a fleet entry points at: environment variables by name, or files (mounted secrets). Messages
 * name the foundation, the key and the variable or path, never a value. Undefined when the entry names no
 * credential source (the generic CF_* variables or flags then apply).
 */
export function fleetAuth(entry: FleetEntry, env: Env): ConnectionOptions['auth'] | undefined {
  if (entry.client_id_env !== undefined) {
    const clientId = fromEnv(entry, 'client_id_env', env);
    const clientSecret =
      entry.client_secret_file !== undefined
        ? fromFile(entry, 'client_secret_file')
        : fromEnv(entry, 'client_secret_env', env);
    return Object.freeze({ clientId, clientSecret });
  }
  if (entry.username_env !== undefined) {
    const username = fromEnv(entry, 'username_env', env);
    const password =
      entry.password_file !== undefined ? fromFile(entry, 'password_file') : fromEnv(entry, 'password_env', env);
    return Object.freeze({ username, password });
  }
  return undefined;
}

function fromEnv(entry: FleetEntry, key: keyof FleetEntry & `${string}_env`, env: Env): string {
  const name = entry[key]!;
  const value = env[name];
  if (value === undefined || value === '')
    throw new UsageError(`foundation ${entry.name}: ${key} names ${name}, which is not set in the environment`);
  return value;
}

function fromFile(entry: FleetEntry, key: 'client_secret_file' | 'password_file'): string {
  const path = entry[key]!;
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new UsageError(
      `foundation ${entry.name}: cannot read ${key} ${path}: ${(error as NodeJS.ErrnoException).code ?? 'unreadable'}`,
    );
  }
  // Secret files usually end in a newline (echo, kubectl); the secret itself never does.
  const value = text.replace(/\r?\n$/, '');
  if (value === '') throw new UsageError(`foundation ${entry.name}: ${key} ${path} is empty`);
  return value;
}
