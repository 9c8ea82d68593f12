import { Validations } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';
import { coverFindingIds } from './finding-acknowledgements';

/** An item of the security checklist (see docs/architecture.md#the-security-checklist). */
export type ChecklistItem = 'C1' | 'C2' | 'C3' | 'C4' | 'C5' | 'C6' | 'C7' | 'C8' | 'C9' | 'C10';

/** One acknowledged finding: the rule, why it does not apply or is accepted, and what it waives. */
export interface Acknowledgement {
  /** Rule id as the pack reports it, e.g. `AwsSolutions-ECS2`. */
  readonly ruleId: string;
  /** Why the finding is accepted, in words a compliance reviewer can check. */
  readonly reason: string;
  /** The checklist item the rule serves; absent for a rule that checks template hygiene, not security. */
  readonly checklist?: ChecklistItem;
}

/**
 * Every acknowledged finding of secure-scheduling, in one place, by the site it applies to. A construct calls
 * `acknowledge(resource, 'site')`; nothing else in the library acknowledges a rule.
 */
export const ACKNOWLEDGEMENTS = {
  /** The operator user pool on Cognito's Essentials plan (threat protection is the opt-in Plus plan). */
  operatorUserPoolEssentials: [
    {
      ruleId: 'AwsSolutions-COG8',
      checklist: 'C2',
      reason:
        "Operators sign in with a password of 14 or more characters of four classes and a required TOTP second factor, and the few operator accounts are created by an administrator, never self-registered. Cognito's Plus plan adds adaptive threat protection at a price per monthly active user; it is a named opt-in (prop `threatProtection`, setting `operatorThreatProtection`), priced in docs/cost.md.",
    },
  ],

  /** The VPC while the outbound DNS firewall is in its ALERT rollout mode (setting `dnsFirewallMode`). */
  dnsFirewallRollout: [
    {
      ruleId: 'SchedulingChecklist-C8-DnsFirewallBlocks',
      checklist: 'C8',
      reason:
        'The operator set the outbound DNS firewall to its ALERT rollout mode (setting `dnsFirewallMode`): every query for a domain outside the allow-list is logged and raises the blocked-queries alarm, but is still resolved, so the allow-list can be completed from the query log before it is enforced. The reviewer confirms the date by which the setting returns to BLOCK; until then checklist item C8 reads not met.',
    },
  ],

  /** Subnets placed in availability zones named by the user. */
  namedAvailabilityZones: [
    {
      ruleId: 'CloudFormation-Validate::W3010',
      reason:
        "Availability zones are named on purpose: synthesis must work offline, without asking AWS which zones exist, and a deployment must not move between zones when AWS lists them in another order. The names are checked at synth to belong to the stack's region.",
    },
  ],

  /** The security group of the internet-facing load balancer. */
  publicLoadBalancerSecurityGroup: [
    {
      ruleId: 'AwsSolutions-EC23',
      checklist: 'C3',
      reason:
        'This is the public entry point of a booking site: invitees anywhere must reach it, so ports 443 (HTTPS) and 80 (which only answers with a 301 redirect to HTTPS) are open to any address. No other port is open, the web ACL filters every request before it is forwarded, and the group may send traffic only to the app port of the app tasks.',
    },
  ],

  /** The HTTPS listener of a load balancer given an existing certificate (prop `certificate`, setting `certificateArn`). */
  importedCertificate: [
    {
      ruleId: 'SchedulingChecklist-C1-ListenerCertificateFromAcm[certificate-1]',
      checklist: 'C1',
      reason:
        'The operator named an existing ACM certificate by ARN (prop `certificate`, setting `certificateArn`) instead of the DNS-validated certificate the stack requests by default, so its renewal cannot be proven at synth: ACM renews the certificates it issued, while one imported into ACM is renewed by whoever imported it. The listener still accepts only TLS 1.2+ and sends HSTS, and ACM publishes DaysToExpiry for the certificate; the reviewer confirms who renews it for this deployment.',
    },
  ],

  /** The port-80 listener, which only redirects. */
  httpRedirectListener: ['HIPAA.Security', 'NIST.800.53.R5', 'PCI.DSS.321'].map((pack) => ({
    ruleId: `${pack}-ELBv2ACMCertificateRequired`,
    checklist: 'C1' as const,
    reason:
      'This listener serves no content and holds no certificate: its only action is a permanent (301) redirect to the same URL on HTTPS port 443, whose listener uses the ACM certificate. Browsers then remember HSTS and stop using port 80.',
  })),

  /** Buckets that receive logs delivered by AWS services (load balancer access logs, S3 server access logs). */
  logDeliveryBucket: ['HIPAA.Security', 'NIST.800.53.R5', 'PCI.DSS.321'].flatMap((pack) => [
    {
      ruleId: `${pack}-S3DefaultEncryptionKMS`,
      checklist: 'C5' as const,
      reason:
        'Elastic Load Balancing access logs and S3 server access logs can only be delivered to buckets encrypted with S3-managed keys (SSE-S3); a KMS default key would stop delivery. The bucket is encrypted at rest with SSE-S3, denies non-TLS requests and blocks all public access.',
    },
    {
      ruleId: `${pack}-S3BucketReplicationEnabled`,
      checklist: 'C6' as const,
      reason:
        'These buckets hold operational request logs that expire after a fixed period (checklist C7), not the scheduling data. They are versioned and retained when the stack is deleted; copying them to a second region would double the personal data kept (client IPs, URLs) without serving recovery.',
    },
  ]),

  /** The bucket of the CloudTrail trail's log files. */
  auditTrailBucket: ['HIPAA.Security', 'NIST.800.53.R5', 'PCI.DSS.321'].map((pack) => ({
    ruleId: `${pack}-S3BucketReplicationEnabled`,
    checklist: 'C10' as const,
    reason:
      "The trail's log files are evidence that must not be altered, and they already exist twice: every event is also delivered to the trail's encrypted CloudWatch Logs log group, where the alarms read it. Log file validation writes signed hourly digests that reveal any change or deletion, the bucket is versioned, KMS-encrypted, TLS-only and blocks public access, and Object Lock can be enabled. An organization trail, not a replica in this account, is the way to keep a copy outside the account.",
  })),

  /** The default routes of the public (ingress) subnets. */
  publicSubnetRoute: ['HIPAA.Security', 'NIST.800.53.R5', 'PCI.DSS.321'].map((pack) => ({
    ruleId: `${pack}-VPCNoUnrestrictedRouteToIGW`,
    checklist: 'C3' as const,
    reason:
      'Only the public subnets route to the internet gateway, because the internet-facing load balancer and the NAT gateways must live there. No task, database or instance is placed in them, they assign no public IPs on launch, and the app and database subnets have no route to the internet gateway.',
  })),

  /** The app's task definition, which carries non-secret settings as environment variables. */
  appEnvironment: [
    {
      ruleId: 'AwsSolutions-ECS2',
      checklist: 'C2',
      reason:
        'The environment holds only non-secret settings (public URL, telemetry off, runtime mode). Every secret reaches the container from Secrets Manager through the ECS secrets mechanism, and the construct refuses at synth any environment variable whose name is that of a secret or ends like one (…SECRET, …PASSWORD, …TOKEN, …API_KEY and the like) and any setting that turns certificate verification off.',
    },
  ],

  /** The execution role of tasks whose image is in Amazon ECR. */
  ecrAuthorizationToken: [
    {
      ruleId: 'AwsSolutions-IAM5[Resource::*]',
      checklist: 'C3',
      reason:
        'ecr:GetAuthorizationToken is the only action on "*": it supports no resource-level permissions, and it only returns a login token. Pulling layers and manifests (ecr:BatchGetImage, ecr:GetDownloadUrlForLayer, ecr:BatchCheckLayerAvailability) is granted on the one repository of the app image.',
    },
  ],

  /** Random secrets generated once for the app (for Cal.com: NEXTAUTH_SECRET and CALENDSO_ENCRYPTION_KEY). */
  generatedAppSecret: [
    ...[
      'AwsSolutions-SMG4',
      'HIPAA.Security-SecretsManagerRotationEnabled',
      'NIST.800.53.R5-SecretsManagerRotationEnabled',
    ].map((ruleId) => ({
      ruleId,
      checklist: 'C2' as const,
      reason:
        'A random application key, not a password: it is generated by Secrets Manager, never seen by a person and read by the tasks only when they start, so scheduled rotation would not reach running tasks. The data encryption key (CALENDSO_ENCRYPTION_KEY) cannot change without re-encrypting the credentials stored with it. Rotation is a deliberate operation described in docs/constructs.md (new value, then a rolling deployment).',
    })),
  ],

  /** A Lambda function that calls only public AWS APIs and holds no data (the certificate monitor). */
  lambdaOutsideVpc: ['HIPAA.Security', 'NIST.800.53.R5', 'PCI.DSS.321'].map((pack) => ({
    ruleId: `${pack}-LambdaInsideVPC`,
    checklist: 'C3' as const,
    reason:
      'The certificate monitor calls only AWS APIs (ACM DescribeCertificate, SNS Publish, CloudWatch Logs) over HTTPS: it reads certificate metadata, holds no scheduling or personal data, opens no connection to the VPC and accepts none (it has no endpoint; only its daily EventBridge schedule invokes it). Inside the VPC it would still need those public endpoints, through the NAT gateways or three more priced interface endpoints, and its role would need network-interface actions on "*". Its role is limited to the named certificates, the alert topic and its own log group. The same holds for the opt-in function that turns Object Lock on for an existing trail bucket: only CloudFormation invokes it, it calls only S3 Put/GetObjectLockConfiguration on that one bucket, and writes only its own log group.',
  })),
  /** A scheduled Lambda function left without reserved concurrency, which could fail stack creation (the certificate monitor). */
  lambdaNoReservedConcurrency: ['HIPAA.Security', 'NIST.800.53.R5'].map((pack) => ({
    ruleId: `${pack}-LambdaConcurrency`,
    checklist: 'C5' as const,
    reason:
      "Lambda refuses any reserved concurrency that leaves the account fewer than 100 unreserved concurrent executions, and new accounts can have a limit of 10 in all, so a reservation could make the first deployment fail. The certificate monitor stays bounded without one: only its own EventBridge schedule may invoke it (its resource policy names that rule), the rule fires once a day, each run ends within a one-minute timeout and is retried at most twice within six hours before it is dead-lettered, and failed and dead-lettered runs raise alarms on the alert topic. The restore validation function is bounded the same way: only its EventBridge rule on the completed restore tests of this stack's restore testing plan invokes it, once a week, each run ends within a two-minute timeout, and a run that fails to report leaves the restore job's validation to time out, which the backup failure rule sends to the alert topic.",
  })),
  /** A Lambda function attached to a VPC whose role holds the network-interface actions itself (the app role provisioning). */
  vpcFunctionNetworkInterfaces: [
    {
      ruleId: 'AwsSolutions-IAM5[Resource::*]',
      checklist: 'C3',
      reason:
        'Lambda attaches a function to its VPC through network interfaces it manages with the execution role: ec2:CreateNetworkInterface, DescribeNetworkInterfaces, DescribeSubnets, DeleteNetworkInterface, AssignPrivateIpAddresses and UnassignPrivateIpAddresses, the actions of the AWS-managed AWSLambdaVPCAccessExecutionRole, written into the role\'s own policy. The Describe actions support no resource-level permissions and the interfaces do not exist before Lambda creates them, so they are granted on "*". Everything else the role may do is named: GetSecretValue on the master and app secrets, their key, and its own log group. Only lambda.amazonaws.com can assume the role. The restore validation function\'s role holds the same network-interface actions, and backup:PutRestoreValidationResult on "*" because that action has no resource type (Service Authorization Reference, AWS Backup); a verdict can be set once per restore job and never changed, plus the List-level DescribeDBInstances and DescribeDBClusters, which return metadata and no data, for the restored copy whose name AWS Backup makes up (awsbackup-restore-test-...); everything else it may do is named: GetSecretValue on the master secret, its key through Secrets Manager, and its own log group.',
    },
  ],
  /** A function that only CloudFormation invokes, as a custom resource (the app role provisioning). */
  deployTimeFunction: ['HIPAA.Security', 'NIST.800.53.R5'].flatMap((pack) => [
    {
      ruleId: `${pack}-LambdaConcurrency`,
      checklist: 'C5' as const,
      reason:
        'The function is a CloudFormation custom resource: it runs only when a deployment creates or changes it, once per deployment, and no event source, schedule or other principal invokes it. Reserved concurrency would bound nothing, and Lambda refuses a reservation that leaves the account fewer than 100 unreserved executions (new accounts may have 10 in all), which could fail the first deployment.',
    },
    {
      ruleId: `${pack}-LambdaDLQ`,
      checklist: 'C5' as const,
      reason:
        "CloudFormation invokes the function asynchronously, once per deployment that creates or changes it, and waits for its answer on the response URL: a failure is answered as FAILED with its reason in the stack events, and a function that dies before answering fails the resource when its ServiceTimeout (300 seconds) ends, so the deployment rolls back and names the resource either way. The error stays in the function's own log group; a dead-letter message would only repeat a failure CloudFormation has already reported.",
    },
  ]),
  /** The role AWS Backup backs up and restores the database with (the service-role policies AWS maintains). */
  backupServiceRole: ['AWSBackupServiceRolePolicyForBackup', 'AWSBackupServiceRolePolicyForRestores'].map(
    (policy) => ({
      ruleId: `AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/${policy}]`,
      checklist: 'C6' as const,
      reason:
        'AWS Backup documents these AWS-managed service-role policies as the permissions of a backup and restore role, and updates them when a service changes what a snapshot, copy or restore needs; a hand-written copy would silently break backups when that happens. The role can be assumed only by backup.amazonaws.com, is used only by this plan and its restore tests, and the vault policy denies deleting recovery points to every principal, this role included.',
    }),
  ),
  /** The instances (writer, reader) of an Aurora cluster, whose cluster is in the backup plan. */
  auroraClusterInstance: ['HIPAA.Security', 'NIST.800.53.R5'].map((pack) => ({
    ruleId: `${pack}-RDSInBackupPlan`,
    checklist: 'C6' as const,
    reason:
      "An Aurora instance holds no data of its own: the scheduling data lives in the cluster's shared storage, and AWS Backup backs up Aurora only as a whole cluster (it has no backup of a single cluster instance). The cluster is selected by the plan, with daily and weekly recovery points in the locked-down vault and weekly restore tests, and the checklist pack's C6-DatabaseInBackupPlan rule proves that selection on the cluster. The rule reads every DB instance as a standalone one.",
  })),
  /** The role of the state machine that restarts the app tasks after a database password rotation. */
  stateMachineLogDeliveryAndTracing: [
    {
      ruleId: 'AwsSolutions-IAM5[Resource::*]',
      checklist: 'C3',
      reason:
        'Step Functions writes its execution logs through CloudWatch Logs log deliveries (logs:CreateLogDelivery, logs:GetLogDelivery, logs:PutResourcePolicy and the like) and its traces to X-Ray (xray:PutTraceSegments, xray:PutTelemetryRecords, xray:GetSampling*); AWS documents that these actions support no resource-level permissions, so they are granted on "*". They only deliver logs and traces. The one action that changes anything, ecs:UpdateService, is granted on the app service alone, and only states.amazonaws.com can assume the role.',
    },
  ],
  /** The dead-letter queue of the EventBridge rules that deliver to the alert topic. */
  alertRuleDeadLetterQueue: [
    {
      ruleId: 'AwsSolutions-SQS3',
      checklist: 'C10',
      reason:
        "This queue is the dead-letter queue of the alert rules' EventBridge targets and of the rule that restarts the app after a password rotation: each target's DeadLetterConfig names it, and EventBridge puts there the events it could not deliver to the alert topic or the restart after its retries. AwsSolutions-SQS3 recognizes only queues named by an SQS redrive policy or by a Lambda function's dead-letter configuration, so it reads this one as a work queue without a dead-letter queue. Nothing consumes it: it keeps each failed delivery for 14 days, encrypted with the alert topic's key, TLS only, and only the stack's own rules may send to it; an alarm on the alert topic fires on its first message. A dead-letter queue behind it would only move unread events to a second queue.",
    },
  ],
} satisfies Record<string, readonly Acknowledgement[]>;

