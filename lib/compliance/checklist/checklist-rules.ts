import { CfnResource } from 'aws-cdk-lib';
import { NagMessageLevel, NagRuleResult } from 'cdk-nag';
import { ChecklistItem } from '../acknowledgements';
import { CIS_METRIC_FILTER_CATEGORIES } from './cis-metric-filters';
import { alarmActions } from './rules/alarm-actions';
import { auditLogRetentionFloor } from './rules/audit-log-retention-floor';
import { auditTrail } from './rules/audit-trail';
import { backupVaultProtected } from './rules/backup-vault-protected';
import { bucketDeniesInsecureTransport } from './rules/bucket-denies-insecure-transport';
import { certificateKeyStrength } from './rules/certificate-key-strength';
import { cisChangeAlarms } from './rules/cis-change-alarms';
import { containerImagePinned } from './rules/container-image-pinned';
import { containerTlsVerification } from './rules/container-tls-verification';
import { customerManagedKeys } from './rules/customer-managed-keys';
import { databaseBackupRetention } from './rules/database-backup-retention';
import { databaseInBackupPlan } from './rules/database-in-backup-plan';
import { databaseIngressFromSecurityGroups } from './rules/database-ingress-from-security-groups';
import { databaseMinorVersionUpgrades } from './rules/database-minor-version-upgrades';
import { databaseNotReachableFromInternet } from './rules/database-not-reachable-from-internet';
import { dnsFirewallBlocks } from './rules/dns-firewall-blocks';
import { egressNamedPorts } from './rules/egress-named-ports';
import { fargateLatestPlatform } from './rules/fargate-latest-platform';
import { httpListenerRedirectsOnly } from './rules/http-listener-redirects-only';
import { httpsListenerHsts } from './rules/https-listener-hsts';
import { httpsListenerTlsPolicy } from './rules/https-listener-tls-policy';
import { iamNoWildcardAdmin } from './rules/iam-no-wildcard-admin';
import { imageScanning } from './rules/image-scanning';
import { kmsKeyRotation } from './rules/kms-key-rotation';
import { listenerAnswersOwnNames } from './rules/listener-answers-own-names';
import { listenerCertificateFromAcm } from './rules/listener-certificate-from-acm';
import { loadBalancerAccessLogs } from './rules/load-balancer-access-logs';
import { loadBalancerWebAcl } from './rules/load-balancer-web-acl';
import { logBucketExpiry } from './rules/log-bucket-expiry';
import { logDataMasking } from './rules/log-data-masking';
import { logGroupRetentionCeiling } from './rules/log-group-retention-ceiling';
import { noLiteralSecrets } from './rules/no-literal-secrets';
import { noOpenIngress } from './rules/no-open-ingress';
import { noPublicIpOnTasks } from './rules/no-public-ip-on-tasks';
import { postgresForcesTls } from './rules/postgres-forces-tls';
import { protectedPathsAuthenticate } from './rules/protected-paths-authenticate';
import { statefulResourcesRetained } from './rules/stateful-resources-retained';
import { userPoolMfa } from './rules/user-pool-mfa';
import { userPoolPasswordPolicy } from './rules/user-pool-password-policy';
import { vpcFlowLogs } from './rules/vpc-flow-logs';
import { wafLoggingRedactsCredentials } from './rules/waf-logging-redacts-credentials';
import { backupVaultLocked } from './rules/backup-vault-locked';
import { trailEvidenceLocked } from './rules/trail-evidence-locked';
import { keyDutiesSeparated } from './rules/key-duties-separated';
import { webAclLogging } from './rules/web-acl-logging';

