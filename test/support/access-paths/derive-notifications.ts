/**
 * Paths of the stack's notifications: each alarm action, each EventBridge rule target (and its dead-letter
 * queue), each RDS event subscription, to the topic, queue, function or state machine it names, and to the
 * key that encrypts it.
 */
import { DeriveContext, idOf, makePath, rolePath, roleIdOf, short, take, unevaluablePath } from './paths';
import { accountOf, CONTEXT_SOURCES, serviceRequest, viaService } from './requests';
import { AccessPath, PathKind, RequestContext } from './types';

/** A twin that differs from the path only in its context. */
interface ContextTwin {
  readonly label: string;
  readonly context: RequestContext;
}

const list = (value: unknown): unknown[] => (value === undefined ? [] : ([] as unknown[]).concat(value));

/** The logical id of the topic `topicArn`, and the key that encrypts it. */
function topicOf(ctx: DeriveContext, topicArn: string): { id?: string; keyArn?: string; problems: string[] } {
  const id = ctx.r.findByValue('AWS::SNS::Topic', topicArn, ['TopicArn']);
  return { id, ...encryptionKey(ctx, id, 'KmsMasterKeyId') };
}

/** The logical id of the queue `queueArn`, and the key that encrypts it. */
function queueOf(ctx: DeriveContext, queueArn: string): { id?: string; keyArn?: string; problems: string[] } {
  const id = ctx.r.findByValue('AWS::SQS::Queue', queueArn, ['Arn']);
  return { id, ...encryptionKey(ctx, id, 'KmsMasterKeyId') };
}

function encryptionKey(
  ctx: DeriveContext,
  id: string | undefined,
  property: string,
): { keyArn?: string; problems: string[] } {
  const value = id ? ctx.r.resource(id)?.Properties?.[property] : undefined;
  if (value === undefined) return { problems: [] };
  const resolved = ctx.r.resolveString(value);
  if (resolved.ok && /(^|:)alias\/aws\//.test(resolved.value)) {
    // An AWS managed key's policy admits only principals of the account, through the service: no AWS
    // service principal can use it, so a delivery from one cannot work.
    return {
      problems: [
        `${id} is encrypted with the AWS managed key ${resolved.value}, which no AWS service principal may use`,
      ],
    };
  }
  const keyArn = ctx.policies.keyArn(value);
  return keyArn.ok
    ? { keyArn: keyArn.value, problems: [] }
    : { problems: [`${id}.${property}: ${keyArn.problem}`] };
}

/** Paths of a service sending to a topic or queue: the send, and the key's use (kms:GenerateDataKey, kms:Decrypt). */
function serviceDeliveryPaths(
  ctx: DeriveContext,
  o: {
    readonly kind: PathKind;
    readonly keyKind: PathKind;
    readonly caller: string;
    readonly service: string;
    readonly targetArn: string;
    readonly context: RequestContext;
    readonly keyContext: RequestContext;
    readonly contextSource: string;
    readonly keyContextSource: string;
    readonly twins: readonly ContextTwin[];
  },
): AccessPath[] {
  const isQueue = o.targetArn.split(':')[2] === 'sqs';
  const target = isQueue ? queueOf(ctx, o.targetArn) : topicOf(ctx, o.targetArn);
  const targetName = `${isQueue ? 'queue' : 'topic'} ${target.id ? short(target.id) : o.targetArn}`;
  const problems = target.id
    ? []
    : [`${o.targetArn} is not a ${isQueue ? 'queue' : 'topic'} of this template: its policy is unknown`];
  const account = accountOf(o.targetArn);
  const paths = [
    makePath({
      kind: o.kind,
      caller: o.caller,
      target: targetName,
      request: serviceRequest(
        o.service,
        isQueue ? 'sqs:SendMessage' : 'sns:Publish',
        o.targetArn,
        account,
        o.context,
      ),
      resourcePolicy: isQueue ? ctx.policies.queuePolicy(o.targetArn) : ctx.policies.topicPolicy(o.targetArn),
      contextSource: o.contextSource,
      problems,
      twins: o.twins.map((t) => ({
        label: t.label,
        request: serviceRequest(
          o.service,
          isQueue ? 'sqs:SendMessage' : 'sns:Publish',
          o.targetArn,
          account,
          { ...o.context, ...t.context },
        ),
      })),
    }),
  ];
  if (target.problems.length > 0) {
    paths.push(unevaluablePath(o.keyKind, o.caller, `key of ${targetName}`, target.problems.join('; ')));
  }
  if (target.keyArn) {
    const key = ctx.policies.keyPolicy(target.keyArn);
    for (const action of ['kms:GenerateDataKey', 'kms:Decrypt']) {
      paths.push(
        makePath({
          kind: o.keyKind,
          caller: o.caller,
          target: `key ${key.keyId ? short(key.keyId) : target.keyArn} of ${targetName}`,
          description: action,
          request: serviceRequest(o.service, action, target.keyArn, accountOf(target.keyArn), o.keyContext),
          resourcePolicy: key,
          contextSource: o.keyContextSource,
        }),
      );
    }
  }
  return paths;
}

