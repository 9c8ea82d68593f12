/**
 * Domain names as Route 53 Resolver DNS Firewall takes them in a domain list. AWS documents that each entry "can
 * optionally start with `*`" and otherwise holds only `A-Z`, `a-z`, `0-9`, `-` and `.` between labels, 1 to 255
 * characters: https://docs.aws.amazon.com/Route53/latest/DeveloperGuide/resolver-dns-firewall-user-managed-domain-lists.html
 * This module is stricter, so that a typo is refused at synth rather than silently matching nothing:
 * - lower case only (DNS names compare case-insensitively; one spelling keeps the list free of duplicates);
 * - every label 1 to 63 characters of letters, digits and hyphens, never starting or ending with a hyphen, and the
 *   whole name at most 253 characters (RFC 1035 section 2.3.4 and RFC 1123 section 2.1);
 * - at least two labels, and a last label that is not all digits, so an IP address is never taken for a name;
 * - one optional leading `*.` label only: `*` alone would allow every domain, and `a.*.b.com` is not a wildcard
 *   DNS Firewall knows (the asterisk may only start the entry);
 * - no trailing dot: `example.com.` is refused rather than normalised, so the list holds exactly what was written.
 */

/** The longest DNS name, in characters, without the trailing dot (RFC 1035 section 2.3.4). */
export const MAX_DOMAIN_NAME_LENGTH = 253;
/** The longest label of a DNS name (RFC 1035 section 2.3.4). */
export const MAX_LABEL_LENGTH = 63;

const LABEL = /^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$/;

/**
 * Why `value` cannot be an entry of an allowed-domain list, or `undefined` when it can. The reason reads after
 * "must be a lower-case DNS name ... got '<value>': ".
 */
export function domainNameProblem(value: string): string | undefined {
  if (value === '*') {
    return 'a lone `*` would allow every domain';
  }
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(value) || value.includes('/')) {
    return 'a URL, not a domain name (write the host alone)';
  }
  if (/^\d{1,3}(\.\d{1,3}){3}$/.test(value) || value.includes(':')) {
    return 'an IP address or a host with a port, not a domain name';
  }
  if (value.endsWith('.')) {
    return 'a trailing dot (write the name without it)';
  }
  if (value !== value.toLowerCase()) {
    return 'upper-case letters (write it in lower case)';
  }
  const wildcard = value.startsWith('*.');
  const name = wildcard ? value.slice(2) : value;
  if (name.includes('*')) {
    return 'a `*` that is not the whole first label (only a leading `*.` is allowed)';
  }
  if (value.length > MAX_DOMAIN_NAME_LENGTH) {
    return `${value.length} characters, more than ${MAX_DOMAIN_NAME_LENGTH}`;
  }
  const labels = name.split('.');
  if (labels.length < 2) {
    return 'a single label (a domain list entry names a host or a domain, such as `api.example.com`)';
  }
  const bad = labels.find((label) => label.length > MAX_LABEL_LENGTH || !LABEL.test(label));
  if (bad !== undefined) {
    return bad.length > MAX_LABEL_LENGTH
      ? `a label of ${bad.length} characters, more than ${MAX_LABEL_LENGTH}`
      : `the label '${bad}' (labels hold letters, digits and inner hyphens only)`;
  }
  if (/^\d+$/.test(labels[labels.length - 1])) {
    return 'a numeric last label (an IP address, not a domain name)';
  }
  return undefined;
}
