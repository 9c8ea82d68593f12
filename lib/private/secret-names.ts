/**
 * Names of settings that hold a secret (…SECRET, …PASSWORD, …TOKEN, …API_KEY and the like): such a value
 * belongs in Secrets Manager, never in a template or a container environment.
 */
export const SECRET_NAME =
  /(SECRET|PASSWORD|PASSWD|PASSPHRASE|TOKEN|PRIVATE_KEY|API_KEY|ACCESS_KEY|ENCRYPTION_KEY|CREDENTIALS?)$/i;

/** A URL with a password in it, such as `postgres://user:password@host/db`. */
export const URL_WITH_PASSWORD = /^[a-z][a-z0-9+.-]*:\/\/[^/:@\s]+:[^@\s]+@/i;
