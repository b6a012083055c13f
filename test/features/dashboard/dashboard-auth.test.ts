import { describe, expect, it } from 'vitest';
import { checkRequest, dashboardAuth, isLoopback } from '../../../src/features/dashboard/dashboard-auth.js';
import { escapeHtml, html } from '../../../src/features/dashboard/html.js';
import { UsageError } from '../../../src/usage-error.js';

describe('isLoopback', () => {
  it.each([
    ['127.0.0.1', true],
    ['127.1.2.3', true],
    ['localhost', true],
    ['::1', true],
    ['[::1]', true],
    ['0.0.0.0', false],
    ['::', false],
    ['10.0.0.5', false],
    ['dashboard.example.com', false],
  ])('%s → %s', (host, loopback) => {
    expect(isLoopback(host)).toBe(loopback);
  });
});

describe('dashboardAuth', () => {
  it('lets loopback run without auth, refuses anything else without a token or credentials', () => {
    expect(dashboardAuth('127.0.0.1', {})).toEqual({});
    expect(() => dashboardAuth('0.0.0.0', {})).toThrow(UsageError);
    expect(dashboardAuth('0.0.0.0', { CF_SHARES_DASHBOARD_TOKEN: 't' })).toEqual({ token: 't' });
    expect(dashboardAuth('0.0.0.0', { CF_SHARES_DASHBOARD_USER: 'u', CF_SHARES_DASHBOARD_PASSWORD: 'p' })).toEqual({
      basic: { user: 'u', password: 'p' },
    });
    expect(() => dashboardAuth('0.0.0.0', { CF_SHARES_DASHBOARD_USER: 'u' })).toThrow(/both/);
  });
});

describe('checkRequest', () => {
  const token = { token: 's3cret' };
  const basic = { basic: { user: 'ops', password: 'p:w' } };
  const b64 = (text: string) => Buffer.from(text).toString('base64');
  it.each([
    ['no auth configured', {}, {}, { allowed: true, setCookie: false }],
    ['token, nothing sent', token, {}, { allowed: false }],
    ['token, Bearer', token, { authorization: 'Bearer s3cret' }, { allowed: true, setCookie: false }],
    ['token, wrong Bearer', token, { authorization: 'Bearer s3cre' }, { allowed: false }],
    ['token, cookie', token, { cookie: 'a=b; cf_shares_dashboard=s3cret' }, { allowed: true, setCookie: false }],
    ['token, ?token=', token, { queryToken: 's3cret' }, { allowed: true, setCookie: true }],
    ['token, basic sent', token, { authorization: `Basic ${b64('ops:s3cret')}` }, { allowed: false }],
    ['basic, right', basic, { authorization: `Basic ${b64('ops:p:w')}` }, { allowed: true, setCookie: false }],
    ['basic, wrong user', basic, { authorization: `Basic ${b64('op:p:w')}` }, { allowed: false }],
    ['basic, ?token= sent', basic, { queryToken: 'p:w' }, { allowed: false }],
  ])('%s', (_name, auth, credentials, verdict) => {
    expect(checkRequest(auth, credentials)).toEqual(verdict);
  });
});

describe('html', () => {
  it('escapes every interpolated value, nested templates once', () => {
    const name = `<script>alert('x')</script>" onload="x\``;
    expect(escapeHtml(name)).toBe('&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;&quot; onload=&quot;x&#96;');
    const inner = html`<b>${name}</b>`;
    expect(html`<p title="${name}">${inner}${[name, 1]}</p>`.text).toBe(
      `<p title="${escapeHtml(name)}"><b>${escapeHtml(name)}</b>${escapeHtml(name)}1</p>`,
    );
  });
});
