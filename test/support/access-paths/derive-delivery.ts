/**
 * Paths of the stack's log deliveries: CloudWatch Logs to each encrypted log group's key, load balancer
 * access logs, VPC flow logs, WAF logs, CloudTrail, S3 server access logs and RDS enhanced monitoring.
 */
import { RegionInfo } from 'aws-cdk-lib/region-info';
import {
  DeriveContext,
  logGroupName,
  logStreamArn,
  makePath,
  roleIdOf,
  roleLogPaths,
  SAMPLE_DAY,
  short,
  take,
  trustPath,
  unevaluablePath,
} from './paths';
import { CONTEXT_SOURCES, inAccount, OTHER_ACCOUNT, serviceRequest } from './requests';
import { AccessPath, NamedPolicy, PathKind } from './types';

const day = SAMPLE_DAY;

/** The CloudWatch Logs service → each encrypted log group's key, with the log group's encryption context. */
export function logGroupKeyPaths(ctx: DeriveContext): AccessPath[] {
  const paths: AccessPath[] = [];
  const service = `logs.${ctx.env.region}.amazonaws.com`;
  for (const [id, group] of ctx.r.resourcesOfType('AWS::Logs::LogGroup')) {
    const keyValue = group.Properties?.KmsKeyId;
    if (keyValue === undefined) continue;
    const problems: string[] = [];
    const name = take(ctx.r.ref(id), problems, `log group ${id}`);
    const keyArn = take(ctx.policies.keyArn(keyValue), problems, `key of log group ${id}`);
    if (!name || !keyArn) {
      paths.push(
        unevaluablePath('log-group-key', service, `key of log group ${short(id)}`, problems.join('; ')),
      );
      continue;
    }
    const groupArn = `arn:${ctx.env.partition}:logs:${ctx.env.region}:${ctx.env.account}:log-group:${name}`;
    const key = ctx.policies.keyPolicy(keyArn);
    for (const action of ['kms:GenerateDataKey', 'kms:Decrypt']) {
      const request = (arn: string) =>
        serviceRequest(service, action, keyArn, ctx.env.account, {
          'kms:EncryptionContext:aws:logs:arn': arn,
        });
      paths.push(
        makePath({
          kind: 'log-group-key',
          caller: service,
          target: `key ${key.keyId ? short(key.keyId) : keyArn} of log group ${short(id)}`,
          description: action,
          request: request(groupArn),
          resourcePolicy: key,
          contextSource: CONTEXT_SOURCES.logsKey,
          twins: [
            { label: 'a log group of another account', request: request(inAccount(groupArn, OTHER_ACCOUNT)) },
          ],
        }),
      );
    }
  }
  return paths;
}

/** The resource policy a service writes for delivery.logs.amazonaws.com when the template has none. */
function documentedLogDeliveryPolicy(ctx: DeriveContext, name: string, writer: string): NamedPolicy {
  // CloudWatch Logs User Guide, "Logs sent to CloudWatch Logs" (AWS-logs-and-resource-policy.html): the
  // policy the service creates on the caller's behalf at deployment when the account has none that admits it.
  return {
    name: `resource policy ${writer} writes at deployment (documented; not in the template)`,
    document: {
      Version: '2012-10-17',
      Statement: [
        {
          Sid: 'AWSLogDeliveryWrite20150319',
          Effect: 'Allow',
          Principal: { Service: ['delivery.logs.amazonaws.com'] },
          Action: ['logs:CreateLogStream', 'logs:PutLogEvents'],
          Resource: [logStreamArn(ctx, name, '*')],
          Condition: {
            StringEquals: { 'aws:SourceAccount': [ctx.env.account] },
            ArnLike: {
              'aws:SourceArn': [`arn:${ctx.env.partition}:logs:${ctx.env.region}:${ctx.env.account}:*`],
            },
          },
        },
      ],
    },
  };
}

const vendedContext = (ctx: DeriveContext) => ({
  'aws:SourceAccount': ctx.env.account,
  'aws:SourceArn': `arn:${ctx.env.partition}:logs:${ctx.env.region}:${ctx.env.account}:*`,
});

