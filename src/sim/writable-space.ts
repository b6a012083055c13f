import type { Actor } from './actor.js';
import { resourceBeingDeleted } from './errors.js';
import type { Foundation } from './foundation.js';

/**
 * `require_writable_space!` (`CC:app/controllers/v3/application_controller.rb`): a space being deleted refuses
 * writes with 422 CF-ResourceBeingDeleted. `writable_space_state` answers `:active` for whoever can write globally
 * (`CC:lib/cloud_controller/permissions.rb`), so admins are never refused.
 */
export function requireWritableSpace(f: Foundation, actor: Actor, spaceGuid: string): void {
  if (actor.isAdmin) return;
  if (f.deletingSpaceGuids.has(spaceGuid)) throw resourceBeingDeleted('space');
}
