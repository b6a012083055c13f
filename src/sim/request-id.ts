import { randomUUID } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';

const present = (value: string | string[] | undefined): string | undefined => {
  const text = Array.isArray(value) ? value.join(', ') : value;
  return text !== undefined && text.trim() !== '' ? text : undefined;
};

/**
 * The request id CC answers in `X-Vcap-Request-Id` (`CC:middleware/vcap_request_context_setter.rb`): the caller's
 * `X-Vcap-Request-Id` (else `X-Request-Id`) stripped to word characters and dashes, cut to 255, then `::<uuid>`;
 * a fresh uuid when the caller sent none.
 */
export function requestIdFor(headers: IncomingHttpHeaders): string {
  const sent = present(headers['x-vcap-request-id']) ?? present(headers['x-request-id']);
  if (sent === undefined) return randomUUID();
  return `${sent.replace(/[^\w-]/g, '').slice(0, 255)}::${randomUUID()}`;
}
