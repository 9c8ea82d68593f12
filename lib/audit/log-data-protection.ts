import { RemovalPolicy } from 'aws-cdk-lib';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct, IDependable } from 'constructs';
import { DEFAULT_LOG_RETENTION } from '../private/defaults';
import { Problems } from '../private/problems';
import { LogEncryptionKey } from './log-encryption-key';
import { logDeliveryPolicy } from '../private/log-delivery';

/** Name of the data protection policy the library puts on a log group, shown in the CloudWatch console. */
export const MASKING_POLICY_NAME = 'secure-scheduling-masking';

export interface MaskingFindingsProps {
  /**
   * Key that encrypts the findings.
   * @default - a new KMS key with rotation enabled
   */
  readonly encryptionKey?: kms.IKey;

  /**
   * How long the findings are kept (checklist C7).
   * @default logs.RetentionDays.THREE_MONTHS
   */
  readonly retention?: logs.RetentionDays;
}

/**
 * The log group that receives the audit findings of the library's data protection policies (checklist C7): one
 * record for each log event in which CloudWatch Logs found and masked sensitive data, naming the log group, the
 * kind of data and where in the event it was, never the data itself. Encrypted with a customer key, kept for a
 * limited time and retained when the stack is deleted; its resource policy lets the log delivery service write
 * to it, for log groups of this account only.
 * https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/mask-sensitive-log-data-audit-findings.html
 */
export class MaskingFindings extends Construct {
  /** The findings log group. */
  public readonly logGroup: logs.LogGroup;
  /** The resource policy that admits the log delivery service to the findings log group. */
  public readonly deliveryPolicy: logs.ResourcePolicy;

  constructor(scope: Construct, id: string, props: MaskingFindingsProps = {}) {
    super(scope, id);
    const retention = props.retention ?? DEFAULT_LOG_RETENTION;
    const problems = new Problems();
    problems.retention('retention', retention);
    problems.throwIfAny(this);

    this.logGroup = new logs.LogGroup(this, 'Resource', {
      retention,
      encryptionKey:
        props.encryptionKey ??
        new LogEncryptionKey(this, 'Key', { description: 'Encrypts the masking audit findings' }).key,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    // Findings reach CloudWatch Logs through the log delivery service, which writes only to a log group whose
    // resource policy admits it (data-protection-policy-permissions.html in the CloudWatch Logs User Guide).
    this.deliveryPolicy = logDeliveryPolicy(this, 'DeliveryPolicy', this.logGroup.logGroupName).policy;
  }
}

/**
 * A data protection policy that audits and masks `identifiers` (names of CloudWatch Logs managed data
 * identifiers, checked by `dataIdentifierProblems`) in the events a log group ingests, with its findings sent to
 * `findings`. Masking happens at ingestion: a reader sees asterisks unless granted `logs:Unmask`.
 * https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/mask-sensitive-log-data.html
 */
export function maskingPolicy(
  identifiers: readonly string[],
  findings: logs.ILogGroup,
): logs.DataProtectionPolicy {
  return new logs.DataProtectionPolicy({
    name: MASKING_POLICY_NAME,
    description: `Masks ${identifiers.join(', ')} (checklist C7)`,
    identifiers: identifiers.map((name) => new logs.DataIdentifier(name)),
    logGroupAuditDestination: findings,
  });
}

/**
 * What a log group with a masking policy waits for: the findings log group and, when it is a `MaskingFindings`,
 * the resource policy that admits the deliveries to it (else AWS would write an account-wide one of its own).
 */
export function findingsReady(findings: logs.ILogGroup): IDependable {
  const owner = findings.node.scope;
  return owner instanceof MaskingFindings ? owner : findings;
}
