import { Token } from 'aws-cdk-lib';

/** A setting that turns certificate verification off, and why it is refused. */
interface VerificationOff {
  readonly name: string;
  readonly refuse: (value: string) => boolean;
  readonly why: string;
}

const falsy = (v: string) => ['0', 'false', 'no', 'off'].includes(v.trim().toLowerCase());
const WEAK_PG_SSL_MODES = ['disable', 'allow', 'prefer', 'no-verify'];

/** Environment variables that switch certificate verification off in common runtimes and clients. */
const VERIFICATION_OFF: readonly VerificationOff[] = [
  {
    name: 'NODE_TLS_REJECT_UNAUTHORIZED',
    refuse: (v) => v.trim() === '0',
    why: 'it disables certificate checks in Node.js',
  },
  {
    name: 'PGSSLMODE',
    refuse: (v) => WEAK_PG_SSL_MODES.includes(v.trim().toLowerCase()),
    why: 'it lets the database connection fall back to plain text or skip certificate checks (use verify-full)',
  },
  { name: 'SSL_VERIFY', refuse: falsy, why: 'it turns certificate verification off' },
  {
    name: 'PYTHONHTTPSVERIFY',
    refuse: (v) => v.trim() === '0',
    why: 'it turns certificate verification off in Python',
  },
  {
    name: 'GIT_SSL_NO_VERIFY',
    refuse: (v) => v.trim() !== '' && !falsy(v),
    why: 'it turns certificate verification off in git',
  },
  {
    name: 'CURL_INSECURE',
    refuse: (v) => v.trim() !== '' && !falsy(v),
    why: 'it turns certificate verification off in curl',
  },
];

/** `sslmode=disable|allow|prefer|no-verify` inside a PostgreSQL connection string. */
const WEAK_SSLMODE_IN_URL = new RegExp(`[?&]sslmode=(${WEAK_PG_SSL_MODES.join('|')})(&|$)`, 'i');

/**
 * Returns one message for each environment variable that would switch TLS certificate verification off
 * (checklist C1). Values that are tokens are resolved only at deploy time and are skipped.
 */
export function tlsVerificationProblems(
  environment: Readonly<Record<string, string>>,
  prop: string,
): string[] {
  const problems: string[] = [];
  for (const [name, value] of Object.entries(environment)) {
    if (Token.isUnresolved(value)) {
      continue;
    }
    const rule = VERIFICATION_OFF.find((r) => r.name === name.toUpperCase());
    if (rule && rule.refuse(value)) {
      problems.push(`\`${prop}.${name}\` is '${value}': refused because ${rule.why}`);
    } else if (WEAK_SSLMODE_IN_URL.test(value)) {
      problems.push(
        `\`${prop}.${name}\` sets a weak sslmode in a connection string: refused because it allows plain-text or unverified database connections (use sslmode=verify-full)`,
      );
    }
  }
  return problems;
}
