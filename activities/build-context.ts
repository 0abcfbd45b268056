import { ApplicationFailure } from '@temporalio/activity';
import type Docker from 'dockerode';
import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { SupportedLanguage } from '../config.js';
import { isSafePackage } from '../package-rules.js';
import type { SystemPackage } from '../db/schema.js';
import { safeLine } from '../safe-text.js';
import { templateViolation } from './template-policy.js';
import { extractTemplate, replaceFile, TemplateEntryError, writeNewFile } from './template-extract.js';

const BUILD_FILES = fileURLToPath(new URL('./build-files/', import.meta.url));
export const BUILD_FAILED = 'BuildFailed';

/** Per language: the installer script (ours) and the file name the user's manifest is written to. */
const RUNTIME_INSTALLERS: Record<SupportedLanguage, { script: string; manifest: string; tool: string }> = {
  python3: { script: 'install-python3.sh', manifest: 'requirements.txt', tool: 'pip' },
  nodejs: { script: 'install-nodejs.sh', manifest: 'package.json', tool: 'npm' },
};

const hasInstaller = (language: string): language is SupportedLanguage => Object.hasOwn(RUNTIME_INSTALLERS, language);

/** The package manager the service's own build installs a language's dependencies with. */
export const installerToolOf = (language: string): string | undefined =>
  hasInstaller(language) ? RUNTIME_INSTALLERS[language].tool : undefined;

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
  const ours = (name: string) => readFile(join(BUILD_FILES, name));
  await writeNewFile(join(dir, 'Dockerfile'), await ours('Dockerfile'));
  await writeNewFile(join(build, 'install-system-packages.sh'), await ours('install-system-packages.sh'));
  await writeNewFile(join(build, 'install-runtime-dependencies.sh'), await ours(installer.script));
  await writeNewFile(join(build, 'trust-build-certificates.sh'), await ours('trust-build-certificates.sh'));
  await writeNewFile(join(build, 'ca-bundle.crt'), trust.caBundlePath ? await readFile(trust.caBundlePath) : '');
  await writeNewFile(join(build, 'system-packages.txt'), packageLines(spec.systemPackages));
  await writeNewFile(join(build, installer.manifest), spec.runtimeManifest);
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
    await extractTemplate(archive, dir);
  } catch (err) {
    const what =
      err instanceof TemplateEntryError
        ? `the base image's template ${templatePath} is refused: ${err.message}`
        : `could not copy the image template ${templatePath} out of the base image: ${safeLine(String(err), 300)}`;
    throw ApplicationFailure.nonRetryable(what, BUILD_FAILED);
  } finally {
    await container.remove({ force: true, v: true }).catch(() => undefined);
  }
  const dockerfile = await readFile(join(dir, 'Dockerfile'), 'utf8').catch(() => undefined);
  const violation = dockerfile === undefined ? 'it holds no Dockerfile' : templateViolation(dockerfile);
  if (violation) {
    throw ApplicationFailure.nonRetryable(
      `the base image's template ${templatePath} is refused: ${violation}`,
      BUILD_FAILED,
    );
  }
  try {
    await replaceFile(join(dir, 'system-packages.txt'), packageLines(spec.systemPackages));
    await replaceFile(join(dir, 'packages.txt'), spec.runtimeManifest);
  } catch (err) {
    throw ApplicationFailure.nonRetryable(
      `the base image's template ${templatePath} holds a folder where the service writes a file: ${safeLine(String(err), 300)}`,
      BUILD_FAILED,
    );
  }
  return {
    files: ['.'],
    buildargs: { BASE_IMAGE: baseRef, SYSTEM_PACKAGES_FILE: 'system-packages.txt', PACKAGES_FILE: 'packages.txt' },
  };
}
