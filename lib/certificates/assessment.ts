/**
 * The certificate assessment shared by the `cert-check` command, the `verify` command and the certificate
 * monitor's Lambda function (checklist C1). Pure: it reads ACM's description of a certificate and returns
 * findings with stable ids; it calls nothing and reads no clock of its own.
 */
import type { CertificateDetail } from '@aws-sdk/client-acm';

/**
 * Stable ids of what can be wrong with a certificate or an endpoint. Pipelines match on these; they never
 * change meaning between releases.
 */
export const FINDING_IDS = [
  'CERT_NOT_FOUND',
  'CERT_NOT_ISSUED',
  'CERT_IMPORTED',
  'CERT_WEAK_KEY',
  'CERT_EXPIRING',
  'CERT_RENEWAL_FAILED',
  'CERT_DOMAIN_MISMATCH',
  'CERT_TRANSPARENCY_DISABLED',
  'TLS_LEGACY_PROTOCOL',
  'TLS_NO_MODERN_PROTOCOL',
  'CERT_UNTRUSTED',
  'CERT_HOSTNAME_MISMATCH',
  'NO_HTTPS_REDIRECT',
  'NO_HSTS',
  'NOSNIFF_MISSING',
  'FRAME_PROTECTION_MISSING',
  'CSP_MISSING',
  'SERVER_HEADER_DISCLOSED',
  'UNKNOWN_HOST_SERVED',
  'RAW_HOSTNAME_SERVED',
  'TRACE_ENABLED',
  'SENSITIVE_PATH_SERVED',
  'PROTECTED_PATH_OPEN',
] as const;

/** One of `FINDING_IDS`. */
export type FindingId = (typeof FINDING_IDS)[number];

/** `error` fails a check (exit code 1); `warning` is reported and does not. */
export type FindingSeverity = 'error' | 'warning';

/** Something wrong with a certificate or an endpoint. */
export interface Finding {
  /** Stable id, e.g. `CERT_EXPIRING`. */
  readonly id: FindingId;
  readonly severity: FindingSeverity;
  /** One sentence for a person: what is wrong, with the values, and what to do. */
  readonly message: string;
  /** The certificate it is about, when it is about one ACM certificate. */
  readonly certificateArn?: string;
}

/** What a healthy certificate must satisfy. */
export interface CertificatePolicy {
  /** Fewer days than this before `NotAfter` is a `CERT_EXPIRING` finding. */
  readonly minDaysLeft: number;
  /** ACM key algorithms accepted; any other is a `CERT_WEAK_KEY` finding. */
  readonly allowedKeyAlgorithms: readonly string[];
}

/**
 * Key algorithms of at least the strength of RSA 2048 bits: every algorithm ACM offers except `RSA_1024`.
 * ACM starts renewing its own certificates 60 days before they expire, so 30 days left means renewal has
 * been failing for a month.
 */
export const DEFAULT_CERTIFICATE_POLICY: CertificatePolicy = {
  minDaysLeft: 30,
  allowedKeyAlgorithms: ['RSA_2048', 'RSA_3072', 'RSA_4096', 'EC_prime256v1', 'EC_secp384r1', 'EC_secp521r1'],
};

/** Statuses ACM gives a certificate that cannot be served: anything but `ISSUED`. */
export const NOT_ISSUED_STATUSES = [
  'PENDING_VALIDATION',
  'INACTIVE',
  'EXPIRED',
  'VALIDATION_TIMED_OUT',
  'REVOKED',
  'FAILED',
] as const;

const DAY_MS = 24 * 60 * 60 * 1000;

/** A DNS name in canonical form: lower case, without a trailing dot. */
function canonical(name: string): string {
  return name.trim().toLowerCase().replace(/\.$/, '');
}

/**
 * Whether a certificate name (`example.com` or `*.example.com`) covers `domain`. A wildcard covers exactly
 * one label in the leftmost position: `*.example.com` covers `a.example.com`, not `example.com` and not
 * `a.b.example.com` (RFC 6125 6.4.3).
 */
export function nameCovers(certificateName: string, domain: string): boolean {
  const pattern = canonical(certificateName);
  const name = canonical(domain);
  if (pattern === '' || name === '') {
    return false;
  }
  if (!pattern.startsWith('*.')) {
    return pattern === name;
  }
  const firstDot = name.indexOf('.');
  return firstDot > 0 && name.slice(firstDot + 1) === pattern.slice(2);
}

