// The groups of operations in /openapi.json and on /docs, in the order the reference page shows them.

export const TAGS = {
  health: 'Health',
  baseImages: 'Base images',
  images: 'Images',
  builds: 'Builds',
  packages: 'Packages',
  bundles: 'Bundles',
  rebuilds: 'Rebuilds',
  schedules: 'Rebuild schedules',
  tokens: 'Tokens',
  organizations: 'Organizations',
  documentation: 'Documentation',
} as const;

export const TAG_DESCRIPTIONS: { name: string; description: string }[] = [
  { name: TAGS.health, description: 'Whether the service and its dependencies answer.' },
  { name: TAGS.baseImages, description: 'Docker images that images are built on, per language.' },
  { name: TAGS.images, description: 'Images built from a base image plus runtime and system dependencies.' },
  { name: TAGS.builds, description: 'Build history, logs and catalogs of images.' },
  {
    name: TAGS.packages,
    description: "Installed packages across the org's images, and each image's SBOM (CycloneDX).",
  },
  { name: TAGS.bundles, description: 'Many resources in one multi-document YAML request.' },
  {
    name: TAGS.rebuilds,
    description: 'Rebuilding many images at once, for instance when their base image moved: planned first, then built.',
  },
  { name: TAGS.schedules, description: 'Batch rebuilds on a cron schedule, run by Temporal Schedules.' },
  { name: TAGS.tokens, description: "The org's bearer tokens; administrators only." },
  {
    name: TAGS.organizations,
    description:
      'The tenants of the service, opened and closed with the platform admin token (no org token), and the platform admin tokens themselves.',
  },
  { name: TAGS.documentation, description: 'This description of the API.' },
];
