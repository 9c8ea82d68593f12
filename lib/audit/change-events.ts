import { Lazy, Stack } from 'aws-cdk-lib';
import * as backup from 'aws-cdk-lib/aws-backup';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import * as events from 'aws-cdk-lib/aws-events';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as rds from 'aws-cdk-lib/aws-rds';
import * as wafv2 from 'aws-cdk-lib/aws-wafv2';
import { Construct } from 'constructs';
import { Problems } from '../private/problems';
import { AlertTopic } from './alert-topic';

/** The detail type of the events CloudTrail delivers to EventBridge for API calls. */
export const CLOUDTRAIL_API_CALL = 'AWS API Call via CloudTrail';

/** Load balancer calls that change how this deployment serves TLS or who may reach it. */
export const LOAD_BALANCER_CHANGE_EVENTS: readonly string[] = [
  'CreateListener',
  'ModifyListener',
  'DeleteListener',
  'ModifyListenerAttributes',
  'AddListenerCertificates',
  'RemoveListenerCertificates',
  'CreateRule',
  'ModifyRule',
  'DeleteRule',
  'ModifyLoadBalancerAttributes',
  'SetSecurityGroups',
  'SetSubnets',
  'SetIpAddressType',
  'DeleteLoadBalancer',
];
/** Web ACL calls that weaken or detach the firewall, change its IP lists or its logging. */
export const WEB_ACL_CHANGE_EVENTS: readonly string[] = [
  'UpdateWebACL',
  'DeleteWebACL',
  'AssociateWebACL',
  'DisassociateWebACL',
  'PutLoggingConfiguration',
  'DeleteLoggingConfiguration',
  'UpdateIPSet',
  'DeleteIPSet',
];
/** Trail calls that stop, delete or narrow the activity log. */
export const TRAIL_CHANGE_EVENTS: readonly string[] = [
  'StopLogging',
  'DeleteTrail',
  'UpdateTrail',
  'PutEventSelectors',
  'PutInsightSelectors',
];
/** Key calls that make data unreadable or hand the key to someone else. */
export const KEY_CHANGE_EVENTS: readonly string[] = [
  'DisableKey',
  'ScheduleKeyDeletion',
  'PutKeyPolicy',
  'DisableKeyRotation',
  'DeleteImportedKeyMaterial',
];
/** CloudWatch Logs calls that delete, shorten, decrypt or copy out a log, or change the CIS metric filters. */
export const LOG_GROUP_CHANGE_EVENTS: readonly string[] = [
  'DeleteLogGroup',
  'PutRetentionPolicy',
  'DeleteRetentionPolicy',
  'DisassociateKmsKey',
  'PutSubscriptionFilter',
  'PutMetricFilter',
  'DeleteMetricFilter',
];
/** CloudWatch calls that silence an alarm. */
export const ALARM_CHANGE_EVENTS: readonly string[] = [
  'DeleteAlarms',
  'DisableAlarmActions',
  'PutMetricAlarm',
];
/** Task definition calls: a new revision can change the image, secrets, user or network mode. */
export const TASK_DEFINITION_CHANGE_EVENTS: readonly string[] = [
  'RegisterTaskDefinition',
  'DeregisterTaskDefinition',
  'DeleteTaskDefinitions',
];
/**
 * Request parameters of `UpdateService` that change what runs or how it is reached, as paths to a value
 * (EventBridge's `exists` sees values, not objects). A call that only sets `desiredCount`, as autoscaling
 * does many times a day, is not an alert.
 */
export const SERVICE_SETTINGS_WATCHED: readonly string[] = [
  'taskDefinition',
  'networkConfiguration.awsvpcConfiguration.subnets',
  'networkConfiguration.awsvpcConfiguration.securityGroups',
  'networkConfiguration.awsvpcConfiguration.assignPublicIp',
  'loadBalancers.targetGroupArn',
  'platformVersion',
  'enableExecuteCommand',
  'serviceConnectConfiguration.enabled',
];
/**
 * Request parameters of `ModifyDBInstance` that expose the database, weaken its recovery or its logging,
 * as paths to a value.
 */
