/**
 * Sortable, readable ids of reports and campaigns: the UTC time in basic ISO-8601 form, whole seconds
 * (`20261123T020000Z`), then a suffix that tells two ids of one second apart. The suffix is made file-safe (see
 * fileSafeId): ids name folders (`--reports-dir DIR/NAME/<id>/`), and a scheduled job's id holds colons.
 */
export function timeId(at: string | Date, suffix: string): string {
  const iso = typeof at === 'string' ? at : at.toISOString();
  return `${iso.replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z')}-${fileSafeId(suffix)}`;
}

/**
 * `id` with every character but `A-Z a-z 0-9 . _ -` written as `-`, so it is a valid file name on every system
 * (no `:` for Windows and macOS Finder, no `/`), and a leading dot made `_` so it never hides. BullMQ's scheduled
 * job ids (`repeat:nightly:1795000000000`) become `repeat-nightly-1795000000000`.
 */
export function fileSafeId(id: string): string {
  return id.replace(/[^A-Za-z0-9._-]/g, '-').replace(/^\./, '_');
}
