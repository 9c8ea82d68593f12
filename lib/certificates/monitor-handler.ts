/**
 * The certificate monitor's Lambda function (bundled by esbuild; the AWS SDK comes from the Lambda runtime).
 * Once a day it describes the stack's certificates in ACM, assesses them with the same core as `cert-check`,
 * records the days each has left as a CloudWatch metric and sends error findings (with any warnings) to the
 * alert topic.
 */
import { ACMClient } from '@aws-sdk/client-acm';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { describeCertificate } from './acm-lookup';
import { assessCertificate, daysLeft, DEFAULT_CERTIFICATE_POLICY, Finding } from './assessment';
import { MONITOR_ENVIRONMENT, MONITOR_METRIC } from './monitor-contract';

export interface MonitorSettings {
  readonly certificateArns: readonly string[];
  readonly domainName: string;
  readonly minDaysLeft: number;
  readonly topicArn: string;
}

/** What one run found. */
export interface MonitorReport {
  readonly findings: readonly Finding[];
  /** Days left per certificate ARN, for those ACM described. */
  readonly daysLeft: Readonly<Record<string, number>>;
  /** Id of the alert published, when there was something to say. */
  readonly messageId?: string;
}

/** Reads the settings from the function's environment; a missing one is a deployment error, thrown. */
export function settingsFromEnvironment(env: NodeJS.ProcessEnv): MonitorSettings {
  const read = (name: string) => {
    const value = env[name];
    if (!value) {
      throw new Error(`environment variable ${name} is not set`);
    }
    return value;
  };
  const minDaysLeft = Number(env[MONITOR_ENVIRONMENT.minDaysLeft] ?? DEFAULT_CERTIFICATE_POLICY.minDaysLeft);
  return {
    certificateArns: read(MONITOR_ENVIRONMENT.certificateArns)
      .split(',')
      .map((a) => a.trim())
      .filter((a) => a !== ''),
    domainName: read(MONITOR_ENVIRONMENT.domainName),
    minDaysLeft: Number.isFinite(minDaysLeft) ? minDaysLeft : DEFAULT_CERTIFICATE_POLICY.minDaysLeft,
    topicArn: read(MONITOR_ENVIRONMENT.topicArn),
  };
}

/**
 * A CloudWatch embedded-metric-format record: written to the function's log, CloudWatch Logs turns it into the
 * metric. No `cloudwatch:PutMetricData` permission (which cannot be limited to a resource) is needed.
 */
export function metricRecord(certificateArn: string, domainName: string, days: number, now: Date): string {
  return JSON.stringify({
    _aws: {
      Timestamp: now.getTime(),
      CloudWatchMetrics: [
        {
          Namespace: MONITOR_METRIC.namespace,
          Dimensions: [[MONITOR_METRIC.dimension]],
          Metrics: [{ Name: MONITOR_METRIC.name, Unit: 'Count' }],
        },
      ],
    },
    [MONITOR_METRIC.dimension]: certificateArn,
    DomainName: domainName,
    [MONITOR_METRIC.name]: days,
  });
}

/**
 * One run: describe, assess, record, alert. Throws when ACM cannot be asked, so that Lambda retries the
 * run and, after the retries, keeps the event in the dead-letter queue.
 */
export async function runMonitor(
  settings: MonitorSettings,
  clients: { readonly acm: ACMClient; readonly sns: SNSClient },
  now: Date,
  log: (line: string) => void,
): Promise<MonitorReport> {
  const policy = { ...DEFAULT_CERTIFICATE_POLICY, minDaysLeft: settings.minDaysLeft };
  const findings: Finding[] = [];
  const left: Record<string, number> = {};
  for (const arn of settings.certificateArns) {
    const certificate = await describeCertificate(clients.acm, arn);
    if (!certificate) {
      findings.push({
        id: 'CERT_NOT_FOUND',
        severity: 'error',
        message: `ACM has no certificate ${arn}: the load balancer's certificate was deleted or replaced`,
        certificateArn: arn,
      });
      continue;
    }
    findings.push(...assessCertificate(certificate, settings.domainName, policy, now));
    if (certificate.NotAfter) {
      left[arn] = daysLeft(new Date(certificate.NotAfter), now);
      log(metricRecord(arn, settings.domainName, left[arn], now));
    }
  }
  log(JSON.stringify({ message: 'certificates assessed', domainName: settings.domainName, findings }));
  const errors = findings.filter((f) => f.severity === 'error').length;
  // Warnings alone are logged, not sent: a daily message about a deliberate choice teaches people to ignore
  // the topic. They ride along with any error.
  if (errors === 0) {
    return { findings, daysLeft: left };
  }
  const published = await clients.sns.send(
    new PublishCommand({
      TopicArn: settings.topicArn,
      // SNS limits a subject to 100 characters.
      Subject:
        `secure-scheduling: ${errors} certificate finding${errors === 1 ? '' : 's'} for ${settings.domainName}`.slice(
          0,
          100,
        ),
      Message: [
        `The daily certificate check of ${settings.domainName} found:`,
        '',
        ...findings.map((f) => `- ${f.severity.toUpperCase()} ${f.id}: ${f.message}`),
        '',
        'Run `secure-scheduling cert-check --domain <name>` for the same check; docs/certificates.md says what each id means.',
      ].join('\n'),
      MessageAttributes: {
        findingIds: { DataType: 'String', StringValue: [...new Set(findings.map((f) => f.id))].join(',') },
      },
    }),
  );
  return { findings, daysLeft: left, messageId: published.MessageId };
}

/** Lambda entry point: a scheduled event starts one run. */
export async function handler(): Promise<MonitorReport> {
  const acm = new ACMClient({});
  const sns = new SNSClient({});
  // Raw lines on stdout reach the log as they are, which embedded metrics need (console.log adds a prefix).
  return runMonitor(settingsFromEnvironment(process.env), { acm, sns }, new Date(), (line) => {
    process.stdout.write(`${line}\n`);
  });
}
