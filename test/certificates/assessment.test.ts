import type { CertificateDetail } from '@aws-sdk/client-acm';
import {
  assessCertificate,
  assessCertificates,
  DEFAULT_CERTIFICATE_POLICY,
  Finding,
  isSelfSigned,
  nameCovers,
  NOT_ISSUED_STATUSES,
} from '../../lib/certificates/assessment';

const NOW = new Date('2026-06-01T00:00:00Z');
const ARN = 'arn:aws:acm:eu-west-1:111111111111:certificate/11111111-2222-3333-4444-555555555555';

/** A healthy ACM-issued certificate for schedule.example.com, a year left. */
function healthy(overrides: Partial<CertificateDetail> = {}): CertificateDetail {
  return {
    CertificateArn: ARN,
    DomainName: 'schedule.example.com',
    SubjectAlternativeNames: ['schedule.example.com'],
    Status: 'ISSUED',
    Type: 'AMAZON_ISSUED',
    KeyAlgorithm: 'RSA_2048',
    Issuer: 'Amazon',
    Subject: 'CN=schedule.example.com',
    NotBefore: new Date('2026-01-01T00:00:00Z'),
    NotAfter: new Date('2027-06-01T00:00:00Z'),
    RenewalEligibility: 'ELIGIBLE',
    InUseBy: ['arn:aws:elasticloadbalancing:eu-west-1:111111111111:loadbalancer/app/x/1'],
    Options: { CertificateTransparencyLoggingPreference: 'ENABLED' },
    ...overrides,
  };
}

const ids = (findings: readonly Finding[]) => findings.map((f) => f.id);

