import { Enums, Models, Serialize, Spec } from '@cyclonedx/cyclonedx-library';
import { PackageURL } from 'packageurl-js';
import type { CatalogEntry } from '../db/schema.js';
import { repositoryOf } from '../docker-reference.js';

// An image's SBOM: its current build's catalog as a CycloneDX document, the image itself as the BOM's subject.
// Pure: the route reads the rows, this turns them into the document.

export const SBOM_SPEC = Spec.Spec1dot6;
export const SBOM_MEDIA_TYPE = `application/vnd.cyclonedx+json; version=${SBOM_SPEC.version}`;

export type SbomSubject = {
  /** Where the build was pushed (`host/repo:tag`) and its manifest digest (`sha256:...`). */
  dockerUrl: string;
  digest: string;
  /** The build the catalog was read from: the BOM's serial number, so one build has one BOM identity. */
  buildId: string;
  finishedAt: Date;
};

/**
 * The package URL of a catalog entry (https://github.com/package-url/purl-spec), or undefined for an ecosystem
 * with no purl type here. packageurl-js applies each type's rules: pypi names lowercase with `_` as `-`, npm scopes
 * as an escaped namespace (`pkg:npm/%40types/node@20.1.0`). The catalog records no architecture or distribution,
 * so the purls carry neither (`debian` is the deb namespace the purl spec's examples use).
 */
export function packageUrl({ ecosystem, name, version }: CatalogEntry): string | undefined {
  const purl = (type: string, namespace: string | undefined, bare: string) =>
    new PackageURL(type, namespace, bare, version, undefined, undefined).toString();
  switch (ecosystem) {
    case 'deb':
      return purl('deb', 'debian', name);
    case 'apk':
      return purl('apk', 'alpine', name);
    case 'rpm':
      return purl('rpm', undefined, name);
    case 'pypi':
      return purl('pypi', undefined, name);
    case 'npm': {
      const scoped = /^(@[^/]+)\/(.+)$/.exec(name);
      return scoped ? purl('npm', scoped[1], scoped[2]!) : purl('npm', undefined, name);
    }
    default:
      return undefined;
  }
}

/**
 * The image as a purl: `pkg:oci/NAME@sha256%3A...?repository_url=HOST/PATH/NAME`. The purl spec's OCI examples
 * percent-encode the digest's colon; packageurl-js leaves a colon in a version as it is (both read back the same).
 */
export function imageUrl(dockerUrl: string, digest: string): string {
  const repository = repositoryOf(dockerUrl);
  const name = repository.slice(repository.lastIndexOf('/') + 1).toLowerCase();
  const purl = new PackageURL('oci', undefined, name, digest, { repository_url: repository }, undefined).toString();
  return purl.replace(`@${digest}`, `@${encodeURIComponent(digest)}`);
}

/** The CycloneDX JSON text of the build `subject` and its `catalog`. */
export function buildSbom(subject: SbomSubject, catalog: readonly CatalogEntry[]): string {
  const repository = repositoryOf(subject.dockerUrl);
  const image = new Models.Component(Enums.ComponentType.Container, repository, {
    version: subject.digest,
    purl: imageUrl(subject.dockerUrl, subject.digest),
    bomRef: 'image',
  });
  const bom = new Models.Bom({
    serialNumber: `urn:uuid:${subject.buildId}`,
    metadata: new Models.Metadata({ timestamp: subject.finishedAt, component: image }),
  });
  const refs = new Set<string>();
  for (const entry of catalog) {
    const purl = packageUrl(entry);
    // bom-refs must be unique; two pypi names pip treats alike would share a purl, their catalog names never do.
    const ref = purl && !refs.has(purl) ? purl : `${entry.ecosystem}:${entry.name}`;
    refs.add(ref);
    const component = new Models.Component(Enums.ComponentType.Library, entry.name, {
      version: entry.version,
      purl,
      bomRef: ref,
    });
    component.properties.add(new Models.Property('dispatch:ecosystem', entry.ecosystem));
    bom.components.add(component);
    image.dependencies.add(component.bomRef);
  }
  const serializer = new Serialize.JsonSerializer(new Serialize.JSON.Normalize.Factory(SBOM_SPEC));
  return serializer.serialize(bom, { sortLists: true, space: 2 });
}
