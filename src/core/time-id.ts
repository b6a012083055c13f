/**
 * Sortable, readable ids of reports and campaigns: the UTC time in basic ISO-8601 form, whole seconds
 * (`20261123T020000Z`), then a suffix that tells two ids of one second apart.
 */
export function timeId(at: string | Date, suffix: string): string {
  const iso = typeof at === 'string' ? at : at.toISOString();
  return `${iso.replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z')}-${suffix}`;
}
