// `dispatch logs image NAME [--build ID] [-f]`: the output of an image build (docker build, apt, pip/npm, push),
// printed as it arrives. The service keeps the logs of every build; without --build the latest one is shown.
import type { Command } from 'commander';
import type { Build } from './api-types.js';
import { imageSubpath } from './build-commands.js';
import type { DispatchClient } from './client.js';
import { commandContext } from './context.js';
import { copyLog } from './log-stream.js';
import { formatElapsed, printable } from './progress.js';

type LogOptions = { build?: string; follow?: boolean };

export function addLogCommands(logs: Command): void {
  logs
    .command('image')
    .alias('images')
    .description('print the log of the latest build of an image, or of one build')
    .argument('<image-name>', 'name of the image')
    .option('--build <id>', 'a build ID from `dispatch get builds IMAGE_NAME` instead of the latest build')
    .option('-f, --follow', 'keep printing as the build runs, until it ends')
    .action(async (imageName: string, options: LogOptions, command: Command) => {
      const { client } = commandContext(command);
      // `dispatch logs image x | head` closes the pipe early; that is the reader's choice, not an error.
      process.stdout.on('error', (err: NodeJS.ErrnoException) => {
        if (err.code !== 'EPIPE') throw err;
        process.exit(0);
      });
      const { path, resumable, buildId } = await logPath(client, imageName, options);
      // A build can be silent for minutes (pip compiling a wheel): a follow says meanwhile that it still runs.
      const onSilence = options.follow && buildId ? () => sayStillBuilding(client, imageName, buildId) : undefined;
      await copyLog(client, path, process.stdout, { resumable, onSilence });
    });
}

/** `still building (installing runtime dependencies with pip, 2m05s)` on stderr, while the build runs. */
async function sayStillBuilding(client: Pick<DispatchClient, 'get'>, imageName: string, buildId: string) {
  // The first page is enough: a build still RUNNING is among the newest (a newer one supersedes it).
  const build = (await client.get<Build[]>(imageSubpath(imageName, 'builds'))).find((b) => b.id === buildId);
  if (build?.outcome !== 'RUNNING') return;
  const elapsed = formatElapsed(Date.now() - build.startedTime * 1000);
  console.error(`still building (${printable(build.step ?? 'waiting to start')}, ${elapsed})`);
}

/** Where the log is served, and whether that path names one build (so a broken stream can be resumed). */
export async function logPath(
  client: Pick<DispatchClient, 'get'>,
  imageName: string,
  { build, follow }: LogOptions,
): Promise<{ path: string; resumable: boolean; buildId?: string }> {
  const query = follow ? '?follow=true' : '';
  const ofBuild = (id: string) => imageSubpath(imageName, `builds/${encodeURIComponent(id)}/logs${query}`);
  if (build) return { path: ofBuild(build), resumable: true, buildId: build };
  if (!follow) return { path: imageSubpath(imageName, 'logs'), resumable: false };
  // Following pins the latest build now: a resumed stream must continue the same log even if a newer build starts.
  const [latest] = await client.get<Build[]>(imageSubpath(imageName, 'builds?limit=1'));
  // No build yet: the API's /logs answers why, in its own words.
  if (!latest) return { path: imageSubpath(imageName, `logs${query}`), resumable: false };
  return { path: ofBuild(latest.id), resumable: true, buildId: latest.id };
}
