import { escapeHtml } from '../../terminal/safe-text.js';

export { escapeHtml };

/**
 * A tagged template that escapes every interpolated value, except values built by `html` itself (`SafeHtml`), so a
 * page is assembled from escaped pieces and forgetting `escapeHtml` is not possible.
 */
export class SafeHtml {
  constructor(readonly text: string) {}
  toString(): string {
    return this.text;
  }
}

export function html(strings: TemplateStringsArray, ...values: unknown[]): SafeHtml {
  let out = strings[0]!;
  values.forEach((value, i) => {
    out += piece(value) + strings[i + 1]!;
  });
  return new SafeHtml(out);
}

function piece(value: unknown): string {
  if (value instanceof SafeHtml) return value.text;
  if (Array.isArray(value)) return value.map(piece).join('');
  return escapeHtml(value);
}

/** A whole page: one inline stylesheet, no script, nothing loaded from elsewhere. */
export function page(title: string, body: SafeHtml): string {
  return html`<!doctype html>
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <title>${title} · cf-shares</title>
        <style>
          body {
            font:
              14px/1.4 system-ui,
              sans-serif;
            margin: 1.5rem;
            color: #222;
          }
          nav a {
            margin-right: 1rem;
          }
          table {
            border-collapse: collapse;
            margin: 1rem 0;
          }
          th,
          td {
            border: 1px solid #ccc;
            padding: 0.25rem 0.5rem;
            text-align: left;
            vertical-align: top;
          }
          th {
            background: #f4f4f4;
          }
          .num {
            text-align: right;
          }
          .muted {
            color: #777;
          }
        </style>
      </head>
      <body>
        <nav>
          <a href="/">cf-shares</a><a href="/queues">queues</a><a href="/reports">reports</a
          ><a href="/campaigns">campaigns</a><a href="/metrics">metrics</a>
        </nav>
        <h1>${title}</h1>
        ${body}
      </body>
    </html> `.text;
}
