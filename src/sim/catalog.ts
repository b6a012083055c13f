import type { SecurityGroupRule } from './model.js';

/** One offering of the generated marketplace and the ASG rule that opens its network (when a space has it). */
export interface CatalogEntry {
  name: string;
  description: string;
  tags: string[];
  shareable: boolean;
  host: string;
  port: number;
  hostKey: 'hostname' | 'host';
  scheme: string;
  hasDashboard: boolean;
  /** The per-offering ASG rule; its destination/ports syntax varies on purpose (cc-api.md §4). */
  rule: SecurityGroupRule;
}

/**
 * The fixed marketplace. `postgres-legacy` is no longer shareable although instances of it stay shared (the broker
 * dropped `metadata.shareable` after sharing: the audit must flag those shares).
 */
export const CATALOG: readonly CatalogEntry[] = [
  {
    name: 'p.mysql',
    description: 'Dedicated MySQL',
    tags: ['mysql', 'relational'],
    shareable: true,
    host: '10.0.16.11',
    port: 3306,
    hostKey: 'hostname',
    scheme: 'mysql',
    hasDashboard: true,
    rule: { protocol: 'tcp', destination: '10.0.16.11', ports: '3306' },
  },
  {
    name: 'p.redis',
    description: 'Redis cache',
    tags: ['redis', 'caching'],
    shareable: true,
    host: '10.0.16.21',
    port: 6379,
    hostKey: 'host',
    scheme: 'redis',
    hasDashboard: false,
    rule: { protocol: 'tcp', destination: '10.0.16.0/24', ports: '6379,6380' },
  },
  {
    name: 'p.rabbitmq',
    description: 'RabbitMQ',
    tags: ['rabbitmq', 'messaging'],
    shareable: true,
    host: '10.0.17.5',
    port: 5672,
    hostKey: 'hostname',
    scheme: 'amqp',
    hasDashboard: true,
    rule: { protocol: 'tcp', destination: '10.0.17.0-10.0.17.255', ports: '5671-5672' },
  },
  {
    name: 'postgres-legacy',
    description: 'Legacy PostgreSQL',
    tags: ['postgres', 'relational'],
    shareable: false,
    host: '10.0.18.40',
    port: 5432,
    hostKey: 'hostname',
    scheme: 'postgres',
    hasDashboard: false,
    rule: { protocol: 'tcp', destination: '10.0.18.40', ports: ' 5432 ' },
  },
  {
    name: 'elasticsearch',
    description: 'Elasticsearch',
    tags: ['search'],
    shareable: true,
    host: '10.0.19.9',
    port: 9200,
    hostKey: 'host',
    scheme: 'https',
    hasDashboard: true,
    rule: { protocol: 'all', destination: '10.0.19.0/24' },
  },
  {
    name: 's3-gateway',
    description: 'S3-compatible object storage',
    tags: ['s3', 'storage'],
    shareable: true,
    host: '10.0.20.100',
    port: 443,
    hostKey: 'host',
    scheme: 'https',
    hasDashboard: false,
    rule: { protocol: 'tcp', destination: '10.0.20.96/28', ports: '443', log: true },
  },
];

/** The cf-deployment style default running groups: public networks (everything but RFC 1918 10/8 etc.) and DNS. */
export const PUBLIC_NETWORK_RULES: SecurityGroupRule[] = [
  { protocol: 'all', destination: '0.0.0.0-9.255.255.255' },
  { protocol: 'all', destination: '11.0.0.0-169.253.255.255' },
  { protocol: 'all', destination: '169.255.0.0-172.15.255.255' },
  { protocol: 'all', destination: '172.32.0.0-192.167.255.255' },
  { protocol: 'all', destination: '192.169.0.0-255.255.255.255' },
];

/** DNS to anywhere. */
export const DNS_RULES: SecurityGroupRule[] = [
  { protocol: 'tcp', destination: '0.0.0.0/0', ports: '53' },
  { protocol: 'udp', destination: '0.0.0.0/0', ports: '53' },
];

/** Rules of the extra "team" groups: near misses (wrong protocol, wrong port) and one broad services rule. */
export const EXTRA_RULE_SETS: SecurityGroupRule[][] = [
  [{ protocol: 'udp', destination: '10.0.16.11', ports: '3306', description: 'udp only: does not open mysql' }],
  [{ protocol: 'tcp', destination: '10.0.17.5', ports: '15672', description: 'management port only' }],
  [{ protocol: 'tcp', destination: '10.0.16.0/20', ports: '1-65535', description: 'all service networks' }],
  [{ protocol: 'icmp', destination: '10.0.0.0/8', type: 8, code: 0, description: 'ping' }],
  [{ protocol: 'tcp', destination: '192.168.10.0/24', ports: '80,443' }],
  [
    {
      protocol: 'tcp',
      destination: '10.0.18.0-10.0.18.39',
      ports: '5432',
      description: 'range stops short of the legacy db',
    },
  ],
];

/** Words for space names. */
export const SPACE_WORDS = [
  'dev',
  'test',
  'staging',
  'prod',
  'qa',
  'sandbox',
  'perf',
  'ops',
  'data',
  'web',
  'batch',
  'edge',
];

/** An offering whose broker shares instances itself (cc-api.md §14), served by its own broker. */
export interface BrokerShareCatalogEntry extends Omit<CatalogEntry, 'rule' | 'shareable'> {
  brokerName: string;
  /** Plans in order; all public. */
  plans: string[];
  /** The plan consumers create to reach a shared original. */
  proxyPlan: string;
  /** Most proxies per original, by the original's plan. */
  quotas: Record<string, number>;
  /** `broker_catalog.features.instances_retrievable`. */
  instancesRetrievable: boolean;
}

/**
 * Broker-level sharing offerings, added after the fixed marketplace (their guids come from their own stream, so the
 * rest of a seed's foundation is unchanged). `credstore` is SAP Credential Store's shape: its broker returns instance
 * parameters; `vault-share` shares the same way but its broker cannot return parameters, so a proxy's original is
 * not readable through CC.
 */
export const BROKER_SHARE_CATALOG: readonly BrokerShareCatalogEntry[] = [
  {
    name: 'credstore',
    brokerName: 'credstore-broker',
    description: 'Credential Store',
    tags: ['credstore', 'secrets'],
    host: '10.0.21.7',
    port: 443,
    hostKey: 'host',
    scheme: 'https',
    hasDashboard: false,
    plans: ['free', 'standard', 'proxy'],
    proxyPlan: 'proxy',
    quotas: { free: 1, standard: 10 },
    instancesRetrievable: true,
  },
  {
    name: 'vault-share',
    brokerName: 'vault-share-broker',
    description: 'Shared vault',
    tags: ['vault', 'secrets'],
    host: '10.0.21.40',
    port: 8200,
    hostKey: 'hostname',
    scheme: 'https',
    hasDashboard: false,
    plans: ['standard', 'proxy'],
    proxyPlan: 'proxy',
    quotas: { standard: 10 },
    instancesRetrievable: false,
  },
];
