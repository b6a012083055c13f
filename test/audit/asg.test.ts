import { describe, expect, it } from 'vitest';
import { parseDestinationEntry, parseIpv6, parseIpv4 } from '../../src/audit/ip-range.js';
import { parsePorts, parseRule, type AsgRule } from '../../src/audit/asg-rules.js';
import {
  allowsTcp,
  effectiveRunningRules,
  intersectReach,
  privateTcpReach,
  uncoveredTcp,
  type AsgGroup,
} from '../../src/audit/asg-coverage.js';
import type { ParsedRule } from '../../src/audit/asg-rules.js';

const rules = (...list: AsgRule[]) => list.map((rule) => parseRule(rule)!);

describe('addresses and destinations', () => {
  it.each([
    ['10.0.0.1', 0x0a000001n],
    ['0.0.0.0', 0n],
    ['255.255.255.255', 0xffffffffn],
  ])('parses IPv4 %s', (text, value) => expect(parseIpv4(text)).toBe(value));

  it.each(['010.0.0.1', '256.0.0.1', '1.2.3', '1.2.3.4.5', 'a.b.c.d', ''])('rejects IPv4 %j as CC does', (text) => {
    expect(parseIpv4(text)).toBeUndefined();
  });

  it.each([
    ['::', 0n],
    ['::1', 1n],
    ['fd00::1', (0xfd00n << 112n) | 1n],
    ['2001:db8:0:0:0:0:0:1', (0x2001n << 112n) | (0xdb8n << 96n) | 1n],
    ['::ffff:10.0.0.1', (0xffffn << 32n) | 0x0a000001n],
  ])('parses IPv6 %s', (text, value) => expect(parseIpv6(text)).toBe(value));

  it.each(['1::2::3', 'gggg::1', '1:2:3:4:5:6:7:8:9', '12345::'])('rejects IPv6 %j', (text) =>
    expect(parseIpv6(text)).toBeUndefined(),
  );

  it.each([
    ['10.0.0.0/24', 0x0a000000n, 0x0a0000ffn],
    ['10.0.0.77/24', 0x0a000000n, 0x0a0000ffn],
    ['10.0.0.5-10.0.0.9', 0x0a000005n, 0x0a000009n],
    ['192.168.1.1', 0xc0a80101n, 0xc0a80101n],
    ['0.0.0.0/0', 0n, 0xffffffffn],
  ])('parses destination %s', (text, start, end) => {
    expect(parseDestinationEntry(text)).toEqual({ family: 4, start, end });
  });

  it.each(['10.0.0.9-10.0.0.5', '10.0.0.0/33', '10.0.0.1/24-10.0.0.9', '10.0.0.1-::1', 'x/8'])(
    'rejects destination %j',
    (text) => {
      expect(parseDestinationEntry(text)).toBeUndefined();
    },
  );
});

describe('ports and rules', () => {
  it.each([
    ['443', [[443, 443]]],
    [
      '80,443, 8080',
      [
        [80, 80],
        [443, 443],
        [8080, 8080],
      ],
    ],
    ['9000-9200', [[9000, 9200]]],
    [' 5432 ', [[5432, 5432]]],
  ])('parses ports %j', (spec, expected) => expect(parsePorts(spec)).toEqual(expected));

  it.each(['80,8000-8080', '0', '65536', '9200-9000', '80-80', 'http', ''])(
    'rejects ports %j (CC would have)',
    (spec) => {
      expect(parsePorts(spec)).toBeUndefined();
    },
  );

  it('drops rules CC would not store, so they grant nothing', () => {
    expect(parseRule({ protocol: 'tcp', destination: '10.0.0.0/8' })).toBeUndefined(); // tcp needs ports
    expect(parseRule({ protocol: 'sctp', destination: '10.0.0.0/8', ports: '1' })).toBeUndefined();
    expect(parseRule({ protocol: 'tcp', destination: 'nonsense', ports: '1' })).toBeUndefined();
  });
});

describe('allowsTcp', () => {
  it.each<[string, AsgRule[], string, number, boolean]>([
    [
      'tcp rule with the port',
      [{ protocol: 'tcp', destination: '10.0.0.0/16', ports: '5432' }],
      '10.0.4.2',
      5432,
      true,
    ],
    [
      'tcp rule without the port',
      [{ protocol: 'tcp', destination: '10.0.0.0/16', ports: '5433' }],
      '10.0.4.2',
      5432,
      false,
    ],
    ['port range', [{ protocol: 'tcp', destination: '10.0.0.0/16', ports: '5000-6000' }], '10.0.4.2', 5432, true],
    ['port list', [{ protocol: 'tcp', destination: '10.0.0.0/16', ports: '80,5432' }], '10.0.4.2', 5432, true],
    ['udp is not tcp', [{ protocol: 'udp', destination: '10.0.0.0/16', ports: '5432' }], '10.0.4.2', 5432, false],
    ['icmp is not tcp', [{ protocol: 'icmp', destination: '10.0.0.0/16', type: 8, code: 0 }], '10.0.4.2', 5432, false],
    ['all covers every port', [{ protocol: 'all', destination: '10.0.0.0/8' }], '10.0.4.2', 5432, true],
    ['other network', [{ protocol: 'all', destination: '192.168.0.0/16' }], '10.0.4.2', 5432, false],
    ['address range', [{ protocol: 'tcp', destination: '10.0.4.1-10.0.4.9', ports: '5432' }], '10.0.4.2', 5432, true],
    [
      'comma list of destinations',
      [{ protocol: 'tcp', destination: '10.9.0.1,10.0.4.2', ports: '5432' }],
      '10.0.4.2',
      5432,
      true,
    ],
    ['IPv6 service', [{ protocol: 'tcp', destination: 'fd00::/8', ports: '5432' }], 'fd12::7', 5432, true],
    ['IPv4 rule does not cover IPv6', [{ protocol: 'all', destination: '0.0.0.0/0' }], 'fd12::7', 5432, false],
    [
      'CIDR target covered by two halves',
      [
        { protocol: 'tcp', destination: '10.1.0.0/25', ports: '6379' },
        { protocol: 'tcp', destination: '10.1.0.128-10.1.0.255', ports: '6379' },
      ],
      '10.1.0.0/24',
      6379,
      true,
    ],
    [
      'CIDR target only half covered',
      [{ protocol: 'tcp', destination: '10.1.0.0/25', ports: '6379' }],
      '10.1.0.0/24',
      6379,
      false,
    ],
  ])('%s', (_name, list, target, port, expected) => {
    expect(allowsTcp(rules(...list), target, port)).toBe(expected);
  });
});

