/**
 * What the certificate monitor's construct and its Lambda function agree on: environment variable names and
 * the metric. Imports nothing, so the construct does not load the function's SDK clients at synth.
 */

/** Namespace and name of the metric the monitor records, one value per certificate a day. */
export const MONITOR_METRIC = {
  namespace: 'SecureScheduling',
  name: 'DaysToExpiry',
  dimension: 'CertificateArn',
} as const;

/** Environment variables the construct sets on the function. */
export const MONITOR_ENVIRONMENT = {
  certificateArns: 'CERTIFICATE_ARNS',
  domainName: 'DOMAIN_NAME',
  minDaysLeft: 'MIN_DAYS_LEFT',
  topicArn: 'ALERT_TOPIC_ARN',
} as const;
