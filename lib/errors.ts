import { IConstruct } from 'constructs';

/**
 * A problem with a construct's props or the app's configuration, found before anything is deployed.
 *
 * `code` is stable across releases, so pipelines and tests can match on it; the message names the prop,
 * echoes the bad value and says what is allowed.
 */
export class SecureSchedulingError extends Error {
  /** Stable, machine-readable code, e.g. `INVALID_PROP` or `INVALID_CONFIG`. */
  public readonly code: string;
  /** Construct path where the problem was found, when it came from a construct. */
  public readonly constructPath?: string;
  /** Each problem on its own, when several props were wrong at once. */
  public readonly problems: readonly string[];

  constructor(code: string, problems: readonly string[], scope?: IConstruct) {
    const where = scope ? `${scope.node.path}: ` : '';
    const body =
      problems.length === 1 ? problems[0] : `${problems.length} problems:\n  - ${problems.join('\n  - ')}`;
    super(`${where}${body}`);
    this.name = 'SecureSchedulingError';
    this.code = code;
    this.constructPath = scope?.node.path;
    this.problems = problems;
  }
}
