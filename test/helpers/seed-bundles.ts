import { pythonFixture } from './env.js';

// The seed's YAML examples, with the local registry in place of Docker Hub.

/** The seed's base-images.yaml. */
export const seedBaseImages = () => `kind: BaseImage
name: my-python-base
dockerUrl: ${pythonFixture()}
language: python3
tags:
  - key: role
    value: docs
`;

/**
 * The seed's images.yaml, with `manifest` as the YAML value of runtimeDependencies.manifest: the seed's
 * `'@requirements.txt'` (which the CLI inlines), or the manifest inlined as a YAML string.
 */
export const seedImagesWith = (manifest: string) => `kind: Image
name: my-pandas
baseImageName: my-python-base
runtimeDependencies:
  manifest: ${manifest}
tags:
  - key: role
    value: docs
`;
