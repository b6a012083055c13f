import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One POST the receiver saw, and how it answered (null: held open, or the connection closed before an answer). */
export interface ReceivedPost {
  readonly path: string;
  readonly notificationId: string | undefined;
  readonly body: Record<string, unknown>;
  status: number | null;
}

/** What the receiver answers to the next POSTs, in order; `hold` never answers. Afterwards it answers 200. */
export type Answer = number | 'hold';

/** A local webhook receiver: records every POST, answers as scripted. */
export interface WebhookReceiver {
  readonly url: (path?: string) => string;
  readonly posts: ReceivedPost[];
  /** POSTs answered 2xx: deliveries the receiver accepted. */
  accepted(): ReceivedPost[];
  /** POSTs still waiting for an answer. */
  held(): number;
  script(answers: Answer[]): void;
  close(): Promise<void>;
}

export async function startWebhookReceiver(): Promise<WebhookReceiver> {
  const posts: ReceivedPost[] = [];
  let answers: Answer[] = [];
  const open = new Set<ServerResponse>();
  const server = createServer((request: IncomingMessage, response: ServerResponse) => {
    let text = '';
    request.on('data', (chunk: Buffer) => (text += chunk.toString()));
    request.on('end', () => {
      const header = request.headers['x-cf-shares-notification-id'];
      const post: ReceivedPost = {
        path: request.url ?? '',
        notificationId: Array.isArray(header) ? header[0] : header,
        body: text ? (JSON.parse(text) as Record<string, unknown>) : {},
        status: null,
      };
      posts.push(post);
      const answer = answers.shift() ?? 200;
      if (answer === 'hold') {
        open.add(response);
        response.on('close', () => open.delete(response));
        return;
      }
      post.status = answer;
      response.writeHead(answer, { 'content-type': 'text/plain' }).end(answer < 300 ? 'ok' : 'no');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: (path = '/hook') => `http://127.0.0.1:${port}${path}`,
    posts,
    accepted: () => posts.filter((post) => post.status !== null && post.status >= 200 && post.status < 300),
    held: () => open.size,
    script: (next) => void (answers = [...next]),
    close: async () => {
      for (const response of open) response.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