/** delivery.logs.amazonaws.com → a log group (vended logs of WAF, Step Functions, ...). */
export function vendedToLogGroup(
  ctx: DeriveContext,
  kind: PathKind,
  caller: string,
  logGroup: string,
  writer: string | undefined,
): AccessPath[] {
  const name = logGroupName(logGroup);
  const groupId = ctx.r.findByValue('AWS::Logs::LogGroup', name);
  const inTemplate = ctx.policies.logsResourcePolicy();
  // CloudWatch Logs' resource policies are the account's, all of them in force at once. A service that sets up
  // its own delivery (`writer`) adds the documented statement at deployment when none admits its log group; a
  // delivery the template sets up itself (`writer` undefined) has only the template's.
  const documented = writer === undefined ? undefined : documentedLogDeliveryPolicy(ctx, name, writer);
  const policy = {
    value:
      documented && inTemplate.value
        ? {
            name: `${inTemplate.value.name} + ${documented.name}`,
            document: {
              Version: '2012-10-17',
              Statement: [...inTemplate.value.document.Statement, ...documented.document.Statement],
            },
          }
        : (inTemplate.value ?? documented),
    problems: inTemplate.problems,
  };
  return ['logs:CreateLogStream', 'logs:PutLogEvents'].map((action) =>
    makePath({
      kind,
      caller: `${caller} via delivery.logs.amazonaws.com`,
      target: `log group ${groupId ? short(groupId) : name}`,
      description: action,
      request: serviceRequest(
        'delivery.logs.amazonaws.com',
        action,
        logStreamArn(ctx, name, `${caller.replace(/\W+/g, '-')}-stream`),
        ctx.env.account,
        vendedContext(ctx),
      ),
      resourcePolicy: policy,
      contextSource: CONTEXT_SOURCES.vendedLogs,
    }),
  );
}

/** delivery.logs.amazonaws.com → a bucket (vended logs to S3): s3:GetBucketAcl, s3:PutObject. */
function vendedToBucket(
  ctx: DeriveContext,
  kind: PathKind,
  caller: string,
  bucketArn: string,
  prefix: string,
  product: string,
): AccessPath[] {
  const bucket = bucketArn.slice(bucketArn.lastIndexOf(':') + 1).split('/')[0];
  const bucketId = ctx.r.findByValue('AWS::S3::Bucket', bucket);
  const policy = ctx.policies.bucketPolicy(bucket);
  const problems = bucketId ? [] : [`bucket ${bucket} is not in this template: its policy is unknown`];
  const key = `${prefix}AWSLogs/${ctx.env.account}/${product}/${ctx.env.region}/${day}/log.gz`;
  const target = `bucket ${bucketId ? short(bucketId) : bucket}`;
  return [
    makePath({
      kind,
      caller: `${caller} via delivery.logs.amazonaws.com`,
      target,
      description: 's3:GetBucketAcl',
      request: serviceRequest(
        'delivery.logs.amazonaws.com',
        's3:GetBucketAcl',
        `arn:${ctx.env.partition}:s3:::${bucket}`,
        ctx.env.account,
        vendedContext(ctx),
      ),
      resourcePolicy: policy,
      problems,
      contextSource: CONTEXT_SOURCES.vendedLogs,
    }),
    makePath({
      kind,
      caller: `${caller} via delivery.logs.amazonaws.com`,
      target,
      description: 's3:PutObject',
      request: serviceRequest(
        'delivery.logs.amazonaws.com',
        's3:PutObject',
        `arn:${ctx.env.partition}:s3:::${bucket}/${key}`,
        ctx.env.account,
        {
          ...vendedContext(ctx),
          's3:x-amz-acl': 'bucket-owner-full-control',
        },
      ),
      resourcePolicy: policy,
      problems,
      contextSource: CONTEXT_SOURCES.vendedLogs,
    }),
  ];
}