describe('assessCertificate', () => {
  describe('a healthy certificate', () => {
    test('has no finding', () => {
      expect(assessCertificate(healthy(), 'schedule.example.com', DEFAULT_CERTIFICATE_POLICY, NOW)).toEqual(
        [],
      );
    });
  });

  describe('CERT_NOT_ISSUED', () => {
    test.each(NOT_ISSUED_STATUSES)('is an error for status %s', (status) => {
      const findings = assessCertificate(healthy({ Status: status }), 'schedule.example.com', undefined, NOW);
      expect(ids(findings)).toEqual(['CERT_NOT_ISSUED']);
      expect(findings[0]).toMatchObject({ severity: 'error', certificateArn: ARN });
      expect(findings[0].message).toContain(status);
    });
  });

  describe('CERT_IMPORTED', () => {
    test('an imported certificate signed by a CA is reported, naming its issuer', () => {
      const findings = assessCertificate(
        healthy({ Type: 'IMPORTED', Issuer: 'Example CA', RenewalEligibility: 'INELIGIBLE' }),
        'schedule.example.com',
        undefined,
        NOW,
      );
      expect(ids(findings)).toEqual(['CERT_IMPORTED']);
      expect(findings[0].message).toContain("issuer 'Example CA'");
      expect(findings[0].message).not.toContain('self-signed');
    });

    test('an imported certificate whose issuer is its subject is reported as self-signed', () => {
      const cert = healthy({
        Type: 'IMPORTED',
        Issuer: 'schedule.example.com',
        Subject: 'CN=schedule.example.com',
      });
      expect(isSelfSigned(cert)).toBe(true);
      const findings = assessCertificate(cert, 'schedule.example.com', undefined, NOW);
      expect(ids(findings)).toEqual(['CERT_IMPORTED']);
      expect(findings[0].message).toContain('self-signed');
    });

    test('identical issuer and subject distinguished names are self-signed too', () => {
      expect(isSelfSigned(healthy({ Issuer: 'CN=x,O=Y', Subject: 'cn=x,o=y' }))).toBe(true);
      expect(isSelfSigned(healthy())).toBe(false);
    });
  });

  describe('CERT_WEAK_KEY', () => {
    test('RSA 1024 is weak', () => {
      const findings = assessCertificate(
        healthy({ KeyAlgorithm: 'RSA_1024' }),
        'schedule.example.com',
        undefined,
        NOW,
      );
      expect(ids(findings)).toEqual(['CERT_WEAK_KEY']);
      expect(findings[0].message).toContain('RSA_1024');
    });

    test.each(DEFAULT_CERTIFICATE_POLICY.allowedKeyAlgorithms)('%s is accepted by default', (algorithm) => {
      expect(
        assessCertificate(
          healthy({ KeyAlgorithm: algorithm as never }),
          'schedule.example.com',
          undefined,
          NOW,
        ),
      ).toEqual([]);
    });

    test('a stricter policy refuses what it does not list', () => {
      const policy = { ...DEFAULT_CERTIFICATE_POLICY, allowedKeyAlgorithms: ['EC_prime256v1'] };
      expect(ids(assessCertificate(healthy(), 'schedule.example.com', policy, NOW))).toEqual([
        'CERT_WEAK_KEY',
      ]);
    });
  });

  describe('CERT_EXPIRING', () => {
    test('fewer days left than the policy is an error that says how many', () => {
      const findings = assessCertificate(
        healthy({ NotAfter: new Date('2026-06-11T12:00:00Z') }),
        'schedule.example.com',
        undefined,
        NOW,
      );
      expect(ids(findings)).toEqual(['CERT_EXPIRING']);
      expect(findings[0].message).toContain('expires in 10 days');
    });

    test('exactly the minimum is fine; an expired certificate says when it expired', () => {
      const at30 = healthy({ NotAfter: new Date('2026-07-01T00:00:00Z') });
      expect(assessCertificate(at30, 'schedule.example.com', undefined, NOW)).toEqual([]);
      const expired = assessCertificate(
        healthy({ NotAfter: new Date('2026-05-01T00:00:00Z'), Status: 'EXPIRED' }),
        'schedule.example.com',
        undefined,
        NOW,
      );
      expect(ids(expired)).toEqual(['CERT_NOT_ISSUED', 'CERT_EXPIRING']);
      expect(expired[1].message).toContain('expired 31 days ago');
    });
  });

  describe('CERT_RENEWAL_FAILED', () => {
    test('a failed renewal is reported with its reason', () => {
      const findings = assessCertificate(
        healthy({
          RenewalSummary: {
            RenewalStatus: 'FAILED',
            RenewalStatusReason: 'DOMAIN_VALIDATION_DENIED',
            DomainValidationOptions: [],
            UpdatedAt: NOW,
          },
        }),
        'schedule.example.com',
        undefined,
        NOW,
      );
      expect(ids(findings)).toEqual(['CERT_RENEWAL_FAILED']);
      expect(findings[0].message).toContain('DOMAIN_VALIDATION_DENIED');
    });

    test('an ACM certificate ineligible for renewal is reported; an imported one only as imported', () => {
      expect(
        ids(
          assessCertificate(
            healthy({ RenewalEligibility: 'INELIGIBLE' }),
            'schedule.example.com',
            undefined,
            NOW,
          ),
        ),
      ).toEqual(['CERT_RENEWAL_FAILED']);
      expect(
        ids(
          assessCertificate(
            healthy({ Type: 'IMPORTED', Issuer: 'CA', RenewalEligibility: 'INELIGIBLE' }),
            'schedule.example.com',
            undefined,
            NOW,
          ),
        ),
      ).toEqual(['CERT_IMPORTED']);
    });
  });

  describe('CERT_DOMAIN_MISMATCH', () => {
    test('a certificate for other names is reported, listing its names', () => {
      const findings = assessCertificate(healthy(), 'book.example.com', undefined, NOW);
      expect(ids(findings)).toEqual(['CERT_DOMAIN_MISMATCH']);
      expect(findings[0].message).toContain("does not cover 'book.example.com'");
      expect(findings[0].message).toContain('schedule.example.com');
    });

    test('a subject alternative name covers the domain, case and trailing dot aside', () => {
      const cert = healthy({ SubjectAlternativeNames: ['schedule.example.com', 'Book.Example.com'] });
      expect(assessCertificate(cert, 'book.example.com.', undefined, NOW)).toEqual([]);
    });
  });

  describe('CERT_TRANSPARENCY_DISABLED', () => {
    test('is a warning', () => {
      const findings = assessCertificate(
        healthy({ Options: { CertificateTransparencyLoggingPreference: 'DISABLED' } }),
        'schedule.example.com',
        undefined,
        NOW,
      );
      expect(findings).toEqual([
        expect.objectContaining({ id: 'CERT_TRANSPARENCY_DISABLED', severity: 'warning' }),
      ]);
    });
  });

  describe('ordering', () => {
    test('errors come before warnings', () => {
      const findings = assessCertificate(
        healthy({
          KeyAlgorithm: 'RSA_1024',
          Options: { CertificateTransparencyLoggingPreference: 'DISABLED' },
        }),
        'schedule.example.com',
        undefined,
        NOW,
      );
      expect(findings.map((f) => f.severity)).toEqual(['error', 'warning']);
    });
  });
});

