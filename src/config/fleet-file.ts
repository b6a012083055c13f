import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { normaliseApi } from './api-url.js';
import { UsageError } from '../usage-error.js';

/**
 * One foundation of a fleet file: its short name, its API, and WHERE each credential comes from (the names of
 * environment variables, or files such as mounted secrets), never a credential itself. Keys are the file's own
 * (snake_case), so a person reads the same names in the file, in errors and here.
 */
export interface FleetEntry {
  readonly name: string;
  /** Normalised like every job's API (config/api-url.ts). */
  readonly api: string;
  readonly client_id_env?: string;
  readonly client_secret_env?: string;
  readonly client_secret_file?: string;
  readonly username_env?: string;
  readonly password_env?: string;
  readonly password_file?: string;
  /** @defaultValue false */
  readonly skip_ssl_validation?: boolean;
  /** The foundation's region (e.g. `cf-eu10`), for broker-level shares whose proxies name one. */
  readonly landscape?: string;
}

/** A loaded fleet file: its path (for messages) and its foundations in file order. */
export interface Fleet {
  readonly path: string;
  readonly foundations: readonly FleetEntry[];
}

/** Keys that name where a credential comes from; each holds a variable name or a path, never the secret. */
const SOURCE_KEYS = [
  'client_id_env',
  'client_secret_env',
  'client_secret_file',
  'username_env',
  'password_env',
  'password_file',
] as const;
/** A region technical key: letters, digits and dashes (cf-eu10, cf-us20, ...). */
export const LANDSCAPE = /^[A-Za-z0-9][A-Za-z0-9-]{0,62}$/;

const ALLOWED_KEYS = new Set<string>(['name', 'api', 'skip_ssl_validation', 'landscape', ...SOURCE_KEYS]);
/**
 * Keys that would hold a credential inline. Named apart from unknown keys so the refusal says why: a fleet file is
 * checked in and copied around, so a secret in it would leak wherever it goes.
 */
const INLINE_SECRET = /^(client_secret|secret|password|passwd|token|access_token|refresh_token|client_id|username)$/i;

/** Names become folder names (`report --foundation all --out DIR` writes DIR/<name>/) and CLI words. */
const NAME = /^[a-z0-9][a-z0-9_.-]{0,62}$/i;
const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * The `yaml` package, loaded only when a YAML fleet file is read: every command resolves its connection through
 * this module, and most never see a fleet file, so they should not pay for the parser at start-up.
 */
function parseYaml(text: string): unknown {
  const yaml = createRequire(import.meta.url)('yaml') as typeof import('yaml');
  // Errors only: a warning (an unknown tag) is printed by the parser itself, quoting its line, which may hold a secret.
  return yaml.parse(text, { logLevel: 'error' });
}

/** Where a YAML error is, never its text: the parser quotes the source (an alias's name, a line), which may be a secret. */
function yamlFault(error: unknown): string {
  const at = (error as { linePos?: Array<{ line: number; col: number }> }).linePos?.[0];
  const code = (error as { code?: unknown }).code;
  const where = at === undefined ? '' : ` at line ${at.line}, column ${at.col}`;
  return `${typeof code === 'string' ? code : 'an error'}${where} (its text is not shown, it may hold a secret)`;
}

/**
 * Parses and checks a fleet file's text (YAML, or JSON, which is YAML too but parsed strictly when the name ends in
 * .json). Fails with one {@link UsageError} line naming the file, the foundation and the key.
 */
export function parseFleetFile(text: string, path: string): Fleet {
  let document: unknown;
  const json = path.toLowerCase().endsWith('.json');
  try {
    document = json ? JSON.parse(text) : parseYaml(text);
  } catch (error) {
    // Node's JSON errors quote the text around the fault (and no longer its position), which may be the very secret
    // the file must not hold: say nothing of it. Of YAML's, only the kind and the position.
    const why = json ? 'its text is not shown, it may hold a secret' : yamlFault(error);
    throw new UsageError(`fleet file ${path} is not valid ${json ? 'JSON' : 'YAML'}: ${why}`);
  }
  if (!isObject(document) || !Array.isArray(document.foundations))
    throw new UsageError(`fleet file ${path} must hold "foundations:", a list of {name, api, ...}`);
  const extra = Object.keys(document).filter((key) => key !== 'foundations');
  if (extra.length > 0) throw new UsageError(`fleet file ${path}: unknown key '${extra[0]}' (only "foundations")`);
  if (document.foundations.length === 0) throw new UsageError(`fleet file ${path} lists no foundations`);
  const seen = new Set<string>();
  const foundations = document.foundations.map((raw: unknown, index: number) => {
    const entry = parseEntry(raw, `fleet file ${path}, foundation ${index + 1}`);
    if (seen.has(entry.name.toLowerCase()))
      throw new UsageError(`fleet file ${path}: foundation name '${entry.name}' is used twice`);
    seen.add(entry.name.toLowerCase());
    return entry;
  });
  return Object.freeze({ path, foundations: Object.freeze(foundations) });
}