/** Paths of a role sending to a topic or queue with its own credentials, and of the service using the key for it. */
export function rolePublishPaths(
  ctx: DeriveContext,
  o: {
    readonly kind: PathKind;
    readonly caller: string;
    readonly roleId: string;
    readonly targetArn: string;
  },
): AccessPath[] {
  const isQueue = o.targetArn.split(':')[2] === 'sqs';
  const target = isQueue ? queueOf(ctx, o.targetArn) : topicOf(ctx, o.targetArn);
  const targetName = `${isQueue ? 'queue' : 'topic'} ${target.id ? short(target.id) : o.targetArn}`;
  const paths = [
    rolePath(ctx, {
      kind: o.kind,
      caller: o.caller,
      target: targetName,
      roleId: o.roleId,
      action: isQueue ? 'sqs:SendMessage' : 'sns:Publish',
      resource: o.targetArn,
      resourcePolicy: isQueue ? ctx.policies.queuePolicy(o.targetArn) : ctx.policies.topicPolicy(o.targetArn),
      problems: target.id ? [] : [`${o.targetArn} is not in this template: its policy is unknown`],
    }),
  ];
  if (target.problems.length > 0)
    paths.push(unevaluablePath(o.kind, o.caller, `key of ${targetName}`, target.problems.join('; ')));
  if (target.keyArn) {
    const key = ctx.policies.keyPolicy(target.keyArn);
    for (const action of ['kms:GenerateDataKey', 'kms:Decrypt']) {
      paths.push(
        rolePath(ctx, {
          kind: o.kind,
          caller: o.caller,
          target: `key ${key.keyId ? short(key.keyId) : target.keyArn} of ${targetName}`,
          description: action,
          roleId: o.roleId,
          action,
          resource: target.keyArn,
          context: viaService(isQueue ? 'sqs' : 'sns', ctx.env.region, ctx.env.account),
          resourcePolicy: key,
        }),
      );
    }
  }
  return paths;
}

/** Each alarm action → the topic (and its key) or function it names. */
export function alarmPaths(ctx: DeriveContext): AccessPath[] {
  const paths: AccessPath[] = [];
  for (const [id, alarm] of ctx.r.resourcesOfType('AWS::CloudWatch::Alarm')) {
    const props = alarm.Properties ?? {};
    const caller = `alarm ${short(id)}`;
    const actions = [
      ...list(props.AlarmActions),
      ...list(props.OKActions),
      ...list(props.InsufficientDataActions),
    ];
    if (actions.length === 0) continue;
    const problems: string[] = [];
    const alarmArn = take(ctx.r.getAtt(id, 'Arn'), problems, caller);
    const seen = new Set<string>();
    for (const action of actions) {
      const arn = take(ctx.r.resolveString(action), problems, `${caller} action`);
      if (!alarmArn || !arn) {
        paths.push(unevaluablePath('alarm-action', caller, 'its action', problems.join('; ')));
        continue;
      }
      if (seen.has(arn)) continue;
      seen.add(arn);
      const source = { 'aws:SourceArn': alarmArn, 'aws:SourceAccount': ctx.env.account };
      const notTheStacks: ContextTwin = {
        label: "an alarm that is not the stack's",
        context: { 'aws:SourceArn': inAlarm(alarmArn, 'AnotherStack-SomeAlarm-0A1B2C3D4E5F') },
      };
      const service = arn.split(':')[2];
      if (service === 'sns') {
        paths.push(
          ...serviceDeliveryPaths(ctx, {
            kind: 'alarm-action',
            keyKind: 'alarm-action-key',
            caller,
            service: 'cloudwatch.amazonaws.com',
            targetArn: arn,
            context: source,
            keyContext: source,
            contextSource: CONTEXT_SOURCES.cloudwatchAlarm,
            keyContextSource: CONTEXT_SOURCES.cloudwatchAlarm,
            twins: [notTheStacks],
          }),
        );
      } else if (service === 'lambda') {
        // CloudWatch User Guide, "Lambda alarm actions": lambda.alarms.cloudwatch.amazonaws.com invokes the
        // function, with aws:SourceArn (the alarm) and aws:SourceAccount.
        paths.push(
          makePath({
            kind: 'alarm-action',
            caller,
            target: `function ${arn.split(':')[6]}`,
            request: serviceRequest(
              'lambda.alarms.cloudwatch.amazonaws.com',
              'lambda:InvokeFunction',
              arn,
              accountOf(arn),
              source,
            ),
            resourcePolicy: ctx.policies.functionPolicy(arn),
            contextSource: CONTEXT_SOURCES.cloudwatchAlarm,
            twins: [
              {
                label: notTheStacks.label,
                request: serviceRequest(
                  'lambda.alarms.cloudwatch.amazonaws.com',
                  'lambda:InvokeFunction',
                  arn,
                  accountOf(arn),
                  {
                    ...source,
                    ...notTheStacks.context,
                  },
                ),
              },
            ],
          }),
        );
      } else {
        paths.push(
          unevaluablePath('alarm-action', caller, arn, `alarm actions on ${service} are not modelled`),
        );
      }
    }
  }
  return paths;
}