/** Names of the sites in `ACKNOWLEDGEMENTS`. */
export type AcknowledgementSite = keyof typeof ACKNOWLEDGEMENTS;

/**
 * Acknowledges, on `scope` and everything below it, the findings registered for `site`, or the acknowledgements
 * given (an app's own, for its own constructs). Each reason is recorded as `[<checklist item>] <reason>`.
 * An acknowledgement of a bare rule id covers every finding that rule reports by id on `scope` or below, e.g.
 * `SchedulingChecklist-C5-CustomerManagedKeys` covers `SchedulingChecklist-C5-CustomerManagedKeys[kms-key]`:
 * at synth, each finding id is acknowledged on `scope` with the same reason (cdk-nag 3 matches ids exactly).
 */
export function acknowledge(scope: IConstruct, site: AcknowledgementSite | readonly Acknowledgement[]): void {
  const entries: readonly Acknowledgement[] = typeof site === 'string' ? ACKNOWLEDGEMENTS[site] : site;
  const rules = entries.map((a) => ({
    id: a.ruleId,
    reason: a.checklist ? `[${a.checklist}] ${a.reason}` : a.reason,
  }));
  Validations.of(scope).acknowledge(...rules);
  coverFindingIds(scope, rules);
}

/** An acknowledgement found on a construct of a synthesized tree. */
export interface RecordedAcknowledgement {
  /** Path of the construct it was recorded on. */
  readonly constructPath: string;
  /** Rule id. */
  readonly ruleId: string;
  /** The reason given. */
  readonly reason: string;
}

/** Every acknowledgement recorded on `scope` and below, in tree order. */
export function recordedAcknowledgements(scope: IConstruct): RecordedAcknowledgement[] {
  const found: RecordedAcknowledgement[] = [];
  for (const construct of scope.node.findAll()) {
    for (const entry of construct.node.metadata) {
      if (entry.type !== Validations.ACKNOWLEDGED_RULES_METADATA_KEY || !entry.data) {
        continue;
      }
      for (const [id, reason] of Object.entries(entry.data as Record<string, unknown>)) {
        found.push({
          constructPath: construct.node.path,
          ruleId: id.replace(/^annotation::/i, ''),
          reason: typeof reason === 'string' ? reason : JSON.stringify(reason),
        });
      }
    }
  }
  return found;
}