function parseEntry(raw: unknown, where: string): FleetEntry {
  if (!isObject(raw)) throw new UsageError(`${where} must be a mapping of name, api and credential sources`);
  const name = raw.name;
  if (typeof name !== 'string' || !NAME.test(name))
    throw new UsageError(`${where}: name must be 1-63 letters, digits, '_', '.' or '-' (a folder name)`);
  const at = `${where} (${name})`;
  for (const key of Object.keys(raw)) {
    if (INLINE_SECRET.test(key))
      throw new UsageError(
        `${at}: '${key}' would put a credential in the file: name where it comes from instead (${SOURCE_KEYS.filter((source) => source.startsWith(`${key.toLowerCase()}_`)).join(' or ') || 'the *_env and *_file keys'})`,
      );
    if (!ALLOWED_KEYS.has(key))
      throw new UsageError(`${at}: unknown key '${key}' (allowed: ${[...ALLOWED_KEYS].join(', ')})`);
  }
  if (typeof raw.api !== 'string') throw new UsageError(`${at}: api must be the Cloud Controller URL`);
  const api = parseApi(raw.api, at);
  for (const key of SOURCE_KEYS) {
    const value = raw[key];
    if (value === undefined) continue;
    if (typeof value !== 'string' || value.trim() === '')
      throw new UsageError(`${at}: ${key} must be a non-empty string`);
    if (key.endsWith('_env') && !ENV_NAME.test(value))
      // Not echoed: a value that is no variable's name may be the secret itself, put where its name belongs.
      throw new UsageError(
        `${at}: ${key} must name an environment variable (letters, digits and '_'); its value is not shown, it may be the secret itself`,
      );
  }
  if (raw.skip_ssl_validation !== undefined && typeof raw.skip_ssl_validation !== 'boolean')
    throw new UsageError(`${at}: skip_ssl_validation must be true or false`);
  if (raw.landscape !== undefined && (typeof raw.landscape !== 'string' || !LANDSCAPE.test(raw.landscape)))
    throw new UsageError(`${at}: landscape must be a region key like cf-eu10`);
  const client =
    raw.client_id_env !== undefined || raw.client_secret_env !== undefined || raw.client_secret_file !== undefined;
  const user = raw.username_env !== undefined || raw.password_env !== undefined || raw.password_file !== undefined;
  if (client && user)
    throw new UsageError(`${at}: give either a client (client_id_env) or a user (username_env), not both`);
  if (raw.client_secret_env !== undefined && raw.client_secret_file !== undefined)
    throw new UsageError(`${at}: give client_secret_env or client_secret_file, not both`);
  if (raw.password_env !== undefined && raw.password_file !== undefined)
    throw new UsageError(`${at}: give password_env or password_file, not both`);
  if (client && raw.client_id_env === undefined) throw new UsageError(`${at}: client_id_env is missing`);
  if (client && raw.client_secret_env === undefined && raw.client_secret_file === undefined)
    throw new UsageError(`${at}: client_secret_env or client_secret_file is missing`);
  if (user && raw.username_env === undefined) throw new UsageError(`${at}: username_env is missing`);
  if (user && raw.password_env === undefined && raw.password_file === undefined)
    throw new UsageError(`${at}: password_env or password_file is missing`);
  const entry: Record<string, unknown> = { name, api };
  for (const key of [...SOURCE_KEYS, 'skip_ssl_validation', 'landscape'] as const)
    if (raw[key] !== undefined) entry[key] = raw[key];
  return Object.freeze(entry) as unknown as FleetEntry;
}

function parseApi(value: string, at: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new UsageError(`${at}: api is not a URL: '${value.replace(/\/\/[^/@\s]*@/, '//***@')}'`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw new UsageError(`${at}: api must start with http:// or https:// (got '${url.protocol}')`);
  if (url.username || url.password) throw new UsageError(`${at}: api must not carry credentials in the URL`);
  return normaliseApi(url.href);
}

/** Reads and checks a fleet file now (synchronously: connection options are resolved in one synchronous step). */
export function loadFleetFile(path: string): Fleet {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new UsageError(
      `cannot read fleet file ${path}: ${(error as NodeJS.ErrnoException).code ?? firstLine(error)}`,
    );
  }
  return parseFleetFile(text, path);
}

/** The foundation named `name`, or a UsageError listing the names the file has. */
export function fleetEntry(fleet: Fleet, name: string): FleetEntry {
  const entry = fleet.foundations.find((f) => f.name.toLowerCase() === name.toLowerCase());
  if (!entry)
    throw new UsageError(
      `no foundation '${name}' in ${fleet.path} (it has: ${fleet.foundations.map((f) => f.name).join(', ')})`,
    );
  return entry;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function firstLine(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).split('\n')[0] ?? '';
}