function inAlarm(alarmArn: string, name: string): string {
  return `${alarmArn.slice(0, alarmArn.indexOf(':alarm:'))}:alarm:${name}`;
}

/** Each event rule target → topic, queue, function or state machine, its key, and its dead-letter queue. */
export function eventRulePaths(ctx: DeriveContext): AccessPath[] {
  const paths: AccessPath[] = [];
  for (const [id, rule] of ctx.r.resourcesOfType('AWS::Events::Rule')) {
    const caller = `rule ${short(id)}`;
    const problems: string[] = [];
    const ruleArn = take(ctx.r.getAtt(id, 'Arn'), problems, caller);
    if (!ruleArn) {
      paths.push(unevaluablePath('event-target', caller, 'its targets', problems.join('; ')));
      continue;
    }
    const source = { 'aws:SourceArn': ruleArn, 'aws:SourceAccount': ctx.env.account };
    const notTheStacks: ContextTwin = {
      label: "a rule that is not the stack's",
      context: {
        'aws:SourceArn': `${ruleArn.slice(0, ruleArn.indexOf(':rule/'))}:rule/not-this-stacks-rule`,
      },
    };
    for (const t of list(rule.Properties?.Targets) as Record<string, unknown>[]) {
      const targetArn = take(ctx.r.resolveString(t.Arn), problems, `${caller} target`);
      if (!targetArn) {
        paths.push(unevaluablePath('event-target', caller, 'a target', problems.join('; ')));
        continue;
      }
      const service = targetArn.split(':')[2];
      const roleId = t.RoleArn === undefined ? undefined : roleIdOf(ctx, t.RoleArn);
      if (t.RoleArn !== undefined && !roleId) {
        paths.push(
          unevaluablePath('event-target', caller, targetArn, 'its RoleArn is not a role of this template'),
        );
      } else if (roleId) {
        paths.push(...roleTargetPaths(ctx, caller, roleId, targetArn));
      } else if (service === 'sns' || service === 'sqs') {
        paths.push(
          ...serviceDeliveryPaths(ctx, {
            kind: 'event-target',
            keyKind: 'event-target-key',
            caller,
            service: 'events.amazonaws.com',
            targetArn,
            context: source,
            keyContext: {},
            contextSource: CONTEXT_SOURCES.eventsTarget,
            keyContextSource: CONTEXT_SOURCES.eventsKey,
            twins: [notTheStacks],
          }),
        );
      } else if (service === 'lambda') {
        const request = (context: RequestContext) =>
          serviceRequest(
            'events.amazonaws.com',
            'lambda:InvokeFunction',
            functionArnOf(targetArn),
            accountOf(targetArn),
            context,
          );
        paths.push(
          makePath({
            kind: 'event-target',
            caller,
            target: `function ${targetArn.split(':')[6]}`,
            request: request(source),
            resourcePolicy: ctx.policies.functionPolicy(functionArnOf(targetArn)),
            contextSource: CONTEXT_SOURCES.eventsTarget,
            twins: [{ label: notTheStacks.label, request: request({ ...source, ...notTheStacks.context }) }],
          }),
        );
      } else {
        paths.push(
          unevaluablePath(
            'event-target',
            caller,
            targetArn,
            `${service} targets without a role are not modelled`,
          ),
        );
      }
      const dlq = (t.DeadLetterConfig as { Arn?: unknown } | undefined)?.Arn;
      if (dlq !== undefined) {
        const dlqArn = take(ctx.r.resolveString(dlq), problems, `${caller} dead-letter queue`);
        if (!dlqArn) {
          paths.push(
            unevaluablePath('event-dead-letter', caller, 'its dead-letter queue', problems.join('; ')),
          );
          continue;
        }
        paths.push(
          ...serviceDeliveryPaths(ctx, {
            kind: 'event-dead-letter',
            keyKind: 'event-dead-letter-key',
            caller,
            service: 'events.amazonaws.com',
            targetArn: dlqArn,
            context: source,
            keyContext: {},
            contextSource: CONTEXT_SOURCES.eventsTarget,
            keyContextSource: CONTEXT_SOURCES.eventsKey,
            twins: [notTheStacks],
          }),
        );
      }
    }
  }
  return paths;
}

