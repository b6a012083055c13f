import type { CfErrorItem } from './errors.js';

/** Response headers as Node gives them. */
export type Headers = Record<string, string | string[] | undefined>;

/** The first value of a header. */
export function header(headers: Headers, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/** Maps the v3 envelope, or the v2 one `{description,error_code,code}` (cc-api.md §9), to error items. */
export function errorItems(body: unknown): CfErrorItem[] | undefined {
  if (typeof body !== 'object' || body === null) return undefined;
  const record = body as Record<string, unknown>;
  if (Array.isArray(record.errors)) {
    return record.errors
      .filter((e): e is Record<string, unknown> => typeof e === 'object' && e !== null)
      .map((e) => ({
        detail: typeof e.detail === 'string' ? e.detail : undefined,
        title: typeof e.title === 'string' ? e.title : undefined,
        code: typeof e.code === 'number' ? e.code : undefined,
      }));
  }
  if (typeof record.error_code === 'string') {
    return [
      {
        detail: typeof record.description === 'string' ? record.description : undefined,
        title: record.error_code,
        code: typeof record.code === 'number' ? record.code : undefined,
      },
    ];
  }
  return undefined;
}

/** The CC error code of an error body, if it has one. */
export function ccCodeOf(body: unknown): number | undefined {
  return errorItems(body)?.[0]?.code;
}

const KEPT_HEADERS = [
  'content-type',
  'retry-after',
  'x-ratelimit-limit',
  'x-ratelimit-remaining',
  'x-ratelimit-reset',
  'x-vcap-request-id',
  'location',
];

/** The headers an error keeps: enough to explain a rate limit or find the request in CC's logs, never a cookie. */
export function pickHeaders(headers: Headers): Headers {
  const kept: Headers = {};
  for (const name of KEPT_HEADERS) if (headers[name] !== undefined) kept[name] = headers[name];
  return kept;
}

/** A got message without a code is one line about the connection; cap it so a log line stays a line. */
export function shortMessage(message: string): string {
  const line = message.split('\n')[0] ?? message;
  return line.length > 120 ? `${line.slice(0, 120)}…` : line;
}

const STATUS_TEXTS: Readonly<Record<number, string>> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  409: 'Conflict',
  422: 'Unprocessable Entity',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
  504: 'Gateway Timeout',
};

/** The reason phrase of a status CC answers. */
export function statusText(status: number): string {
  return STATUS_TEXTS[status] ?? 'HTTP error';
}
