/**
 * Paths of the stack's workloads, each as the role it runs as: Lambda functions (the runtime's log and
 * dead-letter writes, and what the code calls per handler-calls.ts), state machines (each task's API call from
 * the definition, logging, tracing) and ECS task definitions (the execution role's image pulls, secrets and
 * log writes). The service's sts:AssumeRole on each role is a path too.
 */
import { CERTIFICATE_MONITOR, FunctionFacts, HANDLER_CONTRACTS } from './handler-calls';
import { rolePublishPaths } from './derive-notifications';
import { vendedToLogGroup } from './derive-delivery';
import {
  DeriveContext,
  idOf,
  makePath,
  rolePath,
  roleIdOf,
  roleLogPaths,
  SAMPLE_DAY,
  short,
  take,
  trustPath,
  unevaluablePath,
} from './paths';
import { Gathered } from './policies';
import { accountOf, CONTEXT_SOURCES, roleRequest, viaService } from './requests';
import { AccessPath, NamedPolicy } from './types';

const list = (value: unknown): unknown[] => (value === undefined ? [] : ([] as unknown[]).concat(value));
const lastPart = (value: string) => value.slice(value.lastIndexOf('/') + 1);

/** Each Lambda function: assumed role, log writes, dead-letter and destination sends, and its code's calls. */
export function lambdaPaths(ctx: DeriveContext): AccessPath[] {
  const paths: AccessPath[] = [];
  for (const [id, fn] of ctx.r.resourcesOfType('AWS::Lambda::Function')) {
    const props = fn.Properties ?? {};
    const caller = `function ${short(id)}`;
    const problems: string[] = [];
    const roleId = roleIdOf(ctx, props.Role);
    const functionArn = take(ctx.r.getAtt(id, 'Arn'), problems, caller);
    const functionName = take(ctx.r.ref(id), problems, caller);
    if (!roleId || !functionArn || !functionName) {
      paths.push(
        unevaluablePath(
          'lambda-runtime',
          caller,
          'its role',
          problems.join('; ') || 'its role is not in this template',
        ),
      );
      continue;
    }
    const as = `${caller} as role ${short(roleId)}`;
    paths.push(trustPath(ctx, { service: 'lambda.amazonaws.com', roleId, user: caller }));
    const loggingConfig = props.LoggingConfig as { LogGroup?: unknown } | undefined;
    const group =
      loggingConfig?.LogGroup === undefined
        ? `/aws/lambda/${functionName}`
        : take(ctx.r.resolveString(loggingConfig.LogGroup), problems, caller);
    if (!group) paths.push(unevaluablePath('lambda-runtime', as, 'its log group', problems.join('; ')));
    else
      paths.push(
        ...roleLogPaths(ctx, {
          kind: 'lambda-runtime',
          caller: as,
          roleId,
          logGroup: group,
          stream: `${SAMPLE_DAY}/[$LATEST]0123456789abcdef`,
        }),
      );

    // Asynchronous invocations that fail go to the dead-letter queue or the failure destination, sent with the
    // function's role (Lambda Developer Guide, invocation-async-retain-records.html).
    const destinations = [(props.DeadLetterConfig as { TargetArn?: unknown } | undefined)?.TargetArn];
    for (const [, config] of ctx.r.resourcesOfType('AWS::Lambda::EventInvokeConfig')) {
      const target = config.Properties?.FunctionName;
      if (ctx.r.referencedId(target) !== id && ctx.r.resolveString(target).ok !== true) continue;
      const name = ctx.r.resolveString(target);
      if (
        ctx.r.referencedId(target) !== id &&
        !(name.ok && (name.value === functionName || name.value === functionArn))
      )
        continue;
      const d = config.Properties?.DestinationConfig as Record<string, { Destination?: unknown }> | undefined;
      destinations.push(d?.OnFailure?.Destination, d?.OnSuccess?.Destination);
    }
    for (const destination of destinations.filter((d) => d !== undefined)) {
      const arn = take(ctx.r.resolveString(destination), problems, `${caller} destination`);
      const service = arn?.split(':')[2];
      if (!arn) paths.push(unevaluablePath('lambda-runtime', as, 'its destination', problems.join('; ')));
      else if (service === 'sqs' || service === 'sns')
        paths.push(...rolePublishPaths(ctx, { kind: 'lambda-runtime', caller: as, roleId, targetArn: arn }));
      else
        paths.push(unevaluablePath('lambda-runtime', as, arn, `destinations on ${service} are not modelled`));
    }
    paths.push(...codePaths(ctx, id, as, roleId, functionArn));
  }
  return paths;
}

