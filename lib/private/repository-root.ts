import { existsSync } from 'node:fs';
import * as path from 'node:path';

/**
 * The root of the git working tree that holds `directory` (the nearest ancestor with a `.git` directory or
 * file), or `directory` itself outside one. Code-scanning tools place a file by its path from this root.
 */
export function repositoryRoot(directory: string): string {
  for (let current = path.resolve(directory); ; current = path.dirname(current)) {
    if (existsSync(path.join(current, '.git'))) return current;
    if (path.dirname(current) === current) return path.resolve(directory);
  }
}

/** `file` relative to `root` with forward slashes, or undefined when it is outside `root`. */
export function pathWithin(root: string, file: string): string | undefined {
  const relative = path.relative(root, path.resolve(root, file));
  if (relative === '' || relative.startsWith('..') || path.isAbsolute(relative)) return undefined;
  return relative.split(path.sep).join('/');
}