/** Each load balancer with access logs → its bucket, as the principal the bucket policy names. */
export function loadBalancerLogPaths(ctx: DeriveContext): AccessPath[] {
  const paths: AccessPath[] = [];
  for (const [id, lb] of ctx.r.resourcesOfType('AWS::ElasticLoadBalancingV2::LoadBalancer')) {
    const attributes = ctx.r.resolve(lb.Properties?.LoadBalancerAttributes ?? []);
    const caller = `load balancer ${short(id)}`;
    if (!attributes.ok) {
      paths.push(unevaluablePath('load-balancer-logs', caller, 'its access-log bucket', attributes.problem));
      continue;
    }
    const attr = Object.fromEntries(
      (attributes.value as { Key: string; Value: string }[]).map((a) => [a.Key, String(a.Value)]),
    );
    if (attr['access_logs.s3.enabled'] !== 'true') continue;
    const bucket = attr['access_logs.s3.bucket'];
    const prefix = attr['access_logs.s3.prefix'] ? `${attr['access_logs.s3.prefix']}/` : '';
    const bucketId = ctx.r.findByValue('AWS::S3::Bucket', bucket);
    const policy = ctx.policies.bucketPolicy(bucket);
    const elbAccount = RegionInfo.get(ctx.env.region).elbv2Account;
    const names = (p: unknown): string[] =>
      typeof p === 'string'
        ? [p]
        : p && typeof p === 'object'
          ? Object.values(p).flatMap((v) => ([] as unknown[]).concat(v).map(String))
          : [];
    const writers = (policy.value?.document.Statement ?? [])
      .filter(
        (s) =>
          s.Effect === 'Allow' &&
          ([] as string[]).concat(s.Action ?? []).some((a) => /^s3:(PutObject|\*)$/i.test(a)),
      )
      .flatMap((s) => names(s.Principal));
    // ELB User Guide, enable-access-logging.html: regions available before August 2022 deliver as the
    // regional ELB account, newer ones as the log-delivery service principal; the bucket policy says which.
    const service = 'logdelivery.elasticloadbalancing.amazonaws.com';
    const asAccount =
      !writers.includes(service) &&
      elbAccount !== undefined &&
      (writers.some((w) => w.includes(elbAccount)) || !writers.some((w) => w.endsWith('.amazonaws.com')));
    const object = `arn:${ctx.env.partition}:s3:::${bucket}/${prefix}AWSLogs/${ctx.env.account}/elasticloadbalancing/${ctx.env.region}/${day}/${ctx.env.account}_elasticloadbalancing_${ctx.env.region}_app.lb.log.gz`;
    const request = asAccount
      ? {
          principal: `arn:${ctx.env.partition}:iam::${elbAccount}:root`,
          action: 's3:PutObject',
          resource: object,
          resourceAccount: ctx.env.account,
          context: { 'aws:SecureTransport': 'true' },
        }
      : serviceRequest(service, 's3:PutObject', object, ctx.env.account, {});
    paths.push(
      makePath({
        kind: 'load-balancer-logs',
        caller: asAccount ? `${caller} via ELB account ${elbAccount}` : `${caller} via ${service}`,
        target: `bucket ${bucketId ? short(bucketId) : bucket}`,
        description: 's3:PutObject',
        request,
        // The ELB account's own identity policies are AWS's: assumed to allow it to write.
        identity: asAccount
          ? {
              value: {
                policies: [
                  {
                    name: `Elastic Load Balancing account ${elbAccount} (AWS's own permissions, assumed)`,
                    document: { Statement: [{ Effect: 'Allow', Action: 's3:PutObject', Resource: '*' }] },
                  },
                ],
                boundaries: [],
              },
              problems: [],
            }
          : undefined,
        resourcePolicy: policy,
        problems: bucketId ? [] : [`bucket ${bucket} is not in this template: its policy is unknown`],
        contextSource: CONTEXT_SOURCES.loadBalancerLogs,
      }),
    );
  }
  return paths;
}

