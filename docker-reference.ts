// Pure helpers on Docker image references, shared by the API, the activities and the workflows (no Node imports).
// A Docker image reference as the docker CLI reads it: [domain[:port]/]path[:tag][@digest]. Like the CLI, the
// first component is a registry only when it looks like a host (has a dot or a port, or is localhost); otherwise
// it is part of the (lowercase) repository path.
const DOMAIN_COMPONENT = '(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])';
const DOMAIN = new RegExp(`^(?:${DOMAIN_COMPONENT}(?:\\.${DOMAIN_COMPONENT})*|\\[[0-9a-fA-F:]+\\])(?::[0-9]+)?$`);
const PATH_COMPONENT = '[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*';
const TAG = '[\\w][\\w.-]{0,127}';
const DIGEST = '[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}';
const REMAINDER = new RegExp(`^${PATH_COMPONENT}(?:/${PATH_COMPONENT})*(?::${TAG})?(?:@${DIGEST})?$`);
// distribution caps the repository name at 255; with a tag and a digest a reference stays well under 512.
const MAX_LENGTH = 512;

const looksLikeHost = (part: string) => part.includes('.') || part.includes(':') || part === 'localhost';

export function isDockerReference(value: string): boolean {
  if (value.length > MAX_LENGTH) return false;
  const slash = value.indexOf('/');
  const first = slash > 0 ? value.slice(0, slash) : '';
  if (first && looksLikeHost(first)) return DOMAIN.test(first) && REMAINDER.test(value.slice(slash + 1));
  return REMAINDER.test(value);
}

/** `host:5000/a/b:tag` -> `host:5000/a/b` (a colon before the last slash is a port, not a tag). */
export function repositoryOf(ref: string): string {
  const withoutDigest = ref.split('@')[0] ?? ref;
  const lastSlash = withoutDigest.lastIndexOf('/');
  const lastColon = withoutDigest.lastIndexOf(':');
  return lastColon > lastSlash ? withoutDigest.slice(0, lastColon) : withoutDigest;
}