export const DATABASE_SETTINGS_WATCHED: readonly string[] = [
  'publiclyAccessible',
  'backupRetentionPeriod',
  'deletionProtection',
  'dBParameterGroupName',
  'vpcSecurityGroupIds',
  'dBSubnetGroupName',
  'cACertificateIdentifier',
  'enableIAMDatabaseAuthentication',
  'cloudwatchLogsExportConfiguration.disableLogTypes',
  'newDBInstanceIdentifier',
];
/** Request parameters of `ModifyDBCluster` that weaken an Aurora cluster's recovery, access or logging. */
export const CLUSTER_SETTINGS_WATCHED: readonly string[] = [
  'backupRetentionPeriod',
  'deletionProtection',
  'dBClusterParameterGroupName',
  'vpcSecurityGroupIds',
  'enableIAMDatabaseAuthentication',
  'cloudwatchLogsExportConfiguration.disableLogTypes',
  'newDBClusterIdentifier',
];
/** Request parameters of `ModifyDBInstance` that matter for an instance of an Aurora cluster. */
export const CLUSTER_INSTANCE_SETTINGS_WATCHED: readonly string[] = [
  'publiclyAccessible',
  'dBParameterGroupName',
  'cACertificateIdentifier',
  'newDBInstanceIdentifier',
];
/** Database calls that remove it or change its parameters. */
export const DATABASE_DELETE_EVENTS: readonly string[] = ['DeleteDBInstance', 'DeleteDBCluster'];
export const PARAMETER_GROUP_CHANGE_EVENTS: readonly string[] = [
  'ModifyDBParameterGroup',
  'ResetDBParameterGroup',
  'ModifyDBClusterParameterGroup',
  'ResetDBClusterParameterGroup',
];
/** Backup vault calls that could remove recovery points or open the vault to others. */
export const BACKUP_VAULT_CHANGE_EVENTS: readonly string[] = [
  'DeleteBackupVault',
  'PutBackupVaultAccessPolicy',
  'DeleteBackupVaultAccessPolicy',
  'DeleteBackupVaultLockConfiguration',
  'PutBackupVaultNotifications',
  'DeleteBackupVaultNotifications',
  'DeleteRecoveryPoint',
  'UpdateRecoveryPointLifecycle',
];
/** Backup plan calls that stop or shorten backups. */
export const BACKUP_PLAN_CHANGE_EVENTS: readonly string[] = [
  'DeleteBackupPlan',
  'UpdateBackupPlan',
  'DeleteBackupSelection',
];

/** What one change rule watches: a service's API calls, narrowed to this deployment's resources. */
export interface ChangeWatch {
  /** What changed, in the alert's words, e.g. 'load balancer listeners and attributes'. */
  readonly description: string;
  /** The service's EventBridge source, e.g. `aws.elasticloadbalancing`. */
  readonly source: string;
  /** The service's CloudTrail event source, e.g. `elasticloadbalancing.amazonaws.com`. */
  readonly eventSource: string;
  /** The API calls. */
  readonly eventNames: readonly string[];
  /**
   * Alternatives that narrow the calls to this deployment's resources (EventBridge `$or`), each matched
   * against the event's `detail`, e.g. `[{ requestParameters: { loadBalancerArn: [arn] } }]`. EventBridge
   * limits a rule's pattern to 2048 characters: name resources by id or by a suffix rather than by every form.
   */
  readonly anyOf: ReadonlyArray<Record<string, unknown>>;
}

export interface ChangeEventsProps {
  /** Topic the alerts go to. */
  readonly alerts: AlertTopic;
}

/**
 * The alert an EventBridge rule sends for a CloudTrail API call: who, what, from where, when, where.
 *
 * Values that an event may lack (the caller's ARN for an AWS service, the user agent, the error of a failed
 * call) sit inside text, where EventBridge writes an empty string for a missing value; a bare placeholder
 * would be left without a value.
 */
