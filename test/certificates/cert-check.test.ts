/**
 * `cert-check` end to end: the command as the CLI runs it (in this process, with the environment swapped in;
 * one run through the CLI in a child process), the real @aws-sdk/client-acm client configured only by the
 * standard environment variables, and a local server speaking ACM's JSON 1.1 protocol.
 */
import { NOT_ISSUED_STATUSES } from '../../lib/certificates/assessment';
import { acmCertificate, AcmServer, inDays } from '../support/acm-server';
import { cliEnvironment, runCli, runCommand } from '../support/cli';

interface JsonResult {
  ok: boolean;
  certificates: Array<{ certificateArn: string; healthy: boolean; keyAlgorithm: string; daysLeft: number }>;
  findings: Array<{ id: string; severity: string; message: string; certificateArn?: string }>;
  error?: string;
}

describe('secure-scheduling cert-check', () => {
  const acm = new AcmServer();
  let env: NodeJS.ProcessEnv;

  beforeAll(async () => {
    await acm.start();
    env = cliEnvironment({
      AWS_ENDPOINT_URL_ACM: acm.endpoint,
      AWS_ACCESS_KEY_ID: 'AKIDEXAMPLE',
      AWS_SECRET_ACCESS_KEY: 'test-secret',
      AWS_REGION: 'eu-west-1',
      AWS_MAX_ATTEMPTS: '3',
      AWS_RETRY_MODE: 'standard',
    });
  });
  afterAll(() => acm.stop());

  const check = async (...args: string[]) => {
    const run = await runCommand(['cert-check', ...args, '--json'], env);
    return { ...run, result: JSON.parse(run.stdout || '{}') as JsonResult };
  };
  const filler = (n: number) =>
    Array.from({ length: n }, (_, i) => acmCertificate(`host${i}.other.example.org`));

  describe('a healthy certificate', () => {
    test('is found over three pages of ListCertificates, whatever its key type, and exits 0', async () => {
      const good = acmCertificate('schedule.example.com', { KeyAlgorithm: 'EC_prime256v1' });
      acm.use({ certificates: [...filler(120), good, ...filler(60)], pageSize: 50 });
      const { status, result } = await check('--domain', 'schedule.example.com');
      expect(status).toBe(0);
      expect(result).toEqual({
        ok: true,
        certificates: [
          expect.objectContaining({ certificateArn: good.CertificateArn, healthy: true, daysLeft: 365 }),
        ],
        findings: [],
      });
      const lists = acm.requests.filter((r) => r.operation === 'ListCertificates');
      expect(lists).toHaveLength(4);
      // ACM lists only RSA 1024/2048 certificates unless asked for every key type.
      expect((lists[0].body.Includes as { keyTypes: string[] }).keyTypes).toEqual(
        expect.arrayContaining(['RSA_2048', 'RSA_4096', 'EC_prime256v1', 'EC_secp384r1']),
      );
      // Only the candidate is described; requests are signed with the credentials from the environment.
      expect(acm.requests.filter((r) => r.operation === 'DescribeCertificate').map((r) => r.body)).toEqual([
        { CertificateArn: good.CertificateArn },
      ]);
      expect(acm.requests[0].authorization).toContain('Credential=AKIDEXAMPLE/');
      expect(acm.requests[0].authorization).toContain('/eu-west-1/acm/aws4_request');
    });

    test('prints a line a person can read without --json', async () => {
      const good = acmCertificate('schedule.example.com');
      acm.use({ certificates: [good] });
      const run = await runCommand(['cert-check', '--domain', 'schedule.example.com'], env);
      expect(run.status).toBe(0);
      expect(run.stdout).toContain(
        `ok   ${good.CertificateArn} (schedule.example.com, ISSUED, AMAZON_ISSUED, RSA_2048, 365 days left)`,
      );
      expect(run.stdout).toContain('certificate for schedule.example.com: ok');
    });
  });

  describe('findings exit 1', () => {
    test('every status other than ISSUED is CERT_NOT_ISSUED', async () => {
      const certificates = NOT_ISSUED_STATUSES.map((Status) =>
        acmCertificate('schedule.example.com', { Status }),
      );
      acm.use({ certificates });
      const { status, result } = await check('--domain', 'schedule.example.com');
      expect(status).toBe(1);
      expect(result.ok).toBe(false);
      expect(result.findings.map((f) => [f.id, f.certificateArn])).toEqual(
        certificates.map((c) => ['CERT_NOT_ISSUED', c.CertificateArn]),
      );
      NOT_ISSUED_STATUSES.forEach((s, i) => expect(result.findings[i].message).toContain(s));
    });

    test('an imported self-signed certificate is CERT_IMPORTED, said to be self-signed', async () => {
      acm.use({
        certificates: [
          acmCertificate('schedule.example.com', {
            Type: 'IMPORTED',
            Issuer: 'schedule.example.com',
            Subject: 'CN=schedule.example.com',
            RenewalEligibility: 'INELIGIBLE',
          }),
        ],
      });
      const { status, result } = await check('--domain', 'schedule.example.com');
      expect(status).toBe(1);
      expect(result.findings).toEqual([expect.objectContaining({ id: 'CERT_IMPORTED', severity: 'error' })]);
      expect(result.findings[0].message).toContain('self-signed');
    });

    test('an imported certificate from a public CA is CERT_IMPORTED too, naming its issuer, not self-signed', async () => {
      const imported = acmCertificate('schedule.example.com', {
        Type: 'IMPORTED',
        Issuer: 'Example Trust RSA CA 2024',
        Subject: 'CN=schedule.example.com',
        RenewalEligibility: 'INELIGIBLE',
      });
      acm.use({ certificates: [imported] });
      const { status, result } = await check(
        '--domain',
        'schedule.example.com',
        '--arn',
        imported.CertificateArn,
      );
      expect(status).toBe(1);
      expect(result.findings).toEqual([
        expect.objectContaining({
          id: 'CERT_IMPORTED',
          severity: 'error',
          certificateArn: imported.CertificateArn,
        }),
      ]);
      expect(result.findings[0].message).toContain("issuer 'Example Trust RSA CA 2024'");
      expect(result.findings[0].message).not.toContain('self-signed');
      expect(result.certificates).toEqual([expect.objectContaining({ type: 'IMPORTED', healthy: false })]);
    });

    test('an RSA 1024 key is CERT_WEAK_KEY; a near expiry under --min-days is CERT_EXPIRING', async () => {
      acm.use({
        certificates: [
          acmCertificate('schedule.example.com', { KeyAlgorithm: 'RSA_1024', NotAfter: inDays(40.5) }),
        ],
      });
      const { status, result } = await check('--domain', 'schedule.example.com', '--min-days', '45');
      expect(status).toBe(1);
      expect(result.findings.map((f) => f.id)).toEqual(['CERT_WEAK_KEY', 'CERT_EXPIRING']);
      expect(result.findings[1].message).toContain('expires in 40 days');
      expect(result.findings[1].message).toContain('fewer than the 45 days required');
    });

    test('a wildcard covers one label: a.example.com yes, a.b.example.com no (CERT_NOT_FOUND)', async () => {
      acm.use({ certificates: [acmCertificate('*.example.com')] });
      expect((await check('--domain', 'schedule.example.com')).status).toBe(0);
      const deeper = await check('--domain', 'a.schedule.example.com');
      expect(deeper.status).toBe(1);
      expect(deeper.result.findings).toEqual([expect.objectContaining({ id: 'CERT_NOT_FOUND' })]);
      expect(deeper.result.findings[0].message).toContain('1 certificates listed');
    });

    test('an ARN ACM does not know (ResourceNotFoundException) is CERT_NOT_FOUND', async () => {
      acm.use({ certificates: [] });
      const arn = 'arn:aws:acm:eu-west-1:111111111111:certificate/deadbeef-0000-0000-0000-000000000000';
      const { status, result } = await check('--domain', 'schedule.example.com', '--arn', arn);
      expect(status).toBe(1);
      expect(result.findings).toEqual([
        expect.objectContaining({ id: 'CERT_NOT_FOUND', severity: 'error', certificateArn: arn }),
      ]);
      expect(acm.requests.map((r) => r.operation)).toEqual(['DescribeCertificate']);
    });

    test('an ARN whose certificate names another domain is CERT_DOMAIN_MISMATCH', async () => {
      const other = acmCertificate('book.example.com');
      acm.use({ certificates: [other] });
      const { status, result } = await check(
        '--domain',
        'schedule.example.com',
        '--arn',
        other.CertificateArn,
      );
      expect(status).toBe(1);
      expect(result.findings.map((f) => f.id)).toEqual(['CERT_DOMAIN_MISMATCH']);
    });
  });

  describe('when AWS cannot be asked', () => {
    test('throttling is retried, then succeeds', async () => {
      acm.use({ certificates: [acmCertificate('schedule.example.com')], throttle: 2 });
      const { status, result } = await check('--domain', 'schedule.example.com');
      expect(status).toBe(0);
      expect(result.ok).toBe(true);
      expect(acm.requests.filter((r) => r.operation === 'ListCertificates')).toHaveLength(3);
    });

    test('throttling past the retries exits 3, saying how many attempts were made', async () => {
      acm.use({ certificates: [acmCertificate('schedule.example.com')], throttle: 100 });
      const { status, stderr, result } = await check('--domain', 'schedule.example.com');
      expect(status).toBe(3);
      expect(stderr).toContain('ThrottlingException');
      expect(stderr).toContain('after 3 attempts');
      expect(result).toMatchObject({ ok: false, findings: [] });
    });

    test('AccessDeniedException exits 3 with the denial', async () => {
      acm.use({ certificates: [], deny: true });
      const { status, stderr } = await check('--domain', 'schedule.example.com');
      expect(status).toBe(3);
      expect(stderr).toContain('AccessDeniedException');
      expect(stderr).toContain('acm:ListCertificates');
    });

    test('no credentials anywhere in the chain exits 3', async () => {
      const bare = cliEnvironment({ AWS_ENDPOINT_URL_ACM: acm.endpoint, AWS_REGION: 'eu-west-1' });
      // Through the CLI itself: the SDK's whole credential chain of a fresh process, with nothing in it.
      const run = await runCli(['cert-check', '--domain', 'schedule.example.com'], bare);
      expect(run.status).toBe(3);
      expect(run.stderr).toMatch(/credentials/i);
    });
  });

  describe('bad usage exits 2', () => {
    test.each([
      [['--region', 'eu-west-1'], '--domain is required'],
      [
        ['--domain', 'not a domain'],
        "--domain must be a DNS name like schedule.example.com, got 'not a domain'",
      ],
      [
        ['--domain', 'a.example.com', '--min-days', 'soon'],
        "--min-days must be a whole number of days between 0 and 9999, got 'soon'",
      ],
      [['--domain', 'a.example.com', '--arn', 'arn:aws:s3:::bucket'], '--arn must be an ACM certificate ARN'],
      [
        ['--domain', 'a.example.com', '--region', 'moon-1'],
        "--region must be an AWS region name like eu-west-1, got 'moon-1'",
      ],
      [['--domain', 'a.example.com', '--colour'], "unknown option '--colour' for cert-check"],
    ])('%j', async (args, message) => {
      const run = await runCommand(['cert-check', ...args], env);
      expect(run.status).toBe(2);
      expect(run.stderr).toContain(message);
      expect(run.stderr).toContain('usage: secure-scheduling cert-check --domain <name>');
    });
  });
});
