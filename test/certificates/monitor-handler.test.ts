/**
 * The certificate monitor's Lambda handler end to end: the real @aws-sdk/client-acm and @aws-sdk/client-sns
 * clients against local servers speaking ACM's JSON 1.1 protocol and SNS's query protocol.
 */
import { ACMClient } from '@aws-sdk/client-acm';
import { SNSClient } from '@aws-sdk/client-sns';
import { AwsUnavailableError } from '../../lib/certificates/acm-lookup';
import {
  handler,
  metricRecord,
  MonitorSettings,
  runMonitor,
  settingsFromEnvironment,
} from '../../lib/certificates/monitor-handler';
import { acmCertificate, AcmServer, inDays } from '../support/acm-server';
import { SnsServer } from '../support/sns-server';

const TOPIC = 'arn:aws:sns:eu-west-1:111111111111:alerts';
const credentials = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'test-secret' };

interface EmfRecord {
  _aws: {
    Timestamp: number;
    CloudWatchMetrics: Array<{
      Namespace: string;
      Dimensions: string[][];
      Metrics: Array<{ Name: string; Unit: string }>;
    }>;
  };
  [field: string]: unknown;
}

describe('certificate monitor handler', () => {
  const acmServer = new AcmServer();
  const snsServer = new SnsServer();
  let clients: { acm: ACMClient; sns: SNSClient };

  beforeAll(async () => {
    await Promise.all([acmServer.start(), snsServer.start()]);
    const common = { region: 'eu-west-1', credentials, maxAttempts: 3 };
    clients = {
      acm: new ACMClient({ ...common, endpoint: acmServer.endpoint }),
      sns: new SNSClient({ ...common, endpoint: snsServer.endpoint }),
    };
  });
  afterAll(async () => {
    clients.acm.destroy();
    clients.sns.destroy();
    await Promise.all([acmServer.stop(), snsServer.stop()]);
  });

  const settings = (arns: string[], minDaysLeft = 30): MonitorSettings => ({
    certificateArns: arns,
    domainName: 'schedule.example.com',
    minDaysLeft,
    topicArn: TOPIC,
  });

  /** Runs once and returns the report, the log lines and the metric records among them. */
  const run = async (s: MonitorSettings) => {
    const lines: string[] = [];
    const report = await runMonitor(s, clients, new Date(), (l) => lines.push(l));
    const records = lines.map((l) => JSON.parse(l) as EmfRecord).filter((r) => r._aws !== undefined);
    return { report, lines, records };
  };

  describe('a healthy certificate', () => {
    test('records its days to expiry and sends nothing', async () => {
      const good = acmCertificate('schedule.example.com');
      acmServer.use({ certificates: [good] });
      snsServer.use({});
      const { report, records, lines } = await run(settings([good.CertificateArn]));
      expect(report).toEqual({ findings: [], daysLeft: { [good.CertificateArn]: 365 } });
      expect(records).toHaveLength(1);
      expect(records[0]).toMatchObject({ CertificateArn: good.CertificateArn, DaysToExpiry: 365 });
      expect(snsServer.actions).toEqual([]);
      // Only DescribeCertificate, on the configured ARN: the role allows nothing else.
      expect(acmServer.requests.map((r) => [r.operation, r.body.CertificateArn])).toEqual([
        ['DescribeCertificate', good.CertificateArn],
      ]);
      expect(JSON.parse(lines[lines.length - 1])).toEqual({
        message: 'certificates assessed',
        domainName: 'schedule.example.com',
        findings: [],
      });
    });
  });

  describe('findings go to the alert topic', () => {
    test('an expiring certificate: one message naming the finding, signed, with its ids as an attribute', async () => {
      const expiring = acmCertificate('schedule.example.com', { NotAfter: inDays(10.5) });
      acmServer.use({ certificates: [expiring] });
      snsServer.use({});
      const { report, records } = await run(settings([expiring.CertificateArn]));
      expect(report.findings.map((f) => f.id)).toEqual(['CERT_EXPIRING']);
      expect(report.daysLeft).toEqual({ [expiring.CertificateArn]: 10 });
      expect(records[0].DaysToExpiry).toBe(10);
      expect(report.messageId).toBe('00000000-0000-0000-0000-000000000001');
      expect(snsServer.published).toHaveLength(1);
      const [message] = snsServer.published;
      expect(message.topicArn).toBe(TOPIC);
      expect(message.subject).toBe('secure-scheduling: 1 certificate finding for schedule.example.com');
      expect(message.message).toContain('ERROR CERT_EXPIRING: certificate');
      expect(message.message).toContain('expires in 10 days');
      expect(message.attributes).toEqual({ findingIds: 'CERT_EXPIRING' });
      expect(message.authorization).toContain('Credential=AKIDEXAMPLE/');
      expect(message.authorization).toContain('/eu-west-1/sns/aws4_request');
    });

    test('a certificate ACM no longer has is CERT_NOT_FOUND; the other is still assessed and measured', async () => {
      const good = acmCertificate('schedule.example.com');
      const gone = 'arn:aws:acm:eu-west-1:111111111111:certificate/99999999-0000-0000-0000-000000000000';
      acmServer.use({ certificates: [good] });
      snsServer.use({});
      const { report, records } = await run(settings([gone, good.CertificateArn]));
      expect(report.findings).toEqual([
        expect.objectContaining({ id: 'CERT_NOT_FOUND', severity: 'error', certificateArn: gone }),
      ]);
      expect(records.map((r) => r.CertificateArn)).toEqual([good.CertificateArn]);
      expect(snsServer.published[0].subject).toBe(
        'secure-scheduling: 1 certificate finding for schedule.example.com',
      );
    });

    test('several findings: errors and warnings in one message, each id once in the attribute', async () => {
      const bad = acmCertificate('other.example.com', {
        Type: 'IMPORTED',
        Issuer: 'other.example.com',
        Subject: 'CN=other.example.com',
        KeyAlgorithm: 'RSA_1024',
        RenewalEligibility: 'INELIGIBLE',
        Options: { CertificateTransparencyLoggingPreference: 'DISABLED' },
      });
      acmServer.use({ certificates: [bad] });
      snsServer.use({});
      const { report } = await run(settings([bad.CertificateArn]));
      expect(report.findings.map((f) => f.id)).toEqual([
        'CERT_IMPORTED',
        'CERT_WEAK_KEY',
        'CERT_DOMAIN_MISMATCH',
        'CERT_TRANSPARENCY_DISABLED',
      ]);
      const [message] = snsServer.published;
      expect(message.subject).toBe('secure-scheduling: 3 certificate findings for schedule.example.com');
      expect(message.message).toContain('self-signed');
      expect(message.message).toContain('WARNING CERT_TRANSPARENCY_DISABLED');
      expect(message.attributes.findingIds).toBe(
        'CERT_IMPORTED,CERT_WEAK_KEY,CERT_DOMAIN_MISMATCH,CERT_TRANSPARENCY_DISABLED',
      );
    });

    test('warnings alone are logged, not sent', async () => {
      const quiet = acmCertificate('schedule.example.com', {
        Options: { CertificateTransparencyLoggingPreference: 'DISABLED' },
      });
      acmServer.use({ certificates: [quiet] });
      snsServer.use({});
      const { report, lines } = await run(settings([quiet.CertificateArn]));
      expect(report.findings.map((f) => f.id)).toEqual(['CERT_TRANSPARENCY_DISABLED']);
      expect(report.messageId).toBeUndefined();
      expect(snsServer.actions).toEqual([]);
      expect(lines.some((l) => l.includes('CERT_TRANSPARENCY_DISABLED'))).toBe(true);
    });

    test('a stricter policy from the settings applies', async () => {
      const fifty = acmCertificate('schedule.example.com', { NotAfter: inDays(50.5) });
      acmServer.use({ certificates: [fifty] });
      snsServer.use({});
      expect((await run(settings([fifty.CertificateArn], 30))).report.findings).toEqual([]);
      const { report } = await run(settings([fifty.CertificateArn], 60));
      expect(report.findings.map((f) => f.id)).toEqual(['CERT_EXPIRING']);
    });
  });

  describe('failures make the run fail, so Lambda retries it and then dead-letters it', () => {
    test('throttling within the retries is absorbed', async () => {
      const good = acmCertificate('schedule.example.com');
      acmServer.use({ certificates: [good], throttle: 2 });
      snsServer.use({ throttle: 1 });
      const expiring = acmCertificate('schedule.example.com', { NotAfter: inDays(3.5) });
      acmServer.scenario.certificates.push(expiring);
      const { report } = await run(settings([good.CertificateArn, expiring.CertificateArn]));
      expect(report.findings.map((f) => f.id)).toEqual(['CERT_EXPIRING']);
      expect(acmServer.requests.map((r) => r.operation)).toEqual([
        'DescribeCertificate',
        'DescribeCertificate',
        'DescribeCertificate',
        'DescribeCertificate',
      ]);
      expect(snsServer.actions).toEqual(['Publish', 'Publish']);
      expect(snsServer.published).toHaveLength(1);
    });

    test('ACM access denied rejects with the reason', async () => {
      acmServer.use({ certificates: [], deny: true });
      snsServer.use({});
      const arn = acmCertificate('schedule.example.com').CertificateArn;
      const failure = run(settings([arn]));
      await expect(failure).rejects.toBeInstanceOf(AwsUnavailableError);
      await expect(failure).rejects.toThrow(/AccessDeniedException: .*acm:DescribeCertificate/);
      expect(snsServer.actions).toEqual([]);
    });

    test('ACM throttling past the retries rejects', async () => {
      const good = acmCertificate('schedule.example.com');
      acmServer.use({ certificates: [good], throttle: 5 });
      await expect(run(settings([good.CertificateArn]))).rejects.toThrow(
        /after 3 attempts: ThrottlingException/,
      );
    });

    test('SNS refusing the message rejects', async () => {
      const expired = acmCertificate('schedule.example.com', { Status: 'EXPIRED', NotAfter: inDays(-2) });
      acmServer.use({ certificates: [expired] });
      snsServer.use({ deny: true });
      await expect(run(settings([expired.CertificateArn]))).rejects.toMatchObject({
        name: 'AuthorizationErrorException',
      });
    });
  });

  describe('metric record', () => {
    test('is CloudWatch embedded metric format: namespace, dimension, value and timestamp', () => {
      const now = new Date('2026-01-02T03:04:05Z');
      const record = JSON.parse(metricRecord('arn:cert', 'schedule.example.com', 42, now)) as EmfRecord;
      expect(record).toEqual({
        _aws: {
          Timestamp: now.getTime(),
          CloudWatchMetrics: [
            {
              Namespace: 'SecureScheduling',
              Dimensions: [['CertificateArn']],
              Metrics: [{ Name: 'DaysToExpiry', Unit: 'Count' }],
            },
          ],
        },
        CertificateArn: 'arn:cert',
        DomainName: 'schedule.example.com',
        DaysToExpiry: 42,
      });
    });
  });

  describe('entry point', () => {
    const saved = { ...process.env };
    afterEach(() => {
      process.env = { ...saved };
      jest.restoreAllMocks();
    });

    test('reads its settings and the SDK configuration from the environment, writes raw lines to stdout', async () => {
      const expiring = acmCertificate('schedule.example.com', { NotAfter: inDays(5.5) });
      acmServer.use({ certificates: [expiring] });
      snsServer.use({});
      process.env = {
        ...saved,
        AWS_ENDPOINT_URL_ACM: acmServer.endpoint,
        AWS_ENDPOINT_URL_SNS: snsServer.endpoint,
        AWS_ACCESS_KEY_ID: 'AKIDLAMBDA',
        AWS_SECRET_ACCESS_KEY: 'secret',
        AWS_REGION: 'eu-west-1',
        CERTIFICATE_ARNS: expiring.CertificateArn,
        DOMAIN_NAME: 'schedule.example.com',
        MIN_DAYS_LEFT: '30',
        ALERT_TOPIC_ARN: TOPIC,
      };
      const written: string[] = [];
      jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
        written.push(String(chunk));
        return true;
      });
      const report = await handler();
      expect(report.findings.map((f) => f.id)).toEqual(['CERT_EXPIRING']);
      expect(snsServer.published[0].authorization).toContain('Credential=AKIDLAMBDA/');
      // Each line starts with "{" (no console prefix), as embedded metrics need.
      expect(written.length).toBeGreaterThanOrEqual(2);
      expect(written.every((w) => w.startsWith('{') && w.endsWith('}\n'))).toBe(true);
      expect((JSON.parse(written[0]) as EmfRecord).DaysToExpiry).toBe(5);
    });

    test('a missing setting is a deployment error, named', () => {
      expect(() => settingsFromEnvironment({ DOMAIN_NAME: 'a.example.com' })).toThrow(
        'environment variable CERTIFICATE_ARNS is not set',
      );
      expect(
        settingsFromEnvironment({
          CERTIFICATE_ARNS: ' arn:a , arn:b ,',
          DOMAIN_NAME: 'a.example.com',
          ALERT_TOPIC_ARN: TOPIC,
        }),
      ).toEqual({
        certificateArns: ['arn:a', 'arn:b'],
        domainName: 'a.example.com',
        minDaysLeft: 30,
        topicArn: TOPIC,
      });
    });
  });
});