/** Each flow log → its log group (through its delivery role) or bucket. */
export function flowLogPaths(ctx: DeriveContext): AccessPath[] {
  const paths: AccessPath[] = [];
  for (const [id, flowLog] of ctx.r.resourcesOfType('AWS::EC2::FlowLog')) {
    const props = flowLog.Properties ?? {};
    const caller = `flow log ${short(id)}`;
    const problems: string[] = [];
    const type = String(props.LogDestinationType ?? 'cloud-watch-logs');
    if (type === 's3') {
      const destination = take(ctx.r.resolveString(props.LogDestination), problems, caller);
      if (!destination) paths.push(unevaluablePath('flow-logs', caller, 'its bucket', problems.join('; ')));
      else {
        const [bucketArn, ...rest] = destination.split('/');
        paths.push(
          ...vendedToBucket(
            ctx,
            'flow-logs',
            caller,
            bucketArn,
            rest.length > 0 ? `${rest.join('/')}/` : '',
            'vpcflowlogs',
          ),
        );
      }
      continue;
    }
    if (type !== 'cloud-watch-logs') {
      paths.push(unevaluablePath('flow-logs', caller, type, `flow log destination ${type} is not modelled`));
      continue;
    }
    const roleId = roleIdOf(ctx, props.DeliverLogsPermissionArn);
    const group = take(ctx.r.resolveString(props.LogGroupName ?? props.LogDestination), problems, caller);
    const flowLogId = take(ctx.r.ref(id), problems, caller);
    if (!roleId || !group || !flowLogId) {
      paths.push(
        unevaluablePath(
          'flow-logs',
          caller,
          'its log group',
          problems.join('; ') || 'its delivery role is not in this template',
        ),
      );
      continue;
    }
    paths.push(
      trustPath(ctx, {
        service: 'vpc-flow-logs.amazonaws.com',
        roleId,
        user: caller,
        sourceScoped: true,
        context: {
          'aws:SourceAccount': ctx.env.account,
          'aws:SourceArn': `arn:${ctx.env.partition}:ec2:${ctx.env.region}:${ctx.env.account}:vpc-flow-log/${flowLogId}`,
        },
      }),
      ...roleLogPaths(ctx, {
        kind: 'flow-logs',
        caller: `${caller} as role ${short(roleId)}`,
        roleId,
        logGroup: group,
        stream: 'eni-0123456789abcdef0-all',
      }),
    );
  }
  return paths;
}

/** Each WAF logging configuration → its log group (or bucket). */
export function wafLogPaths(ctx: DeriveContext): AccessPath[] {
  const paths: AccessPath[] = [];
  for (const [id, config] of ctx.r.resourcesOfType('AWS::WAFv2::LoggingConfiguration')) {
    const caller = `web ACL logging ${short(id)}`;
    for (const destination of ([] as unknown[]).concat(config.Properties?.LogDestinationConfigs ?? [])) {
      const problems: string[] = [];
      const arn = take(ctx.r.resolveString(destination), problems, caller);
      const service = arn?.split(':')[2];
      if (!arn) paths.push(unevaluablePath('waf-logs', caller, 'its destination', problems.join('; ')));
      else if (service === 'logs') paths.push(...vendedToLogGroup(ctx, 'waf-logs', caller, arn, 'AWS WAF'));
      else if (service === 's3') {
        const [bucketArn, ...rest] = arn.split('/');
        paths.push(
          ...vendedToBucket(
            ctx,
            'waf-logs',
            caller,
            bucketArn,
            rest.length > 0 ? `${rest.join('/')}/` : '',
            'WAFLogs',
          ),
        );
      } else
        paths.push(
          unevaluablePath('waf-logs', caller, arn, `WAF log destinations on ${service} are not modelled`),
        );
    }
  }
  return paths;
}

/**
 * Each Route 53 Resolver query logging configuration → its log group, through the log delivery service, admitted
 * by the template's own resource policy (Route 53 Developer Guide, resolver-query-logs-choosing-target-resource,
 * "Amazon CloudWatch Logs log group").
 */
export function resolverQueryLogPaths(ctx: DeriveContext): AccessPath[] {
  const paths: AccessPath[] = [];
  for (const [id, config] of ctx.r.resourcesOfType('AWS::Route53Resolver::ResolverQueryLoggingConfig')) {
    const caller = `Resolver query logging ${short(id)}`;
    const problems: string[] = [];
    const arn = take(ctx.r.resolveString(config.Properties?.DestinationArn), problems, caller);
    if (!arn)
      paths.push(unevaluablePath('resolver-query-logs', caller, 'its destination', problems.join('; ')));
    else if (arn.split(':')[2] !== 'logs')
      paths.push(
        unevaluablePath('resolver-query-logs', caller, arn, 'only log group destinations are modelled'),
      );
    else paths.push(...vendedToLogGroup(ctx, 'resolver-query-logs', caller, arn, undefined));
  }
  return paths;
}