describe('effectiveRunningRules', () => {
  const groups: AsgGroup[] = [
    {
      guid: 'global',
      globallyRunning: true,
      rules: [{ protocol: 'tcp', destination: '10.0.0.1', ports: '1' }],
      runningSpaceGuids: [],
    },
    {
      guid: 'bound',
      globallyRunning: false,
      rules: [{ protocol: 'tcp', destination: '10.0.0.2', ports: '2' }],
      runningSpaceGuids: ['space-a'],
    },
    {
      guid: 'elsewhere',
      globallyRunning: false,
      rules: [{ protocol: 'tcp', destination: '10.0.0.3', ports: '3' }],
      runningSpaceGuids: ['space-b'],
    },
  ];

  it('is the globally-enabled running groups plus the groups bound to the space', () => {
    const effective = effectiveRunningRules(groups, 'space-a');
    expect(allowsTcp(effective, '10.0.0.1', 1)).toBe(true);
    expect(allowsTcp(effective, '10.0.0.2', 2)).toBe(true);
    expect(allowsTcp(effective, '10.0.0.3', 3)).toBe(false);
  });
});

/** What the source space reaches over private TCP and the target does not. */
const privateTcpGaps = (source: ParsedRule[], target: ParsedRule[]) => uncoveredTcp(privateTcpReach(source), target);

describe('privateTcpGaps', () => {
  it('reports private destinations the source allows and the target does not', () => {
    const source = rules(
      { protocol: 'tcp', destination: '10.20.0.0/16', ports: '5432' },
      { protocol: 'tcp', destination: '8.8.8.8', ports: '53' },
    );
    const target = rules({ protocol: 'tcp', destination: '10.20.0.0/17', ports: '5432' });
    const gaps = privateTcpGaps(source, target);
    expect(gaps).toEqual([{ range: parseDestinationEntry('10.20.128.0/17'), ports: [5432, 5432] }]);
  });

  it('reports nothing when the target allows as much', () => {
    const source = rules({ protocol: 'tcp', destination: '10.20.0.0/16', ports: '5000-6000' });
    const target = rules({ protocol: 'all', destination: '10.0.0.0/8' });
    expect(privateTcpGaps(source, target)).toEqual([]);
  });

  it('splits port ranges the target covers only in part', () => {
    const source = rules({ protocol: 'tcp', destination: '192.168.1.0/24', ports: '1000-2000' });
    const target = rules({ protocol: 'tcp', destination: '192.168.0.0/16', ports: '1000-1499' });
    expect(privateTcpGaps(source, target)).toEqual([
      { range: parseDestinationEntry('192.168.1.0/24'), ports: [1500, 2000] },
    ]);
  });

  it('ignores public destinations and IPv6 outside fc00::/7', () => {
    const source = rules(
      { protocol: 'all', destination: '0.0.0.0/0' },
      { protocol: 'all', destination: '2001:db8::/32' },
    );
    const gaps = privateTcpGaps(source, []);
    expect(gaps.map((gap) => gap.range)).toEqual(
      ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16'].map((cidr) => parseDestinationEntry(cidr)),
    );
  });
});

describe('intersectReach', () => {
  it('keeps what both rule sets allow over TCP to private networks, and nothing public', () => {
    const a = privateTcpReach(
      rules(
        { protocol: 'tcp', destination: '10.0.16.0/24', ports: '6379,6380' },
        { protocol: 'all', destination: '10.0.19.0/24' },
        { protocol: 'all', destination: '8.8.8.0/24' },
      ),
    );
    const b = privateTcpReach(rules({ protocol: 'tcp', destination: '10.0.16.16-10.0.19.10', ports: '1-6379' }));
    const both = intersectReach(a, b);
    expect(
      uncoveredTcp(
        both,
        rules(
          { protocol: 'tcp', destination: '10.0.16.16-10.0.16.255', ports: '6379' },
          { protocol: 'tcp', destination: '10.0.19.0-10.0.19.10', ports: '1-6379' },
        ),
      ),
    ).toEqual([]);
    expect(both).toHaveLength(2);
    expect(
      intersectReach(a, privateTcpReach(rules({ protocol: 'udp', destination: '10.0.0.0/8', ports: '6379' }))),
    ).toEqual([]);
  });
});
