import { pino, destination as pinoDestination, type Logger, type DestinationStream, type Level } from 'pino';

export type { Logger };

/**
 * Paths pino blanks out wherever they appear in a logged object. Secrets should never reach a log call in the
 * first place; this is the second line of defence.
 */
export const REDACT_PATHS = [
  'password',
  'clientSecret',
  'client_secret',
  'token',
  'accessToken',
  'access_token',
  'refreshToken',
  'refresh_token',
  'authorization',
  'credentials',
  '*.password',
  '*.clientSecret',
  '*.client_secret',
  '*.token',
  '*.accessToken',
  '*.access_token',
  '*.refreshToken',
  '*.refresh_token',
  '*.authorization',
  '*.credentials',
  'headers.authorization',
  '*.headers.authorization',
];

export interface LoggerOptions {
  /** @defaultValue 'info' */
  level?: Level | 'silent';
  /** Where NDJSON lines go. @defaultValue stderr (fd 2), so stdout stays for command output. */
  destination?: DestinationStream;
}

/** The one root logger of a process; everything else takes a child of it. */
export function createLogger(options: LoggerOptions = {}): Logger {
  const destination = options.destination ?? pinoDestination({ fd: 2, sync: true });
  return pino(
    {
      level: options.level ?? 'info',
      base: undefined,
      redact: { paths: REDACT_PATHS, censor: '[Redacted]' },
    },
    destination,
  );
}

/** A logger that writes nothing: the default for library code when the caller passes none. */
export const silentLogger: Logger = pino({ level: 'silent' });
