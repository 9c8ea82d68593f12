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
  {
    name: 'SSLKEYLOGFILE',
    refuse: (v) => v.trim() !== '',
    why: "it makes TLS libraries write every session's keys to that file, so recorded traffic can be decrypted",
  },
];

/**
 * Node.js command-line options (in NODE_OPTIONS) that weaken TLS, and why. Left alone on purpose:
 * `--tls-max-v1.2` (TLS 1.2 stays the floor, and it is what the load balancer's own policies accept) and
 * `--use-openssl-ca` (a different trust store, the image's system one, still verified; it is how a private CA
 * baked into the image is trusted).
 */
const WEAK_NODE_OPTIONS: Readonly<Record<string, string>> = {
  '--tls-min-v1.0': 'it lets Node.js accept TLS 1.0, below the TLS 1.2 floor',
  '--tls-min-v1.1': 'it lets Node.js accept TLS 1.1, below the TLS 1.2 floor',
  '--tls-keylog': "it writes every TLS session's keys to a file, so recorded traffic can be decrypted",
};

/** Values a PostgreSQL connection string may carry that allow a plain-text or unverified connection. */
const WEAK_CONNECTION_OPTIONS: Readonly<Record<string, (value: string) => boolean>> = {
  sslmode: (v) => WEAK_PG_SSL_MODES.includes(v.toLowerCase()),
  // node-postgres: ssl=false or ssl=0 turns TLS off.
  ssl: (v) => ['false', '0'].includes(v.toLowerCase()),
  // Prisma: accept_invalid_certs skips certificate checks.
  sslaccept: (v) => v.toLowerCase() === 'accept_invalid_certs',
};

/**
 * Returns one message for each environment variable that would switch TLS certificate verification off, lower
 * the TLS floor or leak TLS session keys (checklist C1). Values that are tokens are resolved only at deploy time
 * and are skipped.
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
    const weakOptions = name.toUpperCase() === 'NODE_OPTIONS' ? weakNodeOptions(value) : [];
    const weakConnection = connectionOptions(value).filter(
      ([key, v]) => Object.hasOwn(WEAK_CONNECTION_OPTIONS, key) && WEAK_CONNECTION_OPTIONS[key](v),
    );
    if (rule && rule.refuse(value)) {
      problems.push(`\`${prop}.${name}\` is '${value}': refused because ${rule.why}`);
    } else if (weakOptions.length > 0) {
      problems.push(
        `\`${prop}.${name}\` is '${value}': refused because ${weakOptions.map((o) => `${o} (${WEAK_NODE_OPTIONS[o]})`).join('; ')}`,
      );
    } else if (weakConnection.length > 0) {
      problems.push(
        `\`${prop}.${name}\` sets ${weakConnection.map(([key, v]) => `${key}=${v}`).join(', ')} in a connection string: refused because it allows plain-text or unverified database connections (use sslmode=verify-full)`,
      );
    }
  }
  return problems;
}

/**
 * The options of NODE_OPTIONS that weaken TLS, split as Node splits it (at spaces, double quotes grouping), with
 * `_` read as `-` in an option's name as Node reads it.
 */
function weakNodeOptions(value: string): string[] {
  const words = value.match(/(?:[^\s"]+|"[^"]*")+/g) ?? [];
  return words
    .map((w) => w.replace(/"/g, '').split('=')[0].replace(/_/g, '-'))
    .filter((w) => Object.hasOwn(WEAK_NODE_OPTIONS, w));
}

/**
 * The options of a PostgreSQL connection string, lower-cased keys: the query of a URL (`postgresql://…?sslmode=…`,
 * `jdbc:postgresql://…`), read by the WHATWG URL parser, or libpq's keyword/value form (`host=db sslmode=disable`),
 * read by its own rules: `keyword = value`, spaces around `=` optional, a value in single quotes may hold spaces,
 * and a backslash escapes the next character
 * (https://www.postgresql.org/docs/current/libpq-connect.html#LIBPQ-CONNSTRING-KEYWORD-VALUE).
 */
export function connectionOptions(value: string): Array<[string, string]> {
  if (URL.canParse(value)) {
    return [...new URL(value).searchParams].map(([key, v]) => [key.toLowerCase(), v]);
  }
  return keywordValueOptions(value) ?? [];
}

function keywordValueOptions(text: string): Array<[string, string]> | undefined {
  const options: Array<[string, string]> = [];
  const isSpace = (c: string | undefined) => c !== undefined && c.trim() === '';
  let i = 0;
  const skipSpaces = () => {
    while (isSpace(text[i])) i++;
  };
  for (skipSpaces(); i < text.length; skipSpaces()) {
    let key = '';
    while (i < text.length && text[i] !== '=' && !isSpace(text[i])) key += text[i++];
    skipSpaces();
    if (key === '' || text[i] !== '=') {
      return undefined;
    }
    i++;
    skipSpaces();
    let v = '';
    const quoted = text[i] === "'";
    if (quoted) i++;
    while (i < text.length && (quoted ? text[i] !== "'" : !isSpace(text[i]))) {
      if (text[i] === '\\') i++;
      v += text[i++] ?? '';
    }
    if (quoted) {
      if (text[i] !== "'") return undefined;
      i++;
    }
    options.push([key.toLowerCase(), v]);
  }
  return options;
}
