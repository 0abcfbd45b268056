// Pure helpers on Docker image references, shared by the API, the activities and the workflows (no Node imports).
// A Docker image reference as the docker CLI reads it: [domain[:port]/]path[:tag][@digest]. Like the CLI, the
// first component is a registry only when it looks like a host (has a dot or a port, or is localhost); otherwise
// it is part of the (lowercase) repository path.
const DOMAIN_COMPONENT = '(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])';
const PORT = '(?::[0-9]+)';
// A first component that is a registry: it has a dot or a port, is localhost, or is a bracketed IPv6 address.
const REGISTRY = `(?:${DOMAIN_COMPONENT}(?:\\.${DOMAIN_COMPONENT})+${PORT}?|${DOMAIN_COMPONENT}${PORT}|localhost|\\[[0-9a-fA-F:]+\\]${PORT}?)`;
const PATH_COMPONENT = '[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*';
// A first path component followed by more: without a dot, or it would be a registry.
const FIRST_PATH_COMPONENT = '[a-z0-9]+(?:(?:_|__|-+)[a-z0-9]+)*';
// ASCII classes rather than \w, so the pattern means the same in every regex engine reading /openapi.json.
const TAG = '[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}';
const DIGEST = '[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}';
const SUFFIX = `(?::${TAG})?(?:@${DIGEST})?`;

/** The whole rule as one pattern (no lookaround), so /openapi.json states exactly what the API accepts. */
export const DOCKER_REFERENCE = new RegExp(
  `^(?:${PATH_COMPONENT}|${FIRST_PATH_COMPONENT}(?:/${PATH_COMPONENT})+|${REGISTRY}(?:/${PATH_COMPONENT})+)${SUFFIX}$`,
);
// distribution caps the repository name at 255; with a tag and a digest a reference stays well under 512.
export const DOCKER_REFERENCE_MAX_LENGTH = 512;

export function isDockerReference(value: string): boolean {
  return value.length <= DOCKER_REFERENCE_MAX_LENGTH && DOCKER_REFERENCE.test(value);
}

/**
 * `repo:tag` and the digest it was pushed or verified at -> `repo@digest`: the content itself, which a tag moved
 * in the registry meanwhile cannot change.
 */
export const pinnedRef = (ref: string, digest: string): string => `${repositoryOf(ref)}@${digest}`;

/** `host:5000/a/b:tag` -> `host:5000/a/b` (a colon before the last slash is a port, not a tag). */
export function repositoryOf(ref: string): string {
  const withoutDigest = ref.split('@')[0] ?? ref;
  const lastSlash = withoutDigest.lastIndexOf('/');
  const lastColon = withoutDigest.lastIndexOf(':');
  return lastColon > lastSlash ? withoutDigest.slice(0, lastColon) : withoutDigest;
}