export function changeAlertMessage(description: string): events.RuleTargetInput {
  const field = (path: string) => events.EventField.fromPath(path);
  return events.RuleTargetInput.fromObject({
    alert: `A setting of this deployment's ${description} was changed`,
    who: `${field('$.detail.userIdentity.arn')} (${field('$.detail.userIdentity.type')})`,
    what: field('$.detail.eventName'),
    service: field('$.detail.eventSource'),
    requestParameters: field('$.detail.requestParameters'),
    from: `${field('$.detail.sourceIPAddress')} using ${field('$.detail.userAgent')}`,
    when: field('$.detail.eventTime'),
    region: field('$.detail.awsRegion'),
    account: events.EventField.account,
    failedWith: `${field('$.detail.errorCode')} ${field('$.detail.errorMessage')}`,
    eventId: field('$.detail.eventID'),
  });
}

/**
 * Near-real-time alerts on changes to this deployment's own resources (checklist C10), which no
 * account-wide baseline gives: one EventBridge rule per kind of resource, matching CloudTrail's
 * "AWS API Call via CloudTrail" events that name this stack's resources, each delivering who
 * (`userIdentity.arn`), what (`eventName`, `requestParameters`), from where (`sourceIPAddress`, `userAgent`),
 * when and in which region to the alert topic (`changeAlertMessage`).
 *
 * Rules see the API calls of the stack's own region, where its resources are. EventBridge receives these
 * events only while a trail of the account logs management events (the stack's own `AuditTrail`, or an
 * organization trail). Deployments of the stack change some of the same settings and are reported too: the
 * alert names who deployed.
 */
export class ChangeEvents extends Construct {
  /** The rules, by construct id. */
  public readonly rules: Record<string, events.Rule> = {};
  private readonly alerts: AlertTopic;

  constructor(scope: Construct, id: string, props: ChangeEventsProps) {
    super(scope, id);
    this.alerts = props.alerts;
  }

  /** Alerts on the API calls `watch` describes. */
  public watch(id: string, watch: ChangeWatch): events.Rule {
    const problems = new Problems();
    problems.check(watch.eventNames.length === 0, `\`eventNames\` of ${id} must name at least one API call`);
    // A rule without a resource would alert on every such call in the account: that is CisAlarms' job.
    problems.check(
      watch.anyOf.length === 0,
      `\`anyOf\` of ${id} must narrow the calls to at least one resource of this deployment`,
    );
    problems.throwIfAny(this);
    const rule = new events.Rule(this, id, {
      description: `Alerts on changes to this deployment's ${watch.description}`,
      eventPattern: {
        source: [watch.source],
        detailType: [CLOUDTRAIL_API_CALL],
        detail: {
          eventSource: [watch.eventSource],
          eventName: [...watch.eventNames],
          // EventBridge wants two alternatives or more in an `$or`.
          ...(watch.anyOf.length === 1 ? watch.anyOf[0] : { $or: [...watch.anyOf] }),
        },
      },
    });
    this.alerts.addEventRule(rule, changeAlertMessage(watch.description));
    this.rules[id] = rule;
    return rule;
  }

  /** Listeners (every listener of the load balancer), listener rules and attributes of `loadBalancer`. */
  public watchLoadBalancer(loadBalancer: elbv2.ApplicationLoadBalancer): events.Rule {
    const stack = Stack.of(this);
    // Listener ARNs are listener/app/<name>/<id>/<listener id>, their rules' listener-rule/app/<name>/<id>/...
    const arnOf = (type: string) =>
      `arn:${stack.partition}:elasticloadbalancing:${stack.region}:${stack.account}:${type}/${loadBalancer.loadBalancerFullName}/`;
    return this.watch('LoadBalancerChanges', {
      description: 'load balancer listeners and attributes',
      source: 'aws.elasticloadbalancing',
      eventSource: 'elasticloadbalancing.amazonaws.com',
      eventNames: LOAD_BALANCER_CHANGE_EVENTS,
      anyOf: [
        { requestParameters: { loadBalancerArn: [loadBalancer.loadBalancerArn] } },
        { requestParameters: { listenerArn: [{ prefix: arnOf('listener') }] } },
        { requestParameters: { ruleArn: [{ prefix: arnOf('listener-rule') }] } },
      ],
    });
  }

