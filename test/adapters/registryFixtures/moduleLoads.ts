/** Names of the fixture modules evaluated so far in this test file's module registry. */
export const MODULE_LOADS: string[] = [];