/** The names a certificate holds: its domain name and its subject alternative names. */
export function certificateNames(certificate: CertificateDetail): string[] {
  const names = [
    ...(certificate.DomainName ? [certificate.DomainName] : []),
    ...(certificate.SubjectAlternativeNames ?? []),
  ];
  return [...new Set(names.map(canonical))];
}

/** Whether any name of the certificate covers `domain`. */
export function certificateCovers(certificate: CertificateDetail, domain: string): boolean {
  return certificateNames(certificate).some((n) => nameCovers(n, domain));
}

/** Whole days from `now` until `notAfter`, rounded down; negative once expired. */
export function daysLeft(notAfter: Date, now: Date): number {
  return Math.floor((notAfter.getTime() - now.getTime()) / DAY_MS);
}

/** The common name in a distinguished name like `CN=example.com,O=Example`, or the name itself. */
function commonName(distinguishedName: string): string {
  const match = /(?:^|[,/]\s*)CN=([^,/]+)/i.exec(distinguishedName);
  return (match ? match[1] : distinguishedName).trim().toLowerCase();
}

/**
 * Whether an imported certificate signed itself: ACM reports its issuer and subject, and they are the same
 * (ACM gives the issuer by name, the subject as a distinguished name, so common names are compared too).
 */
export function isSelfSigned(certificate: CertificateDetail): boolean {
  const issuer = certificate.Issuer;
  const subject = certificate.Subject;
  if (!issuer || !subject) {
    return false;
  }
  return (
    issuer.trim().toLowerCase() === subject.trim().toLowerCase() || commonName(issuer) === commonName(subject)
  );
}

/**
 * Assesses one certificate as ACM describes it (`DescribeCertificate`'s `Certificate`) for `domain` under
 * `policy`, at the time `now`. Returns its findings, errors first; none for a healthy certificate.
 */
export function assessCertificate(
  certificate: CertificateDetail,
  domain: string,
  policy: CertificatePolicy = DEFAULT_CERTIFICATE_POLICY,
  now: Date = new Date(),
): Finding[] {
  const arn = certificate.CertificateArn;
  const label = certificate.DomainName ? `'${certificate.DomainName}'` : 'the certificate';
  const findings: Finding[] = [];
  const add = (id: FindingId, severity: FindingSeverity, message: string) =>
    findings.push({ id, severity, message, ...(arn ? { certificateArn: arn } : {}) });

  const status = certificate.Status ?? 'unknown';
  if (status !== 'ISSUED') {
    add(
      'CERT_NOT_ISSUED',
      'error',
      `certificate ${label} has status ${status}, not ISSUED: a load balancer cannot serve it${status === 'PENDING_VALIDATION' ? ' (complete its DNS validation)' : ''}`,
    );
  }

  if (certificate.Type === 'IMPORTED') {
    add(
      'CERT_IMPORTED',
      'error',
      isSelfSigned(certificate)
        ? `certificate ${label} is imported and self-signed (issuer '${certificate.Issuer}' is its own subject): browsers do not trust it and ACM never renews it; request an ACM certificate (checklist C1)`
        : `certificate ${label} is imported (issuer '${certificate.Issuer ?? 'unknown'}'): ACM does not renew it, so it expires unless someone imports a new one; request an ACM certificate (checklist C1)`,
    );
  }

  const algorithm = certificate.KeyAlgorithm;
  if (algorithm !== undefined && !policy.allowedKeyAlgorithms.includes(algorithm)) {
    add(
      'CERT_WEAK_KEY',
      'error',
      `certificate ${label} has a ${algorithm} key; allowed are ${policy.allowedKeyAlgorithms.join(', ')}`,
    );
  }

  if (certificate.NotAfter !== undefined) {
    const left = daysLeft(new Date(certificate.NotAfter), now);
    if (left < policy.minDaysLeft) {
      add(
        'CERT_EXPIRING',
        'error',
        left < 0
          ? `certificate ${label} expired ${-left} days ago (${new Date(certificate.NotAfter).toISOString()})`
          : `certificate ${label} expires in ${left} days (${new Date(certificate.NotAfter).toISOString()}), fewer than the ${policy.minDaysLeft} days required`,
      );
    }
  }

  const renewal = certificate.RenewalSummary?.RenewalStatus;
  if (renewal === 'FAILED') {
    const reason = certificate.RenewalSummary?.RenewalStatusReason;
    add(
      'CERT_RENEWAL_FAILED',
      'error',
      `ACM failed to renew certificate ${label}${reason ? ` (${reason})` : ''}: check its DNS validation records`,
    );
  } else if (certificate.Type === 'AMAZON_ISSUED' && certificate.RenewalEligibility === 'INELIGIBLE') {
    add(
      'CERT_RENEWAL_FAILED',
      'error',
      `certificate ${label} is not eligible for managed renewal (it is not in use by any AWS service, or its validation cannot be repeated): it will expire`,
    );
  }

  if (!certificateCovers(certificate, domain)) {
    add(
      'CERT_DOMAIN_MISMATCH',
      'error',
      `certificate ${label} does not cover '${canonical(domain)}': its names are ${certificateNames(certificate).join(', ') || 'none'} (a wildcard covers exactly one label)`,
    );
  }

  if (certificate.Options?.CertificateTransparencyLoggingPreference === 'DISABLED') {
    add(
      'CERT_TRANSPARENCY_DISABLED',
      'warning',
      `certificate ${label} is not logged to certificate transparency logs: browsers may reject it and misissuance cannot be detected`,
    );
  }

  return findings.sort((a, b) => (a.severity === b.severity ? 0 : a.severity === 'error' ? -1 : 1));
}