/** Each trail → its bucket (ACL check and write), its key, and its log group through its role. */
export function cloudTrailPaths(ctx: DeriveContext): AccessPath[] {
  const paths: AccessPath[] = [];
  for (const [id, trail] of ctx.r.resourcesOfType('AWS::CloudTrail::Trail')) {
    const props = trail.Properties ?? {};
    const caller = `trail ${short(id)}`;
    const problems: string[] = [];
    const trailArn = take(ctx.r.getAtt(id, 'Arn'), problems, caller);
    const bucket = take(ctx.r.resolveString(props.S3BucketName), problems, caller);
    if (!trailArn || !bucket) {
      paths.push(unevaluablePath('cloudtrail', caller, 'its bucket', problems.join('; ')));
      continue;
    }
    const prefix =
      props.S3KeyPrefix === undefined
        ? ''
        : `${take(ctx.r.resolveString(props.S3KeyPrefix), problems, caller)}/`;
    const bucketId = ctx.r.findByValue('AWS::S3::Bucket', bucket);
    const policy = ctx.policies.bucketPolicy(bucket);
    const otherTrail = `${trailArn.slice(0, trailArn.indexOf(':trail/'))}:trail/not-this-stacks-trail`;
    const s3 = (action: string, resource: string, extra: Record<string, string>) => {
      const request = (arn: string) =>
        serviceRequest('cloudtrail.amazonaws.com', action, resource, ctx.env.account, {
          'aws:SourceArn': arn,
          ...extra,
        });
      return makePath({
        kind: 'cloudtrail',
        caller,
        target: `bucket ${bucketId ? short(bucketId) : bucket}`,
        description: action,
        request: request(trailArn),
        resourcePolicy: policy,
        problems: [
          ...problems,
          ...(bucketId ? [] : [`bucket ${bucket} is not in this template: its policy is unknown`]),
        ],
        contextSource: CONTEXT_SOURCES.cloudtrail,
        twins: [{ label: "a trail that is not the stack's", request: request(otherTrail) }],
      });
    };
    paths.push(
      s3('s3:GetBucketAcl', `arn:${ctx.env.partition}:s3:::${bucket}`, {}),
      s3(
        's3:PutObject',
        `arn:${ctx.env.partition}:s3:::${bucket}/${prefix}AWSLogs/${ctx.env.account}/CloudTrail/${ctx.env.region}/${day}/${ctx.env.account}_CloudTrail_${ctx.env.region}_log.json.gz`,
        { 's3:x-amz-acl': 'bucket-owner-full-control' },
      ),
    );
    if (props.KMSKeyId !== undefined) {
      const keyArn = take(ctx.policies.keyArn(props.KMSKeyId), problems, `${caller} key`);
      if (!keyArn) paths.push(unevaluablePath('cloudtrail', caller, 'its key', problems.join('; ')));
      else {
        const key = ctx.policies.keyPolicy(keyArn);
        for (const action of ['kms:GenerateDataKey', 'kms:DescribeKey']) {
          const request = (arn: string) =>
            serviceRequest('cloudtrail.amazonaws.com', action, keyArn, ctx.env.account, {
              'aws:SourceArn': arn,
              ...(action === 'kms:GenerateDataKey'
                ? { 'kms:EncryptionContext:aws:cloudtrail:arn': arn }
                : {}),
            });
          paths.push(
            makePath({
              kind: 'cloudtrail',
              caller,
              target: `key ${key.keyId ? short(key.keyId) : keyArn}`,
              description: action,
              request: request(trailArn),
              resourcePolicy: key,
              contextSource: CONTEXT_SOURCES.cloudtrail,
              twins: [{ label: "a trail that is not the stack's", request: request(otherTrail) }],
            }),
          );
        }
      }
    }
    if (props.CloudWatchLogsRoleArn !== undefined) {
      const roleId = roleIdOf(ctx, props.CloudWatchLogsRoleArn);
      const group = take(ctx.r.resolveString(props.CloudWatchLogsLogGroupArn), problems, caller);
      if (!roleId || !group)
        paths.push(
          unevaluablePath(
            'cloudtrail',
            caller,
            'its log group',
            problems.join('; ') || 'its role is not in this template',
          ),
        );
      else {
        paths.push(
          trustPath(ctx, { service: 'cloudtrail.amazonaws.com', roleId, user: caller }),
          ...roleLogPaths(ctx, {
            kind: 'cloudtrail',
            caller: `${caller} as role ${short(roleId)}`,
            roleId,
            logGroup: group,
            stream: `${ctx.env.account}_CloudTrail_${ctx.env.region}`,
          }),
        );
      }
    }
  }
  return paths;
}