/** What the function's code calls, per the table that describes it. */
function codePaths(
  ctx: DeriveContext,
  id: string,
  caller: string,
  roleId: string,
  functionArn: string,
): AccessPath[] {
  const variables = ctx.r.resolve(
    (ctx.r.resource(id)?.Properties?.Environment as { Variables?: unknown } | undefined)?.Variables ?? {},
  );
  if (!variables.ok)
    return [
      unevaluablePath('lambda-code', caller, 'what its code calls', `environment: ${variables.problem}`),
    ];
  const customResources = Object.entries(ctx.r.template.Resources ?? {})
    .filter(
      ([, r]) =>
        (r.Type.startsWith('Custom::') || r.Type === 'AWS::CloudFormation::CustomResource') &&
        ctx.r.referencedId(r.Properties?.ServiceToken) === id,
    )
    .map(([, r]) => ({ type: r.Type, properties: ctx.r.resolve(r.Properties ?? {}) }));
  const unresolved = customResources.find((c) => !c.properties.ok);
  if (unresolved && !unresolved.properties.ok) {
    return [
      unevaluablePath(
        'lambda-code',
        caller,
        'what its code calls',
        `${unresolved.type}: ${unresolved.properties.problem}`,
      ),
    ];
  }
  const facts: FunctionFacts = {
    functionArn,
    environment: Object.fromEntries(
      Object.entries(variables.value as Record<string, unknown>).map(([k, v]) => [k, String(v)]),
    ),
    customResources: customResources.map((c) => ({
      type: c.type,
      properties: (c.properties as { value: Record<string, unknown> }).value,
    })),
    account: ctx.env.account,
    region: ctx.env.region,
    partition: ctx.env.partition,
  };
  const contract = HANDLER_CONTRACTS.find((c) => c.describes(facts));
  if (!contract) {
    return [
      unevaluablePath(
        'lambda-code',
        caller,
        'what its code calls',
        `no table in test/support/access-paths/handler-calls.ts describes function ${id}`,
      ),
    ];
  }
  const paths: AccessPath[] = [];
  for (const call of contract.calls) {
    const arns = call.on(facts);
    if (arns.length === 0)
      paths.push(
        unevaluablePath(
          'lambda-code',
          caller,
          call.action,
          `the ${contract.name} table names no resource for ${call.action}`,
        ),
      );
    for (const arn of arns) {
      if (call.usesKeyVia === 'sns' || call.usesKeyVia === 'sqs') {
        paths.push(...rolePublishPaths(ctx, { kind: 'lambda-code', caller, roleId, targetArn: arn }));
        continue;
      }
      const certificateId =
        contract === CERTIFICATE_MONITOR
          ? idOf(ctx, 'AWS::CertificateManager::Certificate', arn, [])
          : undefined;
      paths.push(
        rolePath(ctx, {
          kind: 'lambda-code',
          caller,
          target: certificateId ? `certificate ${short(certificateId)}` : arn,
          description: call.action,
          roleId,
          action: call.action,
          resource: arn,
          // A bucket's or a secret's own policy judges the call too (a bucket's TLS-only deny, for one).
          resourcePolicy: arn.includes(':s3:::')
            ? ctx.policies.bucketPolicy(arn.slice(arn.indexOf(':::') + 3))
            : arn.includes(':secretsmanager:')
              ? ctx.policies.secretPolicy(arn)
              : undefined,
        }),
      );
      // Secrets Manager decrypts the secret with its key for the function's credentials: the key must admit
      // the role through Secrets Manager, with the secret's encryption context.
      if (call.usesKeyVia === 'secretsmanager') {
        const roleArn = ctx.r.getAtt(roleId, 'Arn');
        if (!roleArn.ok) {
          paths.push(unevaluablePath('lambda-code', caller, `key of secret ${arn}`, roleArn.problem));
          continue;
        }
        paths.push(
          ...secretKeyPaths(ctx, {
            kind: 'lambda-code',
            caller,
            roleArn: roleArn.value,
            identity: ctx.policies.identityPolicies(roleId),
            secretId: ctx.r.findByValue('AWS::SecretsManager::Secret', arn),
            secretArn: arn,
            actions: ['kms:Decrypt'],
          }),
        );
      }
    }
  }
  return paths;
}