/** What `cert-check` and the monitor report about one certificate. */
export interface CertificateSummary {
  readonly certificateArn: string;
  readonly domainName?: string;
  readonly status?: string;
  readonly type?: string;
  readonly keyAlgorithm?: string;
  readonly notAfter?: string;
  readonly daysLeft?: number;
  readonly inUseBy: readonly string[];
  /** No error finding. */
  readonly healthy: boolean;
}

/** The outcome of a check: the shape `--json` prints. */
export interface CheckResult {
  /** A healthy certificate covers the domain (no error finding for it). */
  readonly ok: boolean;
  readonly certificates: readonly CertificateSummary[];
  readonly findings: readonly Finding[];
}

/** Summarizes a certificate and its findings. */
export function summarize(
  certificate: CertificateDetail,
  findings: readonly Finding[],
  now: Date,
): CertificateSummary {
  const notAfter = certificate.NotAfter ? new Date(certificate.NotAfter) : undefined;
  return {
    certificateArn: certificate.CertificateArn ?? '',
    domainName: certificate.DomainName,
    status: certificate.Status,
    type: certificate.Type,
    keyAlgorithm: certificate.KeyAlgorithm,
    notAfter: notAfter?.toISOString(),
    daysLeft: notAfter ? daysLeft(notAfter, now) : undefined,
    inUseBy: certificate.InUseBy ?? [],
    healthy: !findings.some((f) => f.severity === 'error'),
  };
}

/**
 * Assesses the certificates that may serve `domain`: the check passes when at least one of them is healthy.
 * `certificates` are all candidates (from a search, or the one named by ARN); those that do not cover the
 * domain are left out of a search (`searched: true`) and reported as `CERT_DOMAIN_MISMATCH` when named.
 * No candidate at all is `CERT_NOT_FOUND`.
 */
export function assessCertificates(
  certificates: readonly CertificateDetail[],
  domain: string,
  options: {
    readonly policy?: CertificatePolicy;
    readonly now?: Date;
    /** The certificates come from a search of the account, not from an ARN. */
    readonly searched: boolean;
    /** How many certificates the search listed in all. @default - `certificates.length` */
    readonly listed?: number;
  },
): CheckResult {
  const policy = options.policy ?? DEFAULT_CERTIFICATE_POLICY;
  const now = options.now ?? new Date();
  const candidates = options.searched
    ? certificates.filter((c) => certificateCovers(c, domain))
    : certificates;
  if (candidates.length === 0) {
    return {
      ok: false,
      certificates: [],
      findings: [
        {
          id: 'CERT_NOT_FOUND',
          severity: 'error',
          message: options.searched
            ? `no ACM certificate in this account and region covers '${canonical(domain)}' (${options.listed ?? certificates.length} certificates listed)`
            : `no ACM certificate found for '${canonical(domain)}'`,
        },
      ],
    };
  }
  const assessed = candidates.map((c) => {
    const findings = assessCertificate(c, domain, policy, now);
    return { summary: summarize(c, findings, now), findings };
  });
  return {
    ok: assessed.some((a) => a.summary.healthy),
    certificates: assessed.map((a) => a.summary),
    findings: assessed.flatMap((a) => a.findings),
  };
}