/** A function ARN without an alias or version qualifier. */
function functionArnOf(arn: string): string {
  return arn.split(':').slice(0, 7).join(':');
}

/** A target EventBridge reaches through a role: the role's own call (and the key it uses through SNS/SQS). */
function roleTargetPaths(
  ctx: DeriveContext,
  caller: string,
  roleId: string,
  targetArn: string,
): AccessPath[] {
  const service = targetArn.split(':')[2];
  const who = `${caller} as role ${short(roleId)}`;
  if (service === 'sns' || service === 'sqs') {
    return rolePublishPaths(ctx, { kind: 'event-target', caller: who, roleId, targetArn });
  }
  const action =
    service === 'states'
      ? 'states:StartExecution'
      : service === 'lambda'
        ? 'lambda:InvokeFunction'
        : undefined;
  if (!action)
    return [unevaluablePath('event-target', who, targetArn, `${service} targets are not modelled`)];
  const resource = service === 'lambda' ? functionArnOf(targetArn) : targetArn;
  const targetId =
    service === 'states'
      ? idOf(ctx, 'AWS::StepFunctions::StateMachine', targetArn, ['Arn'])
      : idOf(ctx, 'AWS::Lambda::Function', resource, ['Arn']);
  return [
    rolePath(ctx, {
      kind: 'event-target',
      caller: who,
      target: `${service === 'states' ? 'state machine' : 'function'} ${targetId ? short(targetId) : targetArn}`,
      roleId,
      action,
      resource,
      ...(service === 'lambda' ? { resourcePolicy: ctx.policies.functionPolicy(resource) } : {}),
    }),
  ];
}

/** The ARN kind of each RDS event source type. */
const RDS_SOURCE_ARN: Readonly<Record<string, string>> = {
  'db-instance': 'db',
  'db-cluster': 'cluster',
  'db-snapshot': 'snapshot',
  'db-cluster-snapshot': 'cluster-snapshot',
  'db-parameter-group': 'pg',
  'db-security-group': 'secgrp',
  'db-proxy': 'db-proxy',
  'custom-engine-version': 'cev',
  'blue-green-deployment': 'deployment',
};

/** Each RDS event subscription → its topic, for each source it names, and the topic's key. */
export function rdsEventPaths(ctx: DeriveContext): AccessPath[] {
  const paths: AccessPath[] = [];
  for (const [id, subscription] of ctx.r.resourcesOfType('AWS::RDS::EventSubscription')) {
    const props = subscription.Properties ?? {};
    const caller = `RDS events ${short(id)}`;
    const problems: string[] = [];
    const topicArn = take(ctx.r.resolveString(props.SnsTopicArn), problems, caller);
    const type = RDS_SOURCE_ARN[String(props.SourceType ?? 'db-instance')];
    const ids = list(props.SourceIds).map((s) => take(ctx.r.resolveString(s), problems, `${caller} source`));
    if (!topicArn || !type || ids.some((s) => s === undefined)) {
      paths.push(
        unevaluablePath(
          'rds-event',
          caller,
          'its topic',
          problems.join('; ') || `source type ${String(props.SourceType)}`,
        ),
      );
      continue;
    }
    const arnOf = (name: string, account = ctx.env.account) =>
      `arn:${ctx.env.partition}:rds:${ctx.env.region}:${account}:${type}:${name}`;
    // A subscription without source ids receives the events of every source of its type.
    const sources = ids.length > 0 ? (ids as string[]) : [`any-${String(props.SourceType ?? 'db-instance')}`];
    for (const [i, source] of sources.entries()) {
      const context = { 'aws:SourceArn': arnOf(source), 'aws:SourceAccount': ctx.env.account };
      const delivery = serviceDeliveryPaths(ctx, {
        kind: 'rds-event',
        keyKind: 'rds-event-key',
        caller: `${caller} (${source})`,
        service: 'events.rds.amazonaws.com',
        targetArn: topicArn,
        context,
        keyContext: {},
        contextSource: CONTEXT_SOURCES.rdsEvents,
        keyContextSource: CONTEXT_SOURCES.rdsEventsKey,
        twins: [],
      });
      // The key's use does not depend on the source: once per subscription is enough.
      paths.push(...delivery.filter((p) => i === 0 || p.kind === 'rds-event'));
    }
  }
  return paths;
}