interface TaskState {
  readonly Type?: string;
  readonly Resource?: string;
  readonly Parameters?: Record<string, unknown>;
  readonly Arguments?: Record<string, unknown>;
  readonly Branches?: { States?: Record<string, TaskState> }[];
  readonly ItemProcessor?: { States?: Record<string, TaskState> };
  readonly Iterator?: { States?: Record<string, TaskState> };
}

/** Every Task state of a definition, nested ones included. */
function tasks(states: Record<string, TaskState> | undefined): [string, TaskState][] {
  return Object.entries(states ?? {}).flatMap(([name, s]) => [
    ...(s.Type === 'Task' ? ([[name, s]] as [string, TaskState][]) : []),
    ...(s.Branches ?? []).flatMap((b) => tasks(b.States)),
    ...tasks(s.ItemProcessor?.States),
    ...tasks(s.Iterator?.States),
  ]);
}

/**
 * The resource an AWS SDK integration's call is made on, from its parameters, per API (Step Functions'
 * `arn:aws:states:::aws-sdk:<service>:<action>`). An API not listed makes the path unevaluated.
 */
const SDK_CALL_RESOURCES: Readonly<
  Record<string, (p: Record<string, unknown>, ctx: DeriveContext) => string>
> = {
  'ecs:UpdateService': (p, ctx) =>
    `arn:${ctx.env.partition}:ecs:${ctx.env.region}:${ctx.env.account}:service/${lastPart(String(p.Cluster ?? 'default'))}/${lastPart(String(p.Service))}`,
};

/** Each state machine: assumed role, each task's call, log delivery and tracing. */
export function stateMachinePaths(ctx: DeriveContext): AccessPath[] {
  const paths: AccessPath[] = [];
  for (const [id, machine] of ctx.r.resourcesOfType('AWS::StepFunctions::StateMachine')) {
    const props = machine.Properties ?? {};
    const caller = `state machine ${short(id)}`;
    const problems: string[] = [];
    const roleId = roleIdOf(ctx, props.RoleArn);
    const machineArn = take(ctx.r.getAtt(id, 'Arn'), problems, caller);
    if (!roleId || !machineArn) {
      paths.push(
        unevaluablePath(
          'state-machine',
          caller,
          'its role',
          problems.join('; ') || 'its role is not in this template',
        ),
      );
      continue;
    }
    const as = `${caller} as role ${short(roleId)}`;
    paths.push(
      trustPath(ctx, {
        service: 'states.amazonaws.com',
        roleId,
        user: caller,
        sourceScoped: true,
        context: { 'aws:SourceAccount': ctx.env.account, 'aws:SourceArn': machineArn },
      }),
    );
    const definition = definitionOf(ctx, props);
    if (!definition.ok) {
      paths.push(unevaluablePath('state-machine', as, 'its tasks', definition.problem));
      continue;
    }
    for (const [name, task] of tasks(definition.value.States)) {
      const resource = String(task.Resource ?? '');
      const params = task.Parameters ?? task.Arguments ?? {};
      const sdk = /^arn:[^:]+:states:::aws-sdk:([a-z0-9]+):([A-Za-z0-9]+)/.exec(resource);
      if (Object.keys(params).some((k) => k.endsWith('.$'))) {
        paths.push(
          unevaluablePath(
            'state-machine',
            as,
            name,
            'parameters from the state input are not resolvable before run time',
          ),
        );
      } else if (sdk) {
        const action = `${sdk[1]}:${sdk[2][0].toUpperCase()}${sdk[2].slice(1)}`;
        const on = SDK_CALL_RESOURCES[action];
        if (!on)
          paths.push(unevaluablePath('state-machine', as, name, `the resource of ${action} is not modelled`));
        else {
          const arn = on(params, ctx);
          const serviceId = action.startsWith('ecs:')
            ? idOf(ctx, 'AWS::ECS::Service', arn, ['ServiceArn'])
            : undefined;
          paths.push(
            rolePath(ctx, {
              kind: 'state-machine',
              caller: as,
              target: serviceId ? `service ${short(serviceId)}` : arn,
              description: `${name}: ${action}`,
              roleId,
              action,
              resource: arn,
            }),
          );
        }
      } else if (/^arn:[^:]+:states:::sns:publish/.test(resource)) {
        paths.push(
          ...rolePublishPaths(ctx, {
            kind: 'state-machine',
            caller: as,
            roleId,
            targetArn: String(params.TopicArn),
          }),
        );
      } else if (/^arn:[^:]+:states:::lambda:invoke/.test(resource) || /^arn:[^:]+:lambda:/.test(resource)) {
        const fn = /^arn:[^:]+:lambda:/.test(resource) ? resource : String(params.FunctionName);
        const fnArn = fn.startsWith('arn:')
          ? fn.split(':').slice(0, 7).join(':')
          : `arn:${ctx.env.partition}:lambda:${ctx.env.region}:${ctx.env.account}:function:${fn}`;
        paths.push(
          rolePath(ctx, {
            kind: 'state-machine',
            caller: as,
            target: `function ${fnArn.split(':')[6]}`,
            description: name,
            roleId,
            action: 'lambda:InvokeFunction',
            resource: fnArn,
            resourcePolicy: ctx.policies.functionPolicy(fnArn),
          }),
        );
      } else {
        paths.push(unevaluablePath('state-machine', as, name, `task resource ${resource} is not modelled`));
      }
    }
    const logging = props.LoggingConfiguration as
      { Destinations?: { CloudWatchLogsLogGroup?: { LogGroupArn?: unknown } }[]; Level?: string } | undefined;
    for (const destination of logging?.Level === 'OFF' ? [] : (logging?.Destinations ?? [])) {
      const group = take(
        ctx.r.resolveString(destination.CloudWatchLogsLogGroup?.LogGroupArn),
        problems,
        caller,
      );
      if (!group) {
        paths.push(unevaluablePath('state-machine', caller, 'its log group', problems.join('; ')));
        continue;
      }
      // Step Functions Developer Guide, cw-logs.html: the role sets up the log delivery, CloudWatch Logs'
      // delivery service writes the records.
      paths.push(
        rolePath(ctx, {
          kind: 'state-machine',
          caller: as,
          target: 'CloudWatch Logs deliveries',
          description: 'logs:CreateLogDelivery',
          roleId,
          action: 'logs:CreateLogDelivery',
          resource: '*',
        }),
        ...vendedToLogGroup(ctx, 'state-machine', caller, group, 'Step Functions'),
      );
    }
    if ((props.TracingConfiguration as { Enabled?: unknown } | undefined)?.Enabled === true) {
      for (const action of ['xray:PutTraceSegments', 'xray:PutTelemetryRecords']) {
        paths.push(
          rolePath(ctx, {
            kind: 'state-machine',
            caller: as,
            target: 'X-Ray',
            description: action,
            roleId,
            action,
            resource: '*',
          }),
        );
      }
    }
  }
  return paths;
}

