import type { Actor } from '../actor.js';
import type { Foundation } from '../foundation.js';
import type { Org, SecurityGroup, Space } from '../model.js';

const meta = (): { labels: Record<string, string>; annotations: Record<string, string> } => ({
  labels: {},
  annotations: {},
});

/** `GET /v3/organizations/:guid` shape (fixture v3_organizations_list.json). */
export function presentOrg(org: Org, base: string): Record<string, unknown> {
  const quota = 'f1c3f5b0-0000-4000-8000-00000000a001';
  return {
    guid: org.guid,
    created_at: org.createdAt,
    updated_at: org.createdAt,
    name: org.name,
    suspended: false,
    relationships: { quota: { data: { guid: quota } } },
    links: {
      self: { href: `${base}/v3/organizations/${org.guid}` },
      domains: { href: `${base}/v3/organizations/${org.guid}/domains` },
      default_domain: { href: `${base}/v3/organizations/${org.guid}/domains/default` },
      quota: { href: `${base}/v3/organization_quotas/${quota}` },
    },
    metadata: meta(),
  };
}

/** `GET /v3/spaces/:guid` shape (fixture v3_space_get.json). */
export function presentSpace(space: Space, base: string): Record<string, unknown> {
  return {
    guid: space.guid,
    created_at: space.createdAt,
    updated_at: space.createdAt,
    name: space.name,
    suspended: false,
    relationships: { organization: { data: { guid: space.orgGuid } }, quota: { data: null } },
    links: {
      self: { href: `${base}/v3/spaces/${space.guid}` },
      features: { href: `${base}/v3/spaces/${space.guid}/features` },
      organization: { href: `${base}/v3/organizations/${space.orgGuid}` },
      apply_manifest: { href: `${base}/v3/spaces/${space.guid}/actions/apply_manifest`, method: 'POST' },
    },
    metadata: meta(),
  };
}

/**
 * `GET /v3/security_groups/:guid` (fixture v3_security_group_get.json). Rules as stored; relationships list only
 * spaces the caller can see unless it sees all (cc-api.md §4).
 */
export function presentSecurityGroup(group: SecurityGroup, base: string, actor: Actor): Record<string, unknown> {
  const visible = (guids: Set<string>): Array<{ guid: string }> =>
    [...guids].filter((g) => actor.canReadSpace(g)).map((guid) => ({ guid }));
  return {
    guid: group.guid,
    created_at: group.createdAt,
    updated_at: group.createdAt,
    name: group.name,
    globally_enabled: { running: group.globallyRunning, staging: group.globallyStaging },
    rules: group.rules.map((r) => ({ ...r })),
    relationships: {
      staging_spaces: { data: visible(group.stagingSpaceGuids) },
      running_spaces: { data: visible(group.runningSpaceGuids) },
    },
    links: { self: { href: `${base}/v3/security_groups/${group.guid}` } },
  };
}

/** Whether a non-admin caller may see a group: globally enabled, or bound to a space it can read. */
export function canSeeSecurityGroup(group: SecurityGroup, actor: Actor): boolean {
  if (actor.readsAll || group.globallyRunning || group.globallyStaging) return true;
  for (const g of group.runningSpaceGuids) if (actor.canReadSpace(g)) return true;
  for (const g of group.stagingSpaceGuids) if (actor.canReadSpace(g)) return true;
  return false;
}

/** Sorts spaces (or orgs) by [created_at, guid]: their index. */
export function byIndex<T extends { index: number }>(items: Iterable<T>): T[] {
  return [...items].sort((a, b) => a.index - b.index);
}

/** The `included` block for `fields[space]` / `fields[space.organization]`; names omitted where unreadable (cc-api.md §1.3). */
export function spaceFields(
  f: Foundation,
  spaceGuids: Iterable<string>,
  fields: Map<string, string[]>,
  actor: Actor,
): Record<string, unknown[]> {
  const out: Record<string, unknown[]> = {};
  const spaceKeys = fields.get('space');
  const orgKeys = fields.get('space.organization');
  const spaces = byIndex(
    [...new Set(spaceGuids)].map((g) => f.spaceByGuid.get(g)).filter((s): s is Space => s !== undefined),
  );
  if (spaceKeys) {
    out.spaces = spaces.map((s) => {
      const item: Record<string, unknown> = {};
      if (spaceKeys.includes('guid')) item.guid = s.guid;
      if (spaceKeys.includes('name') && actor.canReadSpace(s.guid)) item.name = s.name;
      if (spaceKeys.includes('relationships.organization'))
        item.relationships = { organization: { data: { guid: s.orgGuid } } };
      return item;
    });
  }
  if (orgKeys) {
    const orgs = byIndex(
      [...new Set(spaces.map((s) => s.orgGuid))]
        .map((g) => f.orgByGuid.get(g))
        .filter((o): o is Org => o !== undefined),
    );
    out.organizations = orgs.map((o) => {
      const item: Record<string, unknown> = {};
      if (orgKeys.includes('guid')) item.guid = o.guid;
      if (orgKeys.includes('name') && actor.canReadOrg(o.guid)) item.name = o.name;
      return item;
    });
  }
  return out;
}
