import { ChecklistItem } from './acknowledgements';

/**
 * The checklist item each rule of the shipped packs serves, so the reviewers' reports group the AWS Solutions,
 * HIPAA Security, NIST 800-53 R5 and PCI DSS 3.2.1 outcomes under C1 to C10 as well. AWS Solutions rules are
 * keyed by their full id; the three conformance packs share rule names, so those are keyed by the name
 * alone. `null` marks a rule of template hygiene that serves no checklist item. A test lists every rule that
 * judges a resource of the stack's tiers (network, ingress, app, database and backups, audit trail and
 * alarms, functions, secrets, topics) and fails on one missing here.
 */
export const SHIPPED_RULE_CHECKLIST: Readonly<Record<string, ChecklistItem | null>> = {
  // AWS Solutions
  'AwsSolutions-EC23': 'C3',
  'AwsSolutions-EC27': null,
  'AwsSolutions-ECS2': 'C2',
  'AwsSolutions-ECS4': 'C10',
  'AwsSolutions-ECS7': 'C10',
  'AwsSolutions-ELB2': 'C10',
  'AwsSolutions-IAM4': 'C3',
  'AwsSolutions-IAM5': 'C3',
  'AwsSolutions-KMS5': 'C5',
  'AwsSolutions-L1': 'C4',
  'AwsSolutions-RDS2': 'C5',
  'AwsSolutions-RDS3': 'C6',
  'AwsSolutions-RDS6': 'C3',
  'AwsSolutions-RDS10': 'C6',
  'AwsSolutions-RDS11': 'C3',
  'AwsSolutions-RDS13': 'C6',
  'AwsSolutions-RDS14': 'C6',
  'AwsSolutions-RDS16': 'C10',
  'AwsSolutions-S1': 'C10',
  'AwsSolutions-S2': 'C3',
  'AwsSolutions-S5': 'C3',
  'AwsSolutions-S10': 'C1',
  'AwsSolutions-SMG4': 'C2',
  // The operator user pool: password policy, MFA, and threat protection (the Plus plan).
  'AwsSolutions-COG1': 'C2',
  'AwsSolutions-COG2': 'C2',
  'AwsSolutions-COG8': 'C2',
  'AwsSolutions-SF1': 'C10',
  'AwsSolutions-SF2': 'C10',
  'AwsSolutions-SNS3': 'C1',
  'AwsSolutions-SQS2': 'C5',
  'AwsSolutions-SQS3': 'C10',
  'AwsSolutions-SQS4': 'C1',
  'AwsSolutions-VPC7': 'C10',

  // HIPAA Security, NIST 800-53 R5, PCI DSS 3.2.1
  ALBHttpDropInvalidHeaderEnabled: 'C9',
  ALBHttpToHttpsRedirection: 'C1',
  ALBWAFEnabled: 'C9',
  CloudTrailCloudWatchLogsEnabled: 'C10',
  CloudTrailEncryptionEnabled: 'C10',
  CloudTrailLogFileValidationEnabled: 'C10',
  CloudWatchAlarmAction: 'C10',
  CloudWatchLogGroupEncrypted: 'C5',
  CloudWatchLogGroupRetentionPeriod: 'C7',
  EC2RestrictedCommonPorts: 'C3',
  EC2RestrictedSSH: 'C3',
  ECSTaskDefinitionUserForHostMode: 'C3',
  ELBDeletionProtectionEnabled: 'C5',
  ELBLoggingEnabled: 'C10',
  ELBv2ACMCertificateRequired: 'C1',
  IAMNoInlinePolicy: 'C3',
  IAMPolicyNoStatementsWithAdminAccess: 'C3',
  IAMPolicyNoStatementsWithFullAccess: 'C3',
  IAMUserNoPolicies: 'C3',
  KMSBackingKeyRotationEnabled: 'C5',
  LambdaConcurrency: 'C5',
  LambdaDLQ: 'C10',
  LambdaFunctionPublicAccessProhibited: 'C3',
  LambdaInsideVPC: 'C5',
  RDSAutomaticMinorVersionUpgradeEnabled: 'C4',
  RDSEnhancedMonitoringEnabled: 'C10',
  RDSInBackupPlan: 'C6',
  RDSInstanceBackupEnabled: 'C6',
  RDSInstanceDeletionProtectionEnabled: 'C6',
  RDSInstancePublicAccess: 'C3',
  RDSLoggingEnabled: 'C10',
  RDSMultiAZSupport: 'C6',
  RDSStorageEncrypted: 'C5',
  S3BucketLevelPublicAccessProhibited: 'C3',
  S3BucketLoggingEnabled: 'C10',
  S3BucketPublicReadProhibited: 'C3',
  S3BucketPublicWriteProhibited: 'C3',
  S3BucketReplicationEnabled: 'C6',
  S3BucketSSLRequestsOnly: 'C1',
  S3BucketVersioningEnabled: 'C6',
  S3DefaultEncryptionKMS: 'C5',
  SecretsManagerRotationEnabled: 'C2',
  SecretsManagerUsingKMSKey: 'C5',
  SNSEncryptedKMS: 'C5',
  VPCDefaultSecurityGroupClosed: 'C3',
  VPCFlowLogsEnabled: 'C10',
  VPCNoUnrestrictedRouteToIGW: 'C3',
  VPCSubnetAutoAssignPublicIpDisabled: 'C5',
  WAFv2LoggingEnabled: 'C10',
};

const CONFORMANCE_PACK = /^(HIPAA\.Security|NIST\.800\.53\.R5|PCI\.DSS\.321)-/;

/**
 * The checklist item of a shipped pack's rule (`AwsSolutions-IAM5[Resource::*]`, `PCI.DSS.321-RDSStorageEncrypted`):
 * `null` for a rule of template hygiene, `undefined` for a rule not in `SHIPPED_RULE_CHECKLIST`.
 */
export function shippedRuleChecklistItem(ruleId: string): ChecklistItem | null | undefined {
  const base = ruleId.replace(/\[.*$/, '');
  const key = CONFORMANCE_PACK.test(base) ? base.replace(CONFORMANCE_PACK, '') : base;
  return Object.prototype.hasOwnProperty.call(SHIPPED_RULE_CHECKLIST, key)
    ? SHIPPED_RULE_CHECKLIST[key]
    : undefined;
}