function definitionOf(
  ctx: DeriveContext,
  props: Record<string, unknown>,
): { ok: true; value: { States?: Record<string, TaskState> } } | { ok: false; problem: string } {
  const raw = ctx.r.resolve(props.DefinitionString ?? props.Definition);
  if (!raw.ok) return raw;
  const substitutions = ctx.r.resolve(props.DefinitionSubstitutions ?? {});
  if (!substitutions.ok) return substitutions;
  let text = typeof raw.value === 'string' ? raw.value : JSON.stringify(raw.value);
  for (const [k, v] of Object.entries(substitutions.value as Record<string, unknown>))
    text = text.split(`\${${k}}`).join(String(v));
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch (e) {
    return { ok: false, problem: `definition is not JSON: ${(e as Error).message}` };
  }
}

/** An ECR image reference's repository ARN, or undefined for another registry. */
function ecrRepository(image: string, partition: string): string | undefined {
  const m = /^(\d{12})\.dkr\.ecr\.([a-z0-9-]+)\.amazonaws\.com(?:\.cn)?\/([^:@]+)/.exec(image);
  return m ? `arn:${partition}:ecr:${m[2]}:${m[1]}:repository/${m[3]}` : undefined;
}

/** The secret ARN of an ECS `ValueFrom` (which may add `:json-key:version-stage:version-id`). */
function secretArnOf(valueFrom: string): string {
  return valueFrom.split(':').slice(0, 7).join(':');
}