describe('nameCovers', () => {
  test.each([
    ['*.example.com', 'a.example.com', true],
    ['*.example.com', 'example.com', false],
    ['*.example.com', 'a.b.example.com', false],
    ['*.example.com', 'a.example.org', false],
    ['*.EXAMPLE.com', 'A.example.COM.', true],
    ['example.com', 'example.com', true],
    ['example.com', 'www.example.com', false],
    ['*.a.example.com', 'b.a.example.com', true],
    ['', 'example.com', false],
  ])('%s covers %s: %s', (pattern, domain, covers) => {
    expect(nameCovers(pattern, domain)).toBe(covers);
  });
});

describe('assessCertificates', () => {
  describe('after a search', () => {
    test('nothing covering the domain is CERT_NOT_FOUND, with the number listed', () => {
      const result = assessCertificates(
        [healthy({ DomainName: 'other.example.com', SubjectAlternativeNames: [] })],
        'schedule.example.com',
        {
          searched: true,
          now: NOW,
        },
      );
      expect(result.ok).toBe(false);
      expect(result.certificates).toEqual([]);
      expect(result.findings).toEqual([expect.objectContaining({ id: 'CERT_NOT_FOUND', severity: 'error' })]);
      expect(result.findings[0].message).toContain('1 certificates listed');
    });

    test('one healthy certificate among bad ones passes; every finding is still reported', () => {
      const bad = healthy({
        CertificateArn: `${ARN}-old`,
        Status: 'EXPIRED',
        NotAfter: new Date('2026-01-01T00:00:00Z'),
      });
      const result = assessCertificates([bad, healthy()], 'schedule.example.com', {
        searched: true,
        now: NOW,
      });
      expect(result.ok).toBe(true);
      expect(result.certificates.map((c) => c.healthy)).toEqual([false, true]);
      expect(result.findings.every((f) => f.certificateArn === `${ARN}-old`)).toBe(true);
      expect(result.certificates[1]).toMatchObject({
        daysLeft: 365,
        keyAlgorithm: 'RSA_2048',
        status: 'ISSUED',
      });
    });

    test('a wildcard certificate is a candidate for a one-label subdomain', () => {
      const wildcard = healthy({ DomainName: '*.example.com', SubjectAlternativeNames: ['*.example.com'] });
      expect(assessCertificates([wildcard], 'schedule.example.com', { searched: true, now: NOW }).ok).toBe(
        true,
      );
      expect(
        assessCertificates([wildcard], 'a.schedule.example.com', { searched: true, now: NOW }).findings[0].id,
      ).toBe('CERT_NOT_FOUND');
    });

    test('warnings alone do not fail the check', () => {
      const result = assessCertificates(
        [healthy({ Options: { CertificateTransparencyLoggingPreference: 'DISABLED' } })],
        'schedule.example.com',
        { searched: true, now: NOW },
      );
      expect(result.ok).toBe(true);
      expect(ids(result.findings)).toEqual(['CERT_TRANSPARENCY_DISABLED']);
    });
  });

  describe('a certificate named by ARN', () => {
    test('that does not cover the domain is CERT_DOMAIN_MISMATCH', () => {
      const result = assessCertificates([healthy()], 'book.example.com', { searched: false, now: NOW });
      expect(result.ok).toBe(false);
      expect(ids(result.findings)).toEqual(['CERT_DOMAIN_MISMATCH']);
    });
  });
});
