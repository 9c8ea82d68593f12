import { Duration } from 'aws-cdk-lib';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as events from 'aws-cdk-lib/aws-events';
import { Construct } from 'constructs';
import {
  ACM_RENEWAL_STARTS_DAYS,
  DEFAULT_CERTIFICATE_EXPIRY_ALARM_DAYS,
  DEFAULT_CERTIFICATE_EXPIRY_EVENTS_DAYS,
  MAX_CERTIFICATE_EXPIRY_EVENTS_DAYS,
} from '../private/defaults';
import { Problems } from '../private/problems';
import { AlertTopic } from './alert-topic';

/** The ACM events about a certificate's end that reach the alert topic. */
export const ACM_EXPIRY_EVENTS: readonly string[] = [
  'ACM Certificate Approaching Expiration',
  'ACM Certificate Expired',
  'ACM Certificate Renewal Action Required',
];

export interface CertificateExpiryProps {
  /** The certificates to watch, in this stack's region. */
  readonly certificates: readonly acm.ICertificate[];
  /** Topic the alarm and the events go to. */
  readonly alerts: AlertTopic;
  /**
   * The alarm fires when a certificate has this many days left or fewer: 1 to 59. ACM starts renewing its
   * own certificates 60 days before they expire, so a certificate that gets this close was not renewed.
   * @default 30
   */
  readonly alarmDaysToExpiry?: number;
  /**
   * The account's ACM expiry-events window (`PutAccountConfiguration` `ExpiryEvents.DaysBeforeExpiry`),
   * 1 to 45 days: from then on ACM sends an "ACM Certificate Approaching Expiration" event every day. It is
   * a setting of the account and region, not of a stack, so CloudFormation cannot set it: the stack outputs
   * the command that does (`ExpiryEventsCommand`).
   * @default 45 (ACM's own default)
   */
  readonly expiryEventsDaysBeforeExpiry?: number;
}

/**
 * Watches the stack's certificates for expiry (checklist C1): an alarm on ACM's `DaysToExpiry` metric for
 * each certificate, and an EventBridge rule that sends ACM's expiry and renewal events for these
 * certificates to the alert topic.
 */
export class CertificateExpiry extends Construct {
  /** One alarm per certificate, in the order given. */
  public readonly alarms: cloudwatch.Alarm[];
  /** The rule for ACM's expiry events. */
  public readonly rule: events.Rule;
  /** The account's expiry-events window this deployment expects, in days. */
  public readonly expiryEventsDaysBeforeExpiry: number;
  /** The AWS CLI command that sets the account's expiry-events window. */
  public readonly expiryEventsCommand: string;

  constructor(scope: Construct, id: string, props: CertificateExpiryProps) {
    super(scope, id);
    const alarmDays = props.alarmDaysToExpiry ?? DEFAULT_CERTIFICATE_EXPIRY_ALARM_DAYS;
    const eventDays = props.expiryEventsDaysBeforeExpiry ?? DEFAULT_CERTIFICATE_EXPIRY_EVENTS_DAYS;
    const problems = new Problems();
    problems.check(props.certificates.length === 0, '`certificates` must name at least one certificate');
    problems.range('alarmDaysToExpiry', alarmDays, 1, ACM_RENEWAL_STARTS_DAYS - 1, 'days');
    problems.range('expiryEventsDaysBeforeExpiry', eventDays, 1, MAX_CERTIFICATE_EXPIRY_EVENTS_DAYS, 'days');
    problems.throwIfAny(this);

    this.expiryEventsDaysBeforeExpiry = eventDays;
    this.expiryEventsCommand = `aws acm put-account-configuration --expiry-events DaysBeforeExpiry=${eventDays} --idempotency-token secure-scheduling`;

    this.alarms = props.certificates.map((certificate, i) => {
      const alarm = new cloudwatch.Alarm(this, i === 0 ? 'DaysToExpiry' : `DaysToExpiry${i + 1}`, {
        alarmDescription: `A certificate of this deployment expires in ${alarmDays} days or fewer and was not renewed: check its renewal status in ACM (DNS validation record, or re-import).`,
        // ACM publishes the metric once a day.
        metric: certificate.metricDaysToExpiry({
          period: Duration.days(1),
          statistic: cloudwatch.Stats.MINIMUM,
        }),
        threshold: alarmDays,
        comparisonOperator: cloudwatch.ComparisonOperator.LESS_THAN_OR_EQUAL_TO_THRESHOLD,
        evaluationPeriods: 1,
        treatMissingData: cloudwatch.TreatMissingData.MISSING,
      });
      props.alerts.notify(alarm);
      return alarm;
    });

    this.rule = new events.Rule(this, 'Events', {
      description: "Alerts on ACM expiry and renewal events of this deployment's certificates",
      eventPattern: {
        source: ['aws.acm'],
        detailType: [...ACM_EXPIRY_EVENTS],
        resources: props.certificates.map((c) => c.certificateArn),
      },
    });
    props.alerts.addEventRule(
      this.rule,
      events.RuleTargetInput.fromObject({
        alert: `${events.EventField.detailType} for a certificate of this deployment`,
        // In text, so that an event without a common name or a day count still makes valid JSON.
        certificate: `${events.EventField.fromPath('$.resources[0]')} (${events.EventField.fromPath('$.detail.CommonName')})`,
        status: `${events.EventField.fromPath('$.detail.DaysToExpiry')} days to expiry`,
        when: events.EventField.time,
        region: events.EventField.region,
        account: events.EventField.account,
      }),
    );
  }
}
