import { randomUUID } from 'node:crypto';
import type {
  BaseImageRow,
  BuildRow,
  ImageRow,
  RebuildItemRow,
  RebuildRow,
  RebuildScheduleRow,
} from '../../db/schema.js';
import type { describeSchedule } from '../../client/rebuilds.js';

// Stored rows as the mappers receive them, to check the response schemas against what the mappers really produce.

export const at = new Date('2026-01-02T03:04:05.678Z');
export const later = new Date('2026-01-02T03:05:00.000Z');
const tags = [{ key: 'team', value: 'docs' }];

export const baseImageRow: BaseImageRow = {
  id: randomUUID(),
  org: 'acme',
  name: 'py3',
  tags,
  status: 'READY',
  reason: [],
  generation: 2,
  createdAt: at,
  modifiedAt: later,
  dockerUrl: 'registry.example:5000/python:3.12',
  language: 'python3',
  digest: 'registry.example:5000/python@sha256:' + 'a'.repeat(64),
};
export const imageRow: ImageRow = {
  id: randomUUID(),
  org: 'acme',
  name: 'app',
  tags,
  status: 'ERROR',
  reason: ['build failed', 'pip exited with 1'],
  generation: 1,
  createdAt: at,
  modifiedAt: later,
  baseImageName: 'py3',
  language: 'python3',
  runtimeManifest: 'requests==2.32.0\n',
  systemPackages: [{ name: 'curl' }, { name: 'libpq5', version: '15.8-0+deb12u1' }],
  dockerUrl: null,
  digest: null,
  currentBuildId: null,
};
export const buildRow: BuildRow = {
  id: randomUUID(),
  imageId: imageRow.id,
  runId: randomUUID(),
  generation: 1,
  trigger: 'create',
  inputs: {
    baseImage: baseImageRow.dockerUrl,
    baseDigest: 'sha256:' + 'b'.repeat(64),
    language: 'python3',
    manifestSha256: 'c'.repeat(64),
    systemPackages: imageRow.systemPackages,
    template: 'FROM base',
  },
  inputsSha256: 'e'.repeat(64),
  reusedBuildId: null,
  rebuildId: null,
  catalogDiff: {
    previousBuildId: null,
    added: [{ ecosystem: 'pip', name: 'requests', version: '2.32.0' }],
    removed: [],
    changed: [],
  },
  outcome: 'SUCCEEDED',
  error: null,
  failureLines: null,
  step: 'recording the catalog',
  dockerUrl: 'registry.example:5000/acme/app:1',
  digest: 'sha256:' + 'd'.repeat(64),
  startedAt: at,
  finishedAt: later,
};

export const rebuildRow: RebuildRow = {
  id: randomUUID(),
  org: 'acme',
  selector: { baseImageName: 'py3' },
  dryRun: false,
  force: false,
  trigger: 'schedule nightly',
  status: 'DONE',
  workflowId: 'rebuild/acme/schedule-nightly-2026-01-02T03:04:05Z',
  createdAt: at,
  finishedAt: later,
};
export const rebuildItems: RebuildItemRow[] = [
  {
    rebuildId: rebuildRow.id,
    imageName: 'app',
    baseImageName: 'py3',
    rebuild: true,
    reason: 'base image moved',
    outcome: 'SUCCEEDED',
    buildId: buildRow.id,
    imageId: imageRow.id,
    generation: 1,
    inputsSha256: 'a'.repeat(64),
  },
  {
    rebuildId: rebuildRow.id,
    imageName: 'other',
    baseImageName: 'py3',
    rebuild: false,
    reason: 'inputs unchanged',
    imageId: null,
    generation: null,
    inputsSha256: null,
    outcome: 'SKIPPED',
    buildId: null,
  },
];
export const scheduleRow: RebuildScheduleRow = {
  id: randomUUID(),
  org: 'acme',
  name: 'nightly',
  cron: '0 3 * * *',
  selector: { tag: { key: 'team', value: 'docs' } },
  force: true,
  createdAt: at,
};
// What describeSchedule answers, built the way it builds it.
export const scheduleState: Awaited<ReturnType<typeof describeSchedule>> = {
  paused: true,
  note: 'paused through the API',
  nextRunTimes: [later.toISOString()],
  recentRuns: [{ scheduledAt: at.toISOString(), workflowId: 'rebuild/acme/schedule-nightly' }],
};
