/** Text formats checked at synth, shared by the constructs and the app's settings. */

/** An email address: something@domain.tld, no spaces. */
export const EMAIL_ADDRESS = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/** An https:// URL with a host. */
export const HTTPS_URL = /^https:\/\/[^\s/]+(\/\S*)?$/;
