/**
 * Whether an environment variable's name says it holds a secret, judged word by word so that `SMTP_PASS` is one
 * and `KEYCLOAK_URL`, `BYPASS_CACHE` or `PASSPORT_STRATEGY` are not. A name is split into words at `_`, `-`, `.`
 * and lower-to-upper case changes (`dbPassword` is `DB PASSWORD`).
 */

/** Words that by themselves mean the value is a secret; `KEY` is one too, unless the name says it is public. */
const SECRET_WORDS: ReadonlySet<string> = new Set([
  'PASS',
  'PASSWD',
  'PASSWORD',
  'PASSWORDS',
  'PASSPHRASE',
  'SECRET',
  'SECRETS',
  'TOKEN',
  'TOKENS',
  'APIKEY',
  'PRIVATE',
  'PRIVATEKEY',
  'CREDENTIAL',
  'CREDENTIALS',
  'CREDS',
]);

/**
 * Words that make a `KEY` public: `STRIPE_PUBLISHABLE_KEY`, or any `NEXT_PUBLIC_…_KEY`, which Next.js sends to every
 * browser by its own rule.
 */
const PUBLIC_WORDS: ReadonlySet<string> = new Set(['PUBLIC', 'PUBLISHABLE', 'PUB']);

/**
 * A last word that makes the name about a secret rather than the secret itself: where it is (`SECRET_ARN`,
 * `PASSWORD_FILE`, `TOKEN_URL`), what it is called (`API_KEY_ID`, `SECRET_NAME`) or a rule about it
 * (`PASSWORD_MIN_LENGTH`).
 */
const REFERENCE_WORDS: ReadonlySet<string> = new Set([
  'ID',
  'IDS',
  'ARN',
  'NAME',
  'FILE',
  'PATH',
  'DIR',
  'URL',
  'URI',
  'HOST',
  'PORT',
  'ROUTE',
  'ENDPOINT',
  'HEADER',
  'FIELD',
  'LENGTH',
  'TTL',
  'EXPIRY',
  'ENABLED',
  'REGION',
  'ALGORITHM',
  'TYPE',
]);

/** The upper-case words of an environment variable name. */
export function nameWords(name: string): string[] {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .toUpperCase()
    .split(/[_.-]+/)
    .filter((w) => w !== '');
}

/** True when `name` says its value is a secret (see the word lists above). */
export function isSecretName(name: string): boolean {
  const words = nameWords(name);
  if (words.length === 0 || REFERENCE_WORDS.has(words[words.length - 1])) {
    return false;
  }
  const isPublic = words.some((w) => PUBLIC_WORDS.has(w));
  return words.some((w) => SECRET_WORDS.has(w) || (w === 'KEY' && !isPublic));
}