/** One rule of the scheduling checklist pack: what it checks, why, and which checklist item it serves. */
export interface ChecklistRule {
  /** Rule id within the pack; reported as `SchedulingChecklist-<id>`. */
  readonly id: string;
  /** ERROR for the checklist's musts, WARN for its shoulds. */
  readonly level: NagMessageLevel;
  /** The checklist item the rule serves. */
  readonly checklist: ChecklistItem;
  /** What was found, as a finding's message. */
  readonly info: string;
  /** Why the rule exists. */
  readonly explanation: string;
  /** What in the library satisfies the rule by default, or what a conforming resource looks like. */
  readonly satisfiedBy: string;
  /** AWS Security Hub controls that check the same thing, where one exists. */
  readonly securityHubControls: readonly string[];
  /** The check. */
  readonly rule: (node: CfnResource) => NagRuleResult;
}

/** Every rule of `SchedulingChecklistChecks`, in checklist order. docs/compliance.md is tested against it. */
export const CHECKLIST_RULES: readonly ChecklistRule[] = [
  {
    id: 'C1-ListenerTlsPolicy',
    level: NagMessageLevel.ERROR,
    checklist: 'C1',
    info: 'The HTTPS listener does not use a security policy that accepts only TLS 1.2 or newer.',
    explanation:
      'TLS 1.0 and 1.1 are broken or deprecated; a listener must name a TLS 1.2+ policy (without one, the load balancer picks its own default).',
    securityHubControls: ['ELB.17'],
    satisfiedBy:
      'TlsLoadBalancer: the HTTPS listener uses ELBSecurityPolicy-TLS13-1-2-Res-PQ-2025-09 (TLS 1.3 and 1.2, post-quantum hybrid key exchange); `sslPolicy` accepts only TLS 1.2+ policies.',
    rule: httpsListenerTlsPolicy,
  },
  {
    id: 'C1-HttpRedirectsOnly',
    level: NagMessageLevel.ERROR,
    checklist: 'C1',
    info: 'The HTTP listener does something other than redirect to HTTPS.',
    explanation:
      'Content served over plain HTTP can be read and changed in transit; port 80 may only redirect to HTTPS.',
    securityHubControls: ['ELB.1'],
    satisfiedBy: 'TlsLoadBalancer: port 80 answers only with a permanent redirect to HTTPS.',
    rule: httpListenerRedirectsOnly,
  },
  {
    id: 'C1-Hsts',
    level: NagMessageLevel.ERROR,
    checklist: 'C1',
    info: 'The HTTPS listener does not send Strict-Transport-Security with a max-age of at least one year.',
    explanation:
      'Without HSTS a browser may try plain HTTP first, which an attacker on the path can intercept.',
    securityHubControls: [],
    satisfiedBy:
      'TlsLoadBalancer: the HTTPS listener adds `Strict-Transport-Security: max-age=31536000; includeSubDomains`.',
    rule: httpsListenerHsts,
  },
  {
    id: 'C1-CertificateKeyStrength',
    level: NagMessageLevel.ERROR,
    checklist: 'C1',
    info: 'The ACM certificate uses a key weaker than RSA 2048 bits.',
    explanation: 'RSA keys under 2048 bits can be factored with feasible effort; use RSA 2048+ or ECDSA.',
    securityHubControls: ['ACM.2'],
    satisfiedBy: 'TlsLoadBalancer: the requested ACM certificate uses RSA 2048 and is DNS-validated.',
    rule: certificateKeyStrength,
  },
  {
    id: 'C1-ContainerTlsVerification',
    level: NagMessageLevel.ERROR,
    checklist: 'C1',
    info: 'A container environment turns TLS certificate verification off.',
    explanation:
      'Settings such as NODE_TLS_REJECT_UNAUTHORIZED=0 or PGSSLMODE=prefer accept any certificate, so every outbound connection of the app can be intercepted.',
    securityHubControls: [],
    satisfiedBy: 'SchedulingService: refuses at synth any setting that turns certificate verification off.',
    rule: containerTlsVerification,
  },
  {
    id: 'C1-BucketTlsOnly',
    level: NagMessageLevel.ERROR,
    checklist: 'C1',
    info: 'The bucket policy does not deny requests that are not sent over TLS.',
    explanation:
      'Without a Deny on aws:SecureTransport false, a client can read or write the bucket over plain HTTP, in clear text.',
    securityHubControls: ['S3.5'],
    satisfiedBy: 'LogBucket: every bucket of the stack denies requests not sent over TLS.',
    rule: bucketDeniesInsecureTransport,
  },
  {
    id: 'C1-ListenerCertificateFromAcm',
    level: NagMessageLevel.WARN,
    checklist: 'C1',
    info: 'The HTTPS listener serves a certificate that is not requested from ACM in this template.',
    explanation:
      'A certificate imported by ARN may be self-signed or expire unnoticed: its renewal cannot be proven at synth. An ACM certificate of the template is DNS-validated and renewed by ACM.',
    securityHubControls: [],
    satisfiedBy:
      'TlsLoadBalancer: requests a DNS-validated certificate from ACM, which renews it; one named by ARN (`certificate`, setting `certificateArn`) is reported as acknowledged, with what the reviewer checks.',
    rule: listenerCertificateFromAcm,
  },
  {
    id: 'C1-PostgresForceTls',
    level: NagMessageLevel.ERROR,
    checklist: 'C1',
    info: 'The PostgreSQL parameter group does not set rds.force_ssl to 1.',
    explanation:
      'Without rds.force_ssl, PostgreSQL accepts clients that connect in clear text, so passwords and booking data can cross the network unencrypted.',
    securityHubControls: [],
    satisfiedBy: 'A PostgreSQL parameter group with `rds.force_ssl` = 1.',
    rule: postgresForcesTls,
  },
  {
    id: 'C2-UserPoolMfa',
    level: NagMessageLevel.ERROR,
    checklist: 'C2',
    info: 'The Cognito user pool does not require multi-factor authentication.',
    explanation:
      'A password alone is one phishing email away from an account takeover; a second factor required on every sign-in stops that.',
    securityHubControls: [],
    satisfiedBy: 'A Cognito user pool for operators with MFA required.',
    rule: userPoolMfa,
  },
  {
    id: 'C2-UserPoolPasswordPolicy',
    level: NagMessageLevel.ERROR,
    checklist: 'C2',
    info: 'The Cognito user pool accepts passwords shorter than 12 characters or without lower case, upper case, digits and symbols.',
    explanation:
      'Short or single-class passwords fall to guessing and credential stuffing; the checklist asks for 12+ characters of mixed classes.',
    securityHubControls: [],
    satisfiedBy: 'A Cognito user pool demanding 12+ characters of four classes.',
    rule: userPoolPasswordPolicy,
  },
  {
    id: 'C2-OperatorPathsAuthenticate',
    level: NagMessageLevel.ERROR,
    checklist: 'C2',
    info: 'The HTTPS listener forwards the app with no sign-in rule, or forwards operator paths before the sign-in.',
    explanation:
      'Admin and set-up paths reachable with a password alone are one phished password from takeover; the load balancer requires a sign-in with a second factor (Cognito with TOTP, or an OIDC IdP that enforces MFA) before it forwards them.',
    securityHubControls: [],
    satisfiedBy:
      "TlsLoadBalancer with `operatorLogin` and `protectedPaths` (the app's operator paths; for Cal.com CALCOM_OPERATOR_PATHS), or `protectWholeApp`; SecureSchedulingStack wires an OperatorLogin by default.",
    rule: protectedPathsAuthenticate,
  },
  {
    id: 'C2-NoLiteralSecrets',
    level: NagMessageLevel.ERROR,
    checklist: 'C2',
    info: 'A secret is written into the template as a literal value.',
    explanation:
      'A database password, secret value or secret-named environment variable typed into the template can be read by anyone who can read the template or the stack, and is never rotated; generate it in Secrets Manager and reference it.',
    securityHubControls: ['ECS.8'],
    satisfiedBy:
      'SchedulingService: app secrets are generated by Secrets Manager and reach the tasks through ECS secrets; secret-named environment variables are refused at synth.',
    rule: noLiteralSecrets,
  },
  {
    id: 'C3-DatabaseNotPublic',
    level: NagMessageLevel.ERROR,
    checklist: 'C3',
    info: 'The database is publicly accessible, or is not provably in subnets without a route to the internet.',
    explanation:
      'A database reachable from the internet can be attacked directly; it belongs in isolated subnets of a subnet group whose route tables have no internet gateway.',
    securityHubControls: ['RDS.2'],
    satisfiedBy:
      'A database not publicly accessible, in the isolated subnets of SchedulingNetwork, which have no route to the internet.',
    rule: databaseNotReachableFromInternet,
  },
  {
    id: 'C3-DatabaseIngressFromSecurityGroups',
    level: NagMessageLevel.ERROR,
    checklist: 'C3',
    info: 'The database security group admits traffic from an address range instead of from security groups.',
    explanation:
      'An address range admits every host in it, present and future; a rule naming the app security group admits only the app tasks.',
    securityHubControls: [],
    satisfiedBy: 'A database security group that admits only the app security group.',
    rule: databaseIngressFromSecurityGroups,
  },
  {
    id: 'C3-NoOpenIngress',
    level: NagMessageLevel.ERROR,
    checklist: 'C3',
    info: "The security group admits traffic from any address on a port other than a load balancer's 80 and 443.",
    explanation:
      'Only the public entry point of the site may be open to the internet; every other port must admit named sources only.',
    securityHubControls: ['EC2.18', 'EC2.19'],
    satisfiedBy:
      "TlsLoadBalancer: only the load balancer's group is open to the internet, on 443 and 80; the app group admits only the load balancer.",
    rule: noOpenIngress,
  },
  {
    id: 'C3-IamNoWildcardAdmin',
    level: NagMessageLevel.ERROR,
    checklist: 'C3',
    info: 'An IAM policy statement allows a wildcard action on every resource.',
    explanation:
      'An action of * or <service>:* on resource * is administrator access; least privilege names the actions and resources a role needs.',
    securityHubControls: ['IAM.1', 'IAM.21'],
    satisfiedBy:
      'Every role of the stack names its actions and resources (ECR pull rights on the one repository).',
    rule: iamNoWildcardAdmin,
  },
  {
    id: 'C3-KeyDutiesSeparated',
    level: NagMessageLevel.ERROR,
    checklist: 'C3',
    info: 'A KMS key policy lets the same principals administer and use the key, or hands its use to every IAM policy of an account.',
    explanation:
      'Whoever administers a key (changes its policy, schedules its deletion) need not read what it protects, and whoever reads need not administer. A key policy that gives kms:* to the account lets any IAM policy of the account do both; use belongs to the services and roles named in the key policy, and grants to AWS resources only.',
    securityHubControls: ['KMS.1', 'KMS.2'],
    satisfiedBy:
      'SeparatedDutiesKey: administration for `keyAdministrators` (or the account), use for the named services and roles, kms:CreateGrant only with kms:GrantIsForAWSResource.',
    rule: keyDutiesSeparated,
  },
  {
    id: 'C4-ImagePinned',
    level: NagMessageLevel.ERROR,
    checklist: 'C4',
    info: 'A container image is not pinned to a version tag or a digest.',
    explanation:
      'An unpinned image (no tag, or latest) changes under a running service without review; pin it and update it deliberately.',
    securityHubControls: [],
    satisfiedBy:
      'SchedulingService: the image must carry a version tag or digest (Cal.com v5.5.0 by default); `latest` is refused at synth.',
    rule: containerImagePinned,
  },
  {
    id: 'C4-FargateLatestPlatform',
    level: NagMessageLevel.WARN,
    checklist: 'C4',
    info: 'The Fargate service does not run on the latest platform version.',
    explanation: 'The latest platform version carries the current kernel and runtime security fixes.',
    securityHubControls: ['ECS.10'],
    satisfiedBy: 'SchedulingService: the Fargate service runs on platform version LATEST.',
    rule: fargateLatestPlatform,
  },
  {
    id: 'C4-DatabaseMinorVersionUpgrades',
    level: NagMessageLevel.ERROR,
    checklist: 'C4',
    info: 'The database does not take automatic minor version upgrades.',
    explanation:
      "Minor versions carry the engine's security fixes; with automatic upgrades RDS applies them in the maintenance window instead of waiting for someone to remember.",
    securityHubControls: ['RDS.13', 'RDS.35'],
    satisfiedBy: "A database with automatic minor version upgrades (RDS's default for an instance).",
    rule: databaseMinorVersionUpgrades,
  },
  {
    id: 'C4-ImageScanned',
    level: NagMessageLevel.ERROR,
    checklist: 'C4',
    info: 'An image repository does not scan images on push or does not keep tags immutable, or a repository creation template does not keep tags immutable or encrypt with KMS.',
    explanation:
      'An image that is not scanned on push can carry known vulnerabilities unnoticed, and a mutable tag can be re-pointed to an unscanned image. Repositories that a pull through cache creates take their settings from a creation template, which must keep tags immutable (ECR then keeps the image first cached) and encrypt with a customer-managed key.',
    securityHubControls: ['ECR.1', 'ECR.2'],
    satisfiedBy:
      'SchedulingImageRepository: immutable tags, scan on push, KMS key with rotation, lifecycle policy. ImageSource.pullThroughCache: a repository creation template with immutable tags, KMS and the lifecycle policy.',
    rule: imageScanning,
  },
  {
    id: 'C5-NoPublicIpOnTasks',
    level: NagMessageLevel.ERROR,
    checklist: 'C5',
    info: 'The ECS service assigns public IP addresses to its tasks.',
    explanation:
      'Tasks with a public IP can be reached from the internet around the load balancer and the web ACL.',
    securityHubControls: ['ECS.2'],
    satisfiedBy: 'SchedulingService: tasks run in private subnets without public IP addresses.',
    rule: noPublicIpOnTasks,
  },
  {
    id: 'C5-CustomerManagedKeys',
    level: NagMessageLevel.ERROR,
    checklist: 'C5',
    info: 'The data is not encrypted at rest with a customer-managed KMS key.',
    explanation:
      "A customer-managed key puts who may decrypt the data under the account's own key policy, with rotation and deletion it controls and every use logged.",
    securityHubControls: ['RDS.3', 'RDS.27'],
    satisfiedBy:
      'LogEncryptionKey and the app secrets key: every log group and secret is encrypted with a customer-managed KMS key.',
    rule: customerManagedKeys,
  },
  {
    id: 'C5-KeyRotation',
    level: NagMessageLevel.ERROR,
    checklist: 'C5',
    info: 'The KMS key does not rotate its key material automatically.',
    explanation:
      'Yearly rotation limits how much data one key version protects, and what a leaked version could decrypt.',
    securityHubControls: ['KMS.4'],
    satisfiedBy: 'Every KMS key of the stack rotates its key material yearly.',
    rule: kmsKeyRotation,
  },
  {
    id: 'C6-DatabaseBackupRetention',
    level: NagMessageLevel.ERROR,
    checklist: 'C6',
    info: 'The database keeps automated backups for fewer than 7 days.',
    explanation:
      'A problem noticed after a weekend must still be recoverable; RDS keeps one day of backups unless told otherwise.',
    securityHubControls: ['RDS.11'],
    satisfiedBy: 'A database keeping at least 7 days of automated backups.',
    rule: databaseBackupRetention,
  },
  {
    id: 'C6-DatabaseInBackupPlan',
    level: NagMessageLevel.ERROR,
    checklist: 'C6',
    info: 'The database is not selected by an AWS Backup plan of the stack.',
    explanation:
      'Automated RDS backups live and die with the instance; an AWS Backup plan keeps copies in a separate vault on a schedule of its own.',
    securityHubControls: ['RDS.26'],
    satisfiedBy: 'An AWS Backup plan of the stack that selects the database.',
    rule: databaseInBackupPlan,
  },
  {
    id: 'C6-BackupVaultProtected',
    level: NagMessageLevel.ERROR,
    checklist: 'C6',
    info: 'The backup vault is not encrypted with a customer-managed key, or its access policy does not deny deleting recovery points.',
    explanation:
      'Backups are the last resort after a compromise; a vault that denies backup:DeleteRecoveryPoint keeps a stolen credential from erasing them.',
    securityHubControls: [],
    satisfiedBy:
      'A backup vault encrypted with a customer-managed key whose access policy denies deleting recovery points.',
    rule: backupVaultProtected,
  },
  {
    id: 'C6-BackupVaultLocked',
    level: NagMessageLevel.ERROR,
    checklist: 'C6',
    info: 'The backup vault has no AWS Backup Vault Lock with a minimum retention.',
    explanation:
      'A vault policy that denies deleting recovery points can be rewritten by whoever administers the account; a Vault Lock keeps every recovery point for its minimum retention whatever the policy says (governance mode: unless someone is explicitly allowed to remove the lock; compliance mode, after its grace time: no one, not even the root user).',
    securityHubControls: [],
    satisfiedBy:
      "DatabaseBackup: the vault locked in governance mode by default, with the plan's shortest retention as minimum (`backupVaultLockMode`, `backupVaultLockDays`); BackupCopyVault likewise.",
    rule: backupVaultLocked,
  },
  {
    id: 'C6-StatefulResourcesRetained',
    level: NagMessageLevel.ERROR,
    checklist: 'C6',
    info: 'The resource holds data but would lose it when the stack deletes or replaces it.',
    explanation:
      'Databases need a DeletionPolicy and UpdateReplacePolicy of Snapshot or Retain; buckets, keys, secrets, log groups and vaults need Retain, so a mistaken change or stack deletion cannot destroy data.',
    securityHubControls: [],
    satisfiedBy:
      'Keys, secrets, log groups and buckets carry DeletionPolicy and UpdateReplacePolicy Retain (a test pins their logical ids).',
    rule: statefulResourcesRetained,
  },
  {
    id: 'C7-WafLogRedaction',
    level: NagMessageLevel.ERROR,
    checklist: 'C7',
    info: 'WAF logging does not redact the authorization and cookie headers and the query string.',
    explanation:
      'Those headers carry credentials and session tokens, which must never be written to logs; query strings carry booking links, password-reset tokens and email addresses, personal data the firewall log does not need.',
    securityHubControls: [],
    satisfiedBy:
      'WebFirewall: WAF logging redacts the authorization and cookie headers and the query string.',
    rule: wafLoggingRedactsCredentials,
  },
  {
    id: 'C7-LogDataMasking',
    level: NagMessageLevel.ERROR,
    checklist: 'C7',
    info: "The log group receives the app's or WAF's logs but does not mask email addresses.",
    explanation:
      "Whatever the app prints, and what WAF writes of each request, can carry attendees' and hosts' email addresses; a data protection policy masks them as CloudWatch Logs ingests them, so a reader of the logs sees asterisks unless granted logs:Unmask.",
    securityHubControls: [],
    satisfiedBy:
      'SchedulingService and WebFirewall: their log groups carry a data protection policy that masks EmailAddress and the credential identifiers, with its audit findings in an encrypted log group (MaskingFindings).',
    rule: logDataMasking,
  },
  {
    id: 'C7-LogRetention',
    level: NagMessageLevel.ERROR,
    checklist: 'C7',
    info: 'The log group keeps its logs forever or longer than the 400-day ceiling.',
    explanation:
      'Logs hold personal data (IP addresses, URLs); keep them long enough for an investigation, not longer.',
    securityHubControls: [],
    satisfiedBy: 'Every log group keeps 90 days by default; settings above 400 days are refused at synth.',
    rule: logGroupRetentionCeiling,
  },
  {
    id: 'C7-AuditLogRetentionFloor',
    level: NagMessageLevel.ERROR,
    checklist: 'C7',
    info: 'The audit log group keeps its events for less than 365 days.',
    explanation:
      'Audit events (the CloudTrail log group) must reach back a year for an investigation, and no further than the retention ceiling.',
    securityHubControls: ['CloudWatch.16'],
    satisfiedBy: "A trail's log group keeping at least 365 days.",
    rule: auditLogRetentionFloor,
  },
  {
    id: 'C7-LogBucketExpiry',
    level: NagMessageLevel.ERROR,
    checklist: 'C7',
    info: 'The log bucket does not expire its objects through a lifecycle rule.',
    explanation:
      'Access logs hold client IP addresses and URLs; a lifecycle expiration deletes them once they are no longer needed.',
    securityHubControls: ['S3.13'],
    satisfiedBy: 'LogBucket: load balancer access logs and their server access logs expire after 90 days.',
    rule: logBucketExpiry,
  },
  {
    id: 'C8-EgressNamedPorts',
    level: NagMessageLevel.ERROR,
    checklist: 'C8',
    info: 'The security group sends all traffic to any address.',
    explanation:
      'Outbound traffic limited to named ports keeps a compromised task from reaching arbitrary services and exfiltrating data over any protocol.',
    securityHubControls: [],
    satisfiedBy:
      'SchedulingService: the app may connect out on 443 only (`egressPorts`); the load balancer only to the app port.',
    rule: egressNamedPorts,
  },
  {
    id: 'C8-DnsFirewallBlocks',
    level: NagMessageLevel.ERROR,
    checklist: 'C8',
    info: 'The VPC can resolve any domain: no DNS Firewall rule group of the stack blocks every domain not allowed.',
    explanation:
      'An outbound allow-list of domains keeps a compromised task or function from reaching arbitrary hosts by name and from carrying data out in DNS queries; a rule group whose last rule only alerts (the rollout mode) or allows blocks nothing.',
    securityHubControls: [],
    satisfiedBy:
      "OutboundDnsFirewall: the VPC's rule group allows the AWS service domains and the app's integrations (`allowedDomains`), and its last rule blocks `*` with NXDOMAIN (`mode: 'BLOCK'`, the default); the association has mutation protection.",
    rule: dnsFirewallBlocks,
  },
  {
    id: 'C9-LoadBalancerWebAcl',
    level: NagMessageLevel.ERROR,
    checklist: 'C9',
    info: 'The internet-facing load balancer is not protected by a web ACL with a managed rule group and a rate-based rule.',
    explanation:
      'Managed rule groups block known exploits and bad inputs, and a rate limit slows credential stuffing and booking spam, before a request reaches the app.',
    securityHubControls: ['ELB.16'],
    satisfiedBy:
      'WebFirewall: AWS managed rule groups, a per-IP rate limit and a stricter one on sign-in paths, associated with the load balancer.',
    rule: loadBalancerWebAcl,
  },
  {
    id: 'C9-ListenerAnswersOwnNames',
    level: NagMessageLevel.ERROR,
    checklist: 'C9',
    info: 'The HTTPS listener forwards requests whatever their Host: its default action, or a rule without a host-header condition, reaches the app.',
    explanation:
      "Scanners find load balancers by IP address and by their raw `*.elb.amazonaws.com` name, not by the app's domain. A listener that forwards only the app's own names gives them nothing to probe, and a request for another name never reaches the app.",
    securityHubControls: [],
    satisfiedBy:
      'TlsLoadBalancer: the HTTPS listener answers any other Host with a fixed 404 and forwards `domainName` and `domainAliases` only, through host-header rules; leaked-secret paths get 404 and TRACE/TRACK 405 first.',
    rule: listenerAnswersOwnNames,
  },
  {
    id: 'C10-AuditTrail',
    level: NagMessageLevel.ERROR,
    checklist: 'C10',
    info: 'The CloudTrail trail does not record read and write management events in all regions with log file validation, a customer-managed key and delivery to CloudWatch Logs.',
    explanation:
      "The trail is the record of who changed what; it must cover every region and global service, prove its files were not altered, keep them encrypted under the account's key, and feed the alarms that watch for risky changes.",
    securityHubControls: ['CloudTrail.1', 'CloudTrail.2', 'CloudTrail.4', 'CloudTrail.5'],
    satisfiedBy: 'A multi-region trail with log file validation, a customer-managed key and CloudWatch Logs.',
    rule: auditTrail,
  },
  {
    id: 'C10-TrailEvidenceLocked',
    level: NagMessageLevel.ERROR,
    checklist: 'C10',
    info: "The trail's bucket has no S3 Object Lock, or the trail does not record deletes of its own log files.",
    explanation:
      "A stolen administrator credential must not be able to erase its traces: Object Lock keeps every log file version for its retention whatever the bucket policy says, and data events on the trail's bucket put any attempt to delete or unlock a log file in the trail itself, where an alarm sees it.",
    securityHubControls: ['S3.15', 'S3.22'],
    satisfiedBy:
      'AuditTrail: Object Lock in governance mode for at least 365 days (at creation, or in place with `trailObjectLockEnablement: in-place`), and data events for deletes and lock changes on its bucket, alarmed by CisAlarms.',
    rule: trailEvidenceLocked,
  },
  {
    id: 'C10-CisChangeAlarms',
    level: NagMessageLevel.ERROR,
    checklist: 'C10',
    info: "The trail's log group lacks a metric filter with the CIS benchmark's pattern and an alarm with an action for a category of risky changes.",
    explanation:
      'Logs nobody reads catch nothing: the CIS AWS Foundations Benchmark names the changes (IAM policies, the trail, keys, security groups, routes, root use, sign-in without MFA, ...) that must raise an alarm someone receives.',
    securityHubControls: CIS_METRIC_FILTER_CATEGORIES.flatMap((c) =>
      c.securityHubControl ? [c.securityHubControl] : [],
    ).sort((a, b) => a.localeCompare(b, 'en', { numeric: true })),
    satisfiedBy:
      "Metric filters with the CIS benchmark's patterns on the trail's log group, each with an alarm to the alert topic.",
    rule: cisChangeAlarms,
  },
  {
    id: 'C10-AlarmActions',
    level: NagMessageLevel.ERROR,
    checklist: 'C10',
    info: 'The alarm has no alarm action, or its actions are turned off.',
    explanation: 'An alarm that notifies nobody is a change or an outage nobody reviews.',
    securityHubControls: ['CloudWatch.15'],
    satisfiedBy: 'ServiceAlarms: every alarm notifies the AlertTopic.',
    rule: alarmActions,
  },
  {
    id: 'C10-LoadBalancerAccessLogs',
    level: NagMessageLevel.ERROR,
    checklist: 'C10',
    info: 'The load balancer does not write access logs.',
    explanation:
      'Access logs are the record of who asked for what; without them an incident cannot be traced.',
    securityHubControls: ['ELB.5'],
    satisfiedBy: 'TlsLoadBalancer: access logs go to a LogBucket.',
    rule: loadBalancerAccessLogs,
  },
  {
    id: 'C10-VpcFlowLogs',
    level: NagMessageLevel.ERROR,
    checklist: 'C10',
    info: 'The VPC has no flow log.',
    explanation: 'Flow logs record which addresses talked to which, the evidence of unexpected connections.',
    securityHubControls: ['EC2.6'],
    satisfiedBy: 'SchedulingNetwork: the VPC has a flow log to an encrypted log group.',
    rule: vpcFlowLogs,
  },
  {
    id: 'C10-WebAclLogging',
    level: NagMessageLevel.ERROR,
    checklist: 'C10',
    info: 'The web ACL has no logging configuration.',
    explanation:
      'WAF logs record which requests were blocked and why, the evidence of attacks and of rules that need tuning.',
    securityHubControls: ['WAF.11'],
    satisfiedBy: 'WebFirewall: the web ACL logs to an encrypted log group.',
    rule: webAclLogging,
  },
];