  /**
   * The web ACL, its logging, its IP sets, and which web ACL (if any) protects `protectedResourceArn`.
   */
  public watchWebAcl(
    webAcl: wafv2.CfnWebACL,
    protectedResourceArn: string,
    ipSets: readonly wafv2.CfnIPSet[] = [],
  ): events.Rule {
    return this.watch('WebAclChanges', {
      description: 'web ACL and its association',
      source: 'aws.wafv2',
      eventSource: 'wafv2.amazonaws.com',
      eventNames: WEB_ACL_CHANGE_EVENTS,
      anyOf: [
        // UpdateWebACL, DeleteWebACL, UpdateIPSet and DeleteIPSet name the resource by id.
        { requestParameters: { id: [webAcl.attrId, ...ipSets.map((s) => s.attrId)] } },
        // AssociateWebACL names both; DisassociateWebACL and DeleteLoggingConfiguration only the resource.
        { requestParameters: { resourceArn: [webAcl.attrArn, protectedResourceArn] } },
        { requestParameters: { loggingConfiguration: { resourceArn: [webAcl.attrArn] } } },
      ],
    });
  }

  /** The trail: stopped, deleted, updated or narrowed. CloudTrail calls name a trail by name or by ARN. */
  public watchTrail(trailName: string, trailArn: string): events.Rule {
    return this.watch('TrailChanges', {
      description: 'CloudTrail trail',
      source: 'aws.cloudtrail',
      eventSource: 'cloudtrail.amazonaws.com',
      eventNames: TRAIL_CHANGE_EVENTS,
      anyOf: [
        { requestParameters: { name: [trailName, trailArn] } },
        { requestParameters: { trailName: [trailName, trailArn] } },
      ],
    });
  }

  /**
   * Customer-managed keys: disabled, scheduled for deletion, re-policied. Without `keys`, every key this
   * stack defines, including keys added after this call (for example by the database tier).
   */
  public watchKeys(keys?: readonly kms.IKey[]): events.Rule {
    const stack = Stack.of(this);
    const found = () =>
      keys
        ? keys.map((k) => ({ arn: k.keyArn, id: k.keyId }))
        : stack.node
            .findAll()
            .filter((c): c is kms.CfnKey => c instanceof kms.CfnKey)
            .map((k) => ({ arn: k.attrArn, id: k.attrKeyId }));
    // Resolved at synth, so that keys added after this call are watched too.
    return this.watch('KeyChanges', {
      description: 'KMS keys',
      source: 'aws.kms',
      eventSource: 'kms.amazonaws.com',
      eventNames: KEY_CHANGE_EVENTS,
      anyOf: [
        // The caller names the key by id or by ARN, both of which end with the id.
        { requestParameters: { keyId: Lazy.any({ produce: () => found().map((k) => ({ suffix: k.id })) }) } },
        // CloudTrail names the key's ARN whatever the caller used (an alias, too); the ARN ends with the id, which
        // is shorter than the ARN and keeps the pattern under EventBridge's 2,048 characters with many keys.
        { resources: { ARN: Lazy.any({ produce: () => found().map((k) => ({ suffix: `key/${k.id}` })) }) } },
      ],
    });
  }

