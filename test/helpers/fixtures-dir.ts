/** The CC docs' example bodies, kept in the repository (see test/fixtures/cc-docs/NOTICE.md) so a plain clone runs every test. */
export const FIXTURES_DIR = new URL('../fixtures/cc-docs/', import.meta.url);
