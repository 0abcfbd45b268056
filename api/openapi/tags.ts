// The groups of operations, in the order the reference page shows them.

export const BASE = 'Base images';
export const IMAGES = 'Images';
export const BUILDS = 'Builds';
export const BUNDLES = 'Bundles';
export const TOKENS = 'Tokens';
export const REBUILDS = 'Rebuilds';
export const SCHEDULES = 'Rebuild schedules';
export const HEALTH = 'Health';
export const DOCUMENTATION = 'Documentation';

export const tags = (): { name: string; description: string }[] => [
  { name: HEALTH, description: 'Whether the service and its dependencies answer.' },
  { name: BASE, description: 'Docker images that images are built on, per language.' },
  { name: IMAGES, description: 'Images built from a base image plus runtime and system dependencies.' },
  { name: BUILDS, description: 'Build history, logs and catalogs of images.' },
  { name: BUNDLES, description: 'Many resources in one multi-document YAML request.' },
  {
    name: REBUILDS,
    description: 'Rebuilding many images at once, for instance when their base image moved: planned first, then built.',
  },
  { name: SCHEDULES, description: 'Batch rebuilds on a cron schedule, run by Temporal Schedules.' },
  { name: TOKENS, description: "The org's bearer tokens; administrators only." },
  { name: DOCUMENTATION, description: 'This description of the API.' },
];
