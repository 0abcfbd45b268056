import { ApplicationFailure } from '@temporalio/activity';
import type Docker from 'dockerode';
import { spawn } from 'node:child_process';
import { copyFile, mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { SupportedLanguage } from '../config.js';
import { isSafePackage } from '../db/package-rules.js';
import type { SystemPackage } from '../db/schema.js';

const BUILD_FILES = fileURLToPath(new URL('./build-files/', import.meta.url));
export const BUILD_FAILED = 'BuildFailed';

/** Per language: the installer script (ours) and the file name the user's manifest is written to. */
const RUNTIME_INSTALLERS: Record<SupportedLanguage, { script: string; manifest: string }> = {
  python3: { script: 'install-python3.sh', manifest: 'requirements.txt' },
  nodejs: { script: 'install-nodejs.sh', manifest: 'package.json' },
};

const hasInstaller = (language: string): language is SupportedLanguage => Object.hasOwn(RUNTIME_INSTALLERS, language);

export type BuildSpec = { language: string; runtimeManifest: string; systemPackages: SystemPackage[] };
/** The build host's certificates to trust during the build's downloads (empty: none). */
export type BuildTrust = { caBundlePath: string };
export type BuildContext = { files: string[]; buildargs: Record<string, string> };

/** "name version" lines; every entry was validated by the API and is checked again here before it is written. */
function packageLines(packages: SystemPackage[]): string {
  for (const pkg of packages) {
    if (!isSafePackage(pkg))
      throw ApplicationFailure.nonRetryable(`invalid system package ${JSON.stringify(pkg)}`, BUILD_FAILED);
  }
  return packages.map((p) => (p.version ? `${p.name} ${p.version}\n` : `${p.name}\n`)).join('');
}

/** The service's own Dockerfile and scripts, with the manifest and the package list as plain files. */
export async function prepareDefaultContext(
  dir: string,
  baseRef: string,
  spec: BuildSpec,
  trust: BuildTrust,
): Promise<BuildContext> {
  if (!hasInstaller(spec.language)) {
    throw ApplicationFailure.nonRetryable(`no dependency installer for language ${spec.language}`, BUILD_FAILED);
  }
  const installer = RUNTIME_INSTALLERS[spec.language];
  const build = join(dir, 'dispatch-build');
  await mkdir(build);
  await copyFile(join(BUILD_FILES, 'Dockerfile'), join(dir, 'Dockerfile'));
  await copyFile(join(BUILD_FILES, 'install-system-packages.sh'), join(build, 'install-system-packages.sh'));
  await copyFile(join(BUILD_FILES, installer.script), join(build, 'install-runtime-dependencies.sh'));
  await copyFile(join(BUILD_FILES, 'trust-build-certificates.sh'), join(build, 'trust-build-certificates.sh'));
  await writeFile(join(build, 'ca-bundle.crt'), trust.caBundlePath ? await readFile(trust.caBundlePath) : '');
  await writeFile(join(build, 'system-packages.txt'), packageLines(spec.systemPackages));
  await writeFile(join(build, installer.manifest), spec.runtimeManifest);
  return { files: ['Dockerfile', 'dispatch-build'], buildargs: { BASE_IMAGE: baseRef } };
}

/**
 * A base image's own template (the original's contract): the directory named by its
 * io.dispatchframework.imageTemplate label, copied out of the image, built with BASE_IMAGE, SYSTEM_PACKAGES_FILE
 * and PACKAGES_FILE.
 */
export async function prepareTemplateContext(
  docker: Docker,
  dir: string,
  baseRef: string,
  templatePath: string,
  spec: BuildSpec,
): Promise<BuildContext> {
  const container = await docker.createContainer({ Image: baseRef, Entrypoint: ['/bin/true'], Cmd: [] });
  try {
    const archive = await container.getArchive({ path: templatePath });
    await extractTar(archive, dir);
  } catch (err) {
    throw ApplicationFailure.nonRetryable(
      `could not copy the image template ${templatePath} out of the base image: ${String(err)}`,
      BUILD_FAILED,
    );
  } finally {
    await container.remove({ force: true }).catch(() => undefined);
  }
  await writeFile(join(dir, 'system-packages.txt'), packageLines(spec.systemPackages));
  await writeFile(join(dir, 'packages.txt'), spec.runtimeManifest);
  return {
    files: ['.'],
    buildargs: { BASE_IMAGE: baseRef, SYSTEM_PACKAGES_FILE: 'system-packages.txt', PACKAGES_FILE: 'packages.txt' },
  };
}

/** Unpacks Docker's archive of a directory into `dir`, dropping the directory's own name. */
async function extractTar(archive: NodeJS.ReadableStream, dir: string): Promise<void> {
  const tar = spawn('tar', ['-x', '--strip-components=1', '--no-same-owner', '-C', dir], {
    stdio: ['pipe', 'ignore', 'pipe'],
  });
  let stderr = '';
  tar.stderr.on('data', (chunk) => (stderr += chunk));
  archive.pipe(tar.stdin);
  const code = await new Promise<number | null>((resolve) => tar.on('close', resolve));
  if (code !== 0) throw new Error(`tar exited with ${code}: ${stderr.trim()}`);
}