/** Each task definition: the roles ECS assumes, and the execution role's image pulls, secrets and log writes. */
export function ecsPaths(ctx: DeriveContext): AccessPath[] {
  const paths: AccessPath[] = [];
  for (const [id, definition] of ctx.r.resourcesOfType('AWS::ECS::TaskDefinition')) {
    const props = definition.Properties ?? {};
    const caller = `task definition ${short(id)}`;
    const task = `arn:${ctx.env.partition}:ecs:${ctx.env.region}:${ctx.env.account}:task/default/0123456789abcdef0123456789abcdef`;
    const ecsContext = { 'aws:SourceAccount': ctx.env.account, 'aws:SourceArn': task };
    const taskRoleId = props.TaskRoleArn === undefined ? undefined : roleIdOf(ctx, props.TaskRoleArn);
    if (taskRoleId)
      paths.push(
        trustPath(ctx, {
          service: 'ecs-tasks.amazonaws.com',
          roleId: taskRoleId,
          user: `${caller} (task role)`,
          context: ecsContext,
          sourceScoped: true,
        }),
      );
    if (props.ExecutionRoleArn === undefined) continue;
    const roleId = roleIdOf(ctx, props.ExecutionRoleArn);
    if (!roleId) {
      paths.push(
        unevaluablePath(
          'ecs-execution',
          caller,
          'its execution role',
          'the execution role is not in this template',
        ),
      );
      continue;
    }
    const as = `${caller} execution role ${short(roleId)}`;
    paths.push(
      trustPath(ctx, {
        service: 'ecs-tasks.amazonaws.com',
        roleId,
        user: `${caller} (execution role)`,
        context: ecsContext,
      }),
    );
    for (const container of list(props.ContainerDefinitions) as Record<string, unknown>[]) {
      const problems: string[] = [];
      const name = String(container.Name ?? 'container');
      const image = take(ctx.r.resolveString(container.Image), problems, `${caller} ${name} image`);
      const repository = image ? ecrRepository(image, ctx.env.partition) : undefined;
      if (!image) paths.push(unevaluablePath('ecs-execution', as, `image of ${name}`, problems.join('; ')));
      else if (repository) paths.push(...imagePullPaths(ctx, as, roleId, repository));
      const secrets = [
        ...(list(container.Secrets) as { ValueFrom?: unknown }[]).map((s) => s.ValueFrom),
        ...(container.RepositoryCredentials
          ? [(container.RepositoryCredentials as { CredentialsParameter?: unknown }).CredentialsParameter]
          : []),
      ];
      for (const valueFrom of secrets) {
        const ref = take(ctx.r.resolveString(valueFrom), problems, `${caller} ${name} secret`);
        if (!ref)
          paths.push(unevaluablePath('ecs-execution', as, `a secret of ${name}`, problems.join('; ')));
        else paths.push(...secretReadPaths(ctx, as, roleId, ref));
      }
      const log = container.LogConfiguration as
        { LogDriver?: string; Options?: Record<string, unknown> } | undefined;
      if (log?.LogDriver === 'awslogs') {
        const group = take(
          ctx.r.resolveString(log.Options?.['awslogs-group']),
          problems,
          `${caller} ${name} log group`,
        );
        const prefix = take(
          ctx.r.resolveString(log.Options?.['awslogs-stream-prefix'] ?? 'ecs'),
          problems,
          caller,
        );
        if (!group)
          paths.push(unevaluablePath('ecs-execution', as, `log group of ${name}`, problems.join('; ')));
        else
          paths.push(
            ...roleLogPaths(ctx, {
              kind: 'ecs-execution',
              caller: as,
              roleId,
              logGroup: group,
              stream: `${prefix}/${name}/0123456789abcdef0123456789abcdef`,
            }),
          );
      }
    }
  }
  return paths;
}

/** The execution role pulls an ECR image: GetAuthorizationToken, then BatchGetImage and GetDownloadUrlForLayer. */
function imagePullPaths(
  ctx: DeriveContext,
  caller: string,
  roleId: string,
  repository: string,
): AccessPath[] {
  const policy = ctx.policies.repositoryPolicy(repository);
  const foreign = accountOf(repository) !== ctx.env.account && !policy.inTemplate;
  const problems = foreign
    ? [`repository ${repository} is in another account: its repository policy is unknown`]
    : [];
  const target = `repository ${repository.split('/').slice(1).join('/')}`;
  return [
    rolePath(ctx, {
      kind: 'ecs-execution',
      caller,
      target: 'ECR',
      description: 'ecr:GetAuthorizationToken',
      roleId,
      action: 'ecr:GetAuthorizationToken',
      resource: '*',
    }),
    ...['ecr:BatchGetImage', 'ecr:GetDownloadUrlForLayer'].map((action) =>
      rolePath(ctx, {
        kind: 'ecs-execution',
        caller,
        target,
        description: action,
        roleId,
        action,
        resource: repository,
        resourcePolicy: policy,
        problems,
      }),
    ),
  ];
}

