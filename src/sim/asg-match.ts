import type { SecurityGroupRule } from './model.js';

function ipToInt(ip: string): number | null {
  const parts = ip.trim().split('.');
  if (parts.length !== 4) return null;
  let n = 0;
  for (const p of parts) {
    if (!/^\d{1,3}$/.test(p)) return null;
    const v = Number(p);
    if (v > 255) return null;
    n = n * 256 + v;
  }
  return n;
}

function destinationContains(destination: string, ip: number): boolean {
  return destination.split(',').some((raw) => {
    const d = raw.trim();
    if (d.includes('/')) {
      const [base, bits] = d.split('/');
      const b = ipToInt(base ?? '');
      const prefix = Number(bits);
      if (b === null || !Number.isInteger(prefix) || prefix < 0 || prefix > 32) return false;
      const size = 2 ** (32 - prefix);
      const start = Math.floor(b / size) * size;
      return ip >= start && ip < start + size;
    }
    if (d.includes('-')) {
      const [a, z] = d.split('-');
      const lo = ipToInt(a ?? '');
      const hi = ipToInt(z ?? '');
      return lo !== null && hi !== null && ip >= lo && ip <= hi;
    }
    return ipToInt(d) === ip;
  });
}

function portsContain(ports: string | undefined, port: number): boolean {
  if (ports === undefined) return false;
  const text = ports.trim();
  if (text.includes('-')) {
    const [a, b] = text.split('-').map((x) => Number(x.trim()));
    return a !== undefined && b !== undefined && port >= a && port <= b;
  }
  return text.split(',').some((p) => Number(p.trim()) === port);
}

/** Whether a rule lets TCP reach `host:port`: protocol tcp (ports must match) or all (any port). */
export function ruleAllowsTcp(rule: SecurityGroupRule, host: string, port: number): boolean {
  const ip = ipToInt(host);
  if (ip === null) return false;
  if (rule.protocol !== 'tcp' && rule.protocol !== 'all') return false;
  if (!destinationContains(rule.destination, ip)) return false;
  return rule.protocol === 'all' || portsContain(rule.ports, port);
}
