/** A URL with a password in it, such as `postgres://user:password@host/db`. */
export const URL_WITH_PASSWORD = /^[a-z][a-z0-9+.-]*:\/\/[^/:@\s]+:[^@\s]+@/i;
