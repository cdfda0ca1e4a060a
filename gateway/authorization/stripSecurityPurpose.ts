/**
 * The supergraph as stock `@apollo/gateway` and the query planner accept it: they refuse
 * supergraphs whose `@link`s are `for: SECURITY` features they do not implement
 * (`@authenticated`, `@requiresScopes`, `@policy`). The hub's gateway enforces those itself
 * (createAccessControl reads them from the original SDL), so the copy it hands the planner keeps
 * the links and directives and only drops their `for: SECURITY` purpose.
 */
export function stripSecurityPurpose(supergraphSdl: string): string {
  return supergraphSdl.replace(
    /(@link\(url: "https:\/\/specs\.apollo\.dev\/(?:authenticated|requiresScopes|policy)\/v[\d.]+")\s*,\s*for:\s*SECURITY\s*\)/g,
    '$1)',
  );
}
