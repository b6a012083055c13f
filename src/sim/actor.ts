import type { Foundation } from './foundation.js';
import type { Principal } from './model.js';

/**
 * Who is calling, and what CC lets them read and write. Roles follow `CC:lib/cloud_controller/roles.rb`:
 * admin writes everything; admin_read_only and global_auditor read everything; a space developer reads and writes
 * its spaces and reads their orgs.
 */
export class Actor {
  readonly isAdmin: boolean;
  readonly readsAll: boolean;
  /** Admin and admin_read_only are exempt from the general rate limiter (cc-api.md §8.1). */
  readonly isAdminish: boolean;
  private readonly orgs = new Set<string>();

  constructor(
    readonly principal: Principal,
    readonly scopes: readonly string[],
    private readonly f: Foundation,
  ) {
    this.isAdmin = scopes.includes('cloud_controller.admin');
    this.isAdminish = this.isAdmin || scopes.includes('cloud_controller.admin_read_only');
    this.readsAll = this.isAdminish || scopes.includes('cloud_controller.global_auditor');
    for (const guid of principal.developerSpaceGuids) {
      const space = f.spaceByGuid.get(guid);
      if (space) this.orgs.add(space.orgGuid);
    }
  }

  /** The user guid CC uses for roles and rate limits. */
  get guid(): string {
    return this.principal.guid;
  }

  /** `cloud_controller.read` or an admin-ish scope is needed for GET (cc-api.md §10). */
  mayRead(): boolean {
    return this.readsAll || this.scopes.includes('cloud_controller.read');
  }

  /** `cloud_controller.write` or admin is needed for other methods. */
  mayWrite(): boolean {
    return this.isAdmin || this.scopes.includes('cloud_controller.write');
  }

  canReadSpace(spaceGuid: string): boolean {
    return this.readsAll || this.principal.developerSpaceGuids.has(spaceGuid);
  }

  canWriteSpace(spaceGuid: string): boolean {
    if (this.isAdmin) return this.f.spaceByGuid.has(spaceGuid);
    return this.scopes.includes('cloud_controller.write') && this.principal.developerSpaceGuids.has(spaceGuid);
  }

  canReadOrg(orgGuid: string): boolean {
    return this.readsAll || this.orgs.has(orgGuid);
  }

  /** Binding credentials: admin, admin_read_only, or a developer of the space. */
  canReadSecretsIn(spaceGuid: string): boolean {
    return this.isAdminish || this.principal.developerSpaceGuids.has(spaceGuid);
  }

  /** Space guids the actor can read, or null for "all". */
  readableSpaces(): Set<string> | null {
    return this.readsAll ? null : this.principal.developerSpaceGuids;
  }
}