/** The execution role reads a secret (and, through Secrets Manager, decrypts it with the secret's key). */
function secretReadPaths(
  ctx: DeriveContext,
  caller: string,
  roleId: string,
  valueFrom: string,
): AccessPath[] {
  if (valueFrom.split(':')[2] === 'ssm' || !valueFrom.startsWith('arn:')) {
    const parameter = valueFrom.startsWith('arn:')
      ? valueFrom
      : `arn:${ctx.env.partition}:ssm:${ctx.env.region}:${ctx.env.account}:parameter/${valueFrom.replace(/^\//, '')}`;
    return [
      rolePath(ctx, {
        kind: 'ecs-execution',
        caller,
        target: `parameter ${parameter.split(':parameter/')[1]}`,
        description: 'ssm:GetParameters',
        roleId,
        action: 'ssm:GetParameters',
        resource: parameter,
      }),
    ];
  }
  const secretArn = secretArnOf(valueFrom);
  const secretId = ctx.r.findByValue('AWS::SecretsManager::Secret', secretArn);
  const target = `secret ${secretId ? short(secretId) : secretArn}`;
  const paths = [
    rolePath(ctx, {
      kind: 'ecs-execution',
      caller,
      target,
      description: 'secretsmanager:GetSecretValue',
      roleId,
      action: 'secretsmanager:GetSecretValue',
      resource: secretArn,
      resourcePolicy: ctx.policies.secretPolicy(secretArn),
      problems: secretId
        ? []
        : [`secret ${secretArn} is not in this template: its policy and key are unknown`],
    }),
  ];
  const roleArn = ctx.r.getAtt(roleId, 'Arn');
  if (!roleArn.ok) return [...paths, unevaluablePath('ecs-execution', caller, target, roleArn.problem)];
  const identity = ctx.policies.identityPolicies(roleId);
  paths.push(
    ...secretKeyPaths(ctx, {
      kind: 'ecs-execution',
      caller,
      roleArn: roleArn.value,
      identity,
      secretId,
      secretArn,
      actions: ['kms:Decrypt'],
    }),
  );
  return paths;
}

/** A role's use of a secret's key through Secrets Manager, with the secret's encryption context. */
export function secretKeyPaths(
  ctx: DeriveContext,
  o: {
    readonly kind: 'ecs-execution' | 'rotation' | 'lambda-code';
    readonly caller: string;
    readonly roleArn: string;
    readonly identity: Gathered<{
      readonly policies: readonly NamedPolicy[];
      readonly boundaries: readonly NamedPolicy[];
    }>;
    readonly secretId: string | undefined;
    readonly secretArn: string;
    readonly actions: readonly string[];
  },
): AccessPath[] {
  const keyValue = o.secretId ? ctx.r.resource(o.secretId)?.Properties?.KmsKeyId : undefined;
  // Without KmsKeyId, Secrets Manager uses the AWS managed key aws/secretsmanager, whose policy admits the
  // account's principals through Secrets Manager: nothing of the template to check.
  if (!o.secretId || keyValue === undefined) return [];
  const keyArn = ctx.policies.keyArn(keyValue);
  if (!keyArn.ok)
    return [unevaluablePath(o.kind, o.caller, `key of secret ${short(o.secretId)}`, keyArn.problem)];
  const key = ctx.policies.keyPolicy(keyArn.value);
  return o.actions.map((action) =>
    makePath({
      kind: o.kind,
      caller: o.caller,
      target: `key ${key.keyId ? short(key.keyId) : keyArn.value} of secret ${short(o.secretId as string)}`,
      description: action,
      request: roleRequest(o.roleArn, action, keyArn.value, accountOf(keyArn.value), {
        ...viaService('secretsmanager', ctx.env.region, ctx.env.account),
        'kms:EncryptionContext:SecretARN': o.secretArn,
        'kms:EncryptionContext:SecretVersionId': '00000000-0000-4000-8000-000000000001',
      }),
      identity: o.identity,
      resourcePolicy: key,
      contextSource: CONTEXT_SOURCES.role,
    }),
  );
}