/** Each bucket with server access logging → its log bucket. */
export function s3AccessLogPaths(ctx: DeriveContext): AccessPath[] {
  const paths: AccessPath[] = [];
  for (const [id, bucket] of ctx.r.resourcesOfType('AWS::S3::Bucket')) {
    const logging = bucket.Properties?.LoggingConfiguration as
      { DestinationBucketName?: unknown; LogFilePrefix?: unknown } | undefined;
    if (logging === undefined) continue;
    const caller = `bucket ${short(id)}`;
    const problems: string[] = [];
    const sourceArn = take(ctx.r.getAtt(id, 'Arn'), problems, caller);
    const destination = take(
      ctx.r.resolveString(logging.DestinationBucketName ?? { Ref: id }),
      problems,
      caller,
    );
    const prefix =
      logging.LogFilePrefix === undefined
        ? ''
        : take(ctx.r.resolveString(logging.LogFilePrefix), problems, caller);
    if (!sourceArn || !destination || prefix === undefined) {
      paths.push(unevaluablePath('s3-access-logs', caller, 'its log bucket', problems.join('; ')));
      continue;
    }
    const destinationId = ctx.r.findByValue('AWS::S3::Bucket', destination);
    const object = `arn:${ctx.env.partition}:s3:::${destination}/${prefix}2026-01-01-00-00-00-0123456789ABCDEF`;
    const request = (arn: string) =>
      serviceRequest('logging.s3.amazonaws.com', 's3:PutObject', object, ctx.env.account, {
        'aws:SourceArn': arn,
        'aws:SourceAccount': ctx.env.account,
      });
    paths.push(
      makePath({
        kind: 's3-access-logs',
        caller: `${caller} via logging.s3.amazonaws.com`,
        target: `bucket ${destinationId ? short(destinationId) : destination}`,
        description: 's3:PutObject',
        request: request(sourceArn),
        resourcePolicy: ctx.policies.bucketPolicy(destination),
        problems: destinationId
          ? []
          : [`bucket ${destination} is not in this template: its policy is unknown`],
        contextSource: CONTEXT_SOURCES.s3AccessLogs,
        twins: [
          {
            label: "a bucket that is not the stack's",
            request: request(`arn:${ctx.env.partition}:s3:::not-this-stacks-bucket`),
          },
        ],
      }),
    );
  }
  return paths;
}

/** Each database instance with enhanced monitoring → the RDSOSMetrics log group, through its monitoring role. */
export function rdsMonitoringPaths(ctx: DeriveContext): AccessPath[] {
  const paths: AccessPath[] = [];
  for (const [id, instance] of ctx.r.resourcesOfType('AWS::RDS::DBInstance')) {
    const props = instance.Properties ?? {};
    if (props.MonitoringRoleArn === undefined || Number(props.MonitoringInterval ?? 0) === 0) continue;
    const caller = `enhanced monitoring of ${short(id)}`;
    const problems: string[] = [];
    const roleId = roleIdOf(ctx, props.MonitoringRoleArn);
    const resourceId = take(ctx.r.getAtt(id, 'DbiResourceId'), problems, caller);
    if (!roleId || !resourceId) {
      paths.push(
        unevaluablePath(
          'rds-monitoring',
          caller,
          'RDSOSMetrics',
          problems.join('; ') || 'its role is not in this template',
        ),
      );
      continue;
    }
    paths.push(
      // RDS User Guide, USER_Monitoring.OS.Enabling.html (confused deputy): RDS assumes the role with the
      // instance's ARN as aws:SourceArn and its account as aws:SourceAccount.
      trustPath(ctx, {
        service: 'monitoring.rds.amazonaws.com',
        roleId,
        user: caller,
        sourceScoped: true,
        context: {
          'aws:SourceAccount': ctx.env.account,
          'aws:SourceArn': `arn:${ctx.env.partition}:rds:${ctx.env.region}:${ctx.env.account}:db:${String(props.DBInstanceIdentifier ?? short(id)).toLowerCase()}`,
        },
      }),
      ...roleLogPaths(ctx, {
        kind: 'rds-monitoring',
        caller: `${caller} as role ${short(roleId)}`,
        roleId,
        logGroup: 'RDSOSMetrics',
        stream: resourceId,
      }),
    );
  }
  return paths;
}
