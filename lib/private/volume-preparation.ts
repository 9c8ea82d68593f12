/**
 * The shell steps that make an app's task volumes usable before the app starts. Pure: they compute the commands
 * the task definition carries, so a test can run the very same text against a local directory tree.
 */

/**
 * Where the preparation container mounts the volume of each prepared path while it copies into it: the image's
 * own directory stays visible at its real path, so the copy reads from the image and writes to the volume.
 */
export const PREPARED_STAGING_ROOT = '/prepared';

/** One directory of the image copied into a volume. */
export interface PreparedCopy {
  /** The image's directory, for example `/calcom/apps/web/.next`. */
  readonly source: string;
  /** Where the volume is mounted in the preparation container. */
  readonly target: string;
}

/** Path of the i-th prepared volume inside the preparation container. */
export function stagingPath(index: number): string {
  return `${PREPARED_STAGING_ROOT}/${index}`;
}

/**
 * Paths the steps accept: absolute, no `..`, no trailing slash, and only characters that need no quoting in a
 * shell word or a CloudFormation string (no spaces, quotes, `$` or globs).
 */
export const SAFE_PATH = /^(\/[A-Za-z0-9_@+.-]+)+$/;

/** True when `path` is one of SAFE_PATH and has no `.` or `..` segment. */
export function isSafePath(path: string): boolean {
  return SAFE_PATH.test(path) && !path.split('/').some((segment) => segment === '.' || segment === '..');
}

/** True when `inner` is `outer` or lies below it. */
export function isWithin(inner: string, outer: string): boolean {
  return inner === outer || inner.startsWith(`${outer}/`);
}

/**
 * The preparation step: copies the content of each source directory (dot files included, symbolic links kept as
 * links) into its volume. It runs as the app's user, so every copied file and directory belongs to that user and
 * the app can later replace files in place (`sed -i` writes a temporary file beside each file and renames it,
 * which needs the directory to be writable, not only the file). `set -eu`: any failed copy fails the step, and
 * the app, which waits for the step to succeed, does not start on a half copy.
 */
export function copyScript(copies: readonly PreparedCopy[]): string {
  return ['set -eu', ...copies.map((c) => `cp -R ${quote(`${c.source}/.`)} ${quote(`${c.target}/`)}`)].join(
    '\n',
  );
}

/**
 * The ownership step, as a command without a shell: hands each volume to the app's user. Fargate creates bind
 * mount volumes owned by root with mode 0755, so nothing but root can write to them; this runs as root with
 * CAP_CHOWN alone, on the empty volumes only, and exits.
 */
export function ownerCommand(user: string, paths: readonly string[]): string[] {
  return ['chown', user, ...paths];
}

/** A single-quoted shell word (the paths are SAFE_PATH already; quoting keeps it so if that ever loosens). */
function quote(word: string): string {
  return `'${word.replace(/'/g, `'\\''`)}'`;
}