  /**
   * Log groups: deleted, retention changed, key removed, subscribed to a destination, metric filters changed.
   * Without `logGroups`, every log group this stack defines, including those added after this call.
   */
  public watchLogs(logGroups?: readonly logs.ILogGroup[]): events.Rule {
    const stack = Stack.of(this);
    // A log group the template names is matched by its name; the others get `<stack name>-<logical id>-<suffix>`
    // from CloudFormation, and the stack name's prefix finds them all in one entry, as for the alarms, so the
    // pattern stays under EventBridge's 2,048 characters however many groups the stack has and however long
    // its name.
    const names = (): unknown[] => {
      if (logGroups) return logGroups.map((g) => g.logGroupName);
      const groups = stack.node.findAll().filter((c): c is logs.CfnLogGroup => c instanceof logs.CfnLogGroup);
      // An L2 log group without a name holds a token that resolves to nothing.
      const hasName = (g: logs.CfnLogGroup) => stack.resolve(g.logGroupName) !== undefined;
      const named = groups.filter(hasName).map((g) => g.ref);
      const generated = groups.some((g) => !hasName(g));
      return [...named, ...(generated ? [{ prefix: `${stack.stackName}-` }] : [])];
    };
    return this.watch('LogChanges', {
      description: 'log groups',
      source: 'aws.logs',
      eventSource: 'logs.amazonaws.com',
      eventNames: LOG_GROUP_CHANGE_EVENTS,
      anyOf: [{ requestParameters: { logGroupName: Lazy.any({ produce: names }) } }],
    });
  }

  /**
   * The stack's CloudWatch alarms: deleted, their actions disabled, redefined. CloudFormation names alarms
   * `<stack name>-<logical id>-<suffix>`, so the stack name's prefix finds them all without listing each.
   */
  public watchAlarms(): events.Rule {
    const prefix = [{ prefix: `${Stack.of(this).stackName}-` }];
    return this.watch('AlarmChanges', {
      description: 'alarms',
      source: 'aws.cloudwatch',
      eventSource: 'monitoring.amazonaws.com',
      eventNames: ALARM_CHANGE_EVENTS,
      anyOf: [{ requestParameters: { alarmNames: prefix } }, { requestParameters: { alarmName: prefix } }],
    });
  }

  /** The app's task definition family and service. */
  public watchService(service: ecs.BaseService, taskDefinition: ecs.TaskDefinition): events.Rule[] {
    const stack = Stack.of(this);
    const family = taskDefinition.family;
    const revisions = [
      { prefix: `${family}:` },
      { prefix: `arn:${stack.partition}:ecs:${stack.region}:${stack.account}:task-definition/${family}:` },
    ];
    // The service by name, or by ARN (service/<cluster>/<name>).
    const serviceIds = [service.serviceName, { suffix: `/${service.serviceName}` }];
    return [
      this.watch('TaskDefinitionChanges', {
        description: 'app task definition',
        source: 'aws.ecs',
        eventSource: 'ecs.amazonaws.com',
        eventNames: TASK_DEFINITION_CHANGE_EVENTS,
        anyOf: [
          { requestParameters: { family: [family] } },
          { requestParameters: { taskDefinition: revisions } },
          { requestParameters: { taskDefinitions: revisions } },
        ],
      }),
      this.watch('ServiceChanges', {
        description: 'app service',
        source: 'aws.ecs',
        eventSource: 'ecs.amazonaws.com',
        eventNames: ['UpdateService', 'DeleteService'],
        anyOf: [
          { eventName: ['DeleteService'], requestParameters: { service: serviceIds } },
          {
            eventName: ['UpdateService'],
            requestParameters: { service: serviceIds, ...anyValueOf(SERVICE_SETTINGS_WATCHED) },
          },
        ],
      }),
    ];
  }

