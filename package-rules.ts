// The strict shapes a system package's name and version must have. Checked by the API on input and again by the
// build before anything is written to a build context, so no other text can reach a package manager.
export const PACKAGE_NAME = /^[A-Za-z0-9][A-Za-z0-9+._-]{0,127}$/;
export const PACKAGE_VERSION = /^[A-Za-z0-9][A-Za-z0-9+.:~_-]{0,127}$/;

export const PACKAGE_NAME_RULE =
  'must start with a letter or digit and hold only letters, digits and + . _ - (at most 128)';
export const PACKAGE_VERSION_RULE =
  'must start with a letter or digit and hold only letters, digits and + . : ~ _ - (at most 128)';

export function isSafePackage(pkg: { name: string; version?: string }): boolean {
  return PACKAGE_NAME.test(pkg.name) && (pkg.version === undefined || PACKAGE_VERSION.test(pkg.version));
}