  /**
   * The database, an instance or an Aurora cluster (and its instances): made public, backups shortened,
   * deletion protection, security groups, subnets, log exports or parameter group changed, deleted. With
   * `parameterGroupName`, changes to that parameter group's values too.
   */
  public watchDatabase(
    database: rds.IDatabaseInstance | rds.IDatabaseCluster,
    parameterGroupName?: string,
  ): events.Rule {
    const ignoreCase = (id: string) => ({ 'equals-ignore-case': id });
    const isCluster = 'clusterIdentifier' in database;
    const instances = isCluster ? database.instanceIdentifiers : [database.instanceIdentifier];
    // Each alternative: the calls, the resource they name, and the settings that make them an alert.
    const watched: Array<[string[], Record<string, unknown>, readonly string[]]> = [
      ...(instances.length > 0
        ? [
            [
              ['ModifyDBInstance'],
              { dBInstanceIdentifier: instances.map(ignoreCase) },
              isCluster ? CLUSTER_INSTANCE_SETTINGS_WATCHED : DATABASE_SETTINGS_WATCHED,
            ] as [string[], Record<string, unknown>, readonly string[]],
          ]
        : []),
      ...(isCluster
        ? [
            [
              ['ModifyDBCluster'],
              { dBClusterIdentifier: [ignoreCase(database.clusterIdentifier)] },
              CLUSTER_SETTINGS_WATCHED,
            ] as [string[], Record<string, unknown>, readonly string[]],
          ]
        : []),
    ];
    const deleted = (ids: Record<string, unknown>) => ({
      eventName: [...DATABASE_DELETE_EVENTS],
      requestParameters: ids,
    });
    const modified = ([calls, ids, settings]: (typeof watched)[number]) => ({
      eventName: calls,
      requestParameters: { ...ids, ...anyValueOf(settings) },
    });
    const parameterGroups = parameterGroupName
      ? [
          { requestParameters: { dBParameterGroupName: [ignoreCase(parameterGroupName)] } },
          { requestParameters: { dBClusterParameterGroupName: [ignoreCase(parameterGroupName)] } },
        ]
      : [];
    // A cluster's identifiers, its instances' and its parameter group's are generated from the stack name, up to
    // 63 characters each: in one rule they would pass EventBridge's 2,048-character pattern limit for a stack
    // name of some 20 characters or more. The cluster's own calls get a rule of their own.
    const [own, cluster] = isCluster ? [watched.slice(0, -1), watched.slice(-1)] : [watched, []];
    const clusterRule =
      cluster.length === 0
        ? undefined
        : this.watch('DatabaseClusterChanges', {
            description: 'database cluster',
            source: 'aws.rds',
            eventSource: 'rds.amazonaws.com',
            eventNames: [...cluster.flatMap(([calls]) => calls), ...DATABASE_DELETE_EVENTS],
            anyOf: [...cluster.map(([, ids]) => deleted(ids)), ...cluster.map(modified)],
          });
    if (clusterRule && own.length === 0 && parameterGroups.length === 0) {
      return clusterRule;
    }
    return this.watch('DatabaseChanges', {
      description: 'database',
      source: 'aws.rds',
      eventSource: 'rds.amazonaws.com',
      eventNames: [
        ...own.flatMap(([calls]) => calls),
        ...DATABASE_DELETE_EVENTS,
        ...(parameterGroupName ? PARAMETER_GROUP_CHANGE_EVENTS : []),
      ],
      anyOf: [...own.map(([, ids]) => deleted(ids)), ...own.map(modified), ...parameterGroups],
    });
  }

  /** The backup vault and plan: deleted, opened to others, shortened. */
  public watchBackup(vault: backup.IBackupVault, plan: backup.IBackupPlan): events.Rule {
    return this.watch('BackupChanges', {
      description: 'backup vault and plan',
      source: 'aws.backup',
      eventSource: 'backup.amazonaws.com',
      eventNames: [...BACKUP_VAULT_CHANGE_EVENTS, ...BACKUP_PLAN_CHANGE_EVENTS],
      anyOf: [
        { requestParameters: { backupVaultName: [vault.backupVaultName] } },
        { requestParameters: { backupPlanId: [plan.backupPlanId] } },
      ],
    });
  }
}

/**
 * `['a.b', 'c']` → `{ $or: [{ a: { b: [{ exists: true }] } }, { c: [{ exists: true }] }] }`: the call sets
 * one of these values.
 */
function anyValueOf(paths: readonly string[]): Record<string, unknown> {
  const exists = (path: string) =>
    path
      .split('.')
      .reverse()
      .reduce<unknown>((inner, key) => ({ [key]: inner }), [{ exists: true }]);
  return { $or: paths.map(exists) };
}
