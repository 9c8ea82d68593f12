import { Match, Template } from 'aws-cdk-lib/assertions';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Duration, Stack } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import {
  recordedAcknowledgements,
  SchedulingApp,
  SchedulingAppDefinition,
  SchedulingNetwork,
  SchedulingService,
  SchedulingServiceProps,
  TlsLoadBalancer,
} from '../../lib';
import { copyScript, ownerCommand } from '../../lib/private/volume-preparation';
import { testStack } from '../support/app';

const CERT_ARN = 'arn:aws:acm:eu-west-1:111111111111:certificate/0b0a6f6e-3c41-4a8e-9f64-2d1c3d5e7a90';
const CALCOM = SchedulingApp.calCom({ publicUrl: 'https://schedule.example.com' });

function build(props: Partial<SchedulingServiceProps> = {}): { stack: Stack; service: SchedulingService } {
  const stack = testStack();
  const network = new SchedulingNetwork(stack, 'Network');
  const certificate = acm.Certificate.fromCertificateArn(stack, 'Cert', CERT_ARN);
  const lb = new TlsLoadBalancer(stack, 'LoadBalancer', {
    vpc: network.vpc,
    domainName: 'schedule.example.com',
    certificate,
  });
  const service = new SchedulingService(stack, 'App', {
    vpc: network.vpc,
    vpcSubnets: network.appSubnets,
    listener: lb.httpsListener,
    app: CALCOM,
    ...props,
  });
  return { stack, service };
}

function withApp(overrides: Partial<SchedulingAppDefinition>): Partial<SchedulingServiceProps> {
  return { app: { ...CALCOM, ...overrides } };
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- templates are untyped JSON
type ContainerJson = Record<string, any>;

/** The container definitions of the one task definition, by name. */
function containersOf(template: Template): Record<string, ContainerJson> {
  const taskDefinition = Object.values(template.findResources('AWS::ECS::TaskDefinition'))[0];
  return Object.fromEntries(
    taskDefinition.Properties.ContainerDefinitions.map((c: ContainerJson) => [c.Name, c]),
  );
}

const CALCOM_VOLUMES = [
  { SourceVolume: 'scratch-0', ContainerPath: '/tmp', ReadOnly: false },
  { SourceVolume: 'prepared-0', ContainerPath: '/calcom/apps/web/.next', ReadOnly: false },
  { SourceVolume: 'prepared-1', ContainerPath: '/calcom/apps/web/public', ReadOnly: false },
];

describe('SchedulingService', () => {
  let template: Template;
  let container: Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

  beforeAll(() => {
    template = Template.fromStack(build().stack);
    const taskDefinition = Object.values(template.findResources('AWS::ECS::TaskDefinition'))[0];
    container = taskDefinition.Properties.ContainerDefinitions[0];
  });

  describe('placement', () => {
    test('tasks run on the latest Fargate platform in the app subnets with no public IP', () => {
      template.hasResourceProperties('AWS::ECS::Service', {
        LaunchType: 'FARGATE',
        PlatformVersion: 'LATEST',
        NetworkConfiguration: {
          AwsvpcConfiguration: {
            AssignPublicIp: 'DISABLED',
            Subnets: [
              { Ref: Match.stringLikeRegexp('AppSubnet1') },
              { Ref: Match.stringLikeRegexp('AppSubnet2') },
            ],
          },
        },
      });
    });

    test('deployments stop and roll back on failure, never dropping below the running count', () => {
      template.hasResourceProperties('AWS::ECS::Service', {
        DeploymentConfiguration: {
          DeploymentCircuitBreaker: { Enable: true, Rollback: true },
          MinimumHealthyPercent: 100,
        },
        EnableExecuteCommand: false,
      });
    });

    test('the cluster has Container Insights', () => {
      template.hasResourceProperties('AWS::ECS::Cluster', {
        ClusterSettings: [{ Name: 'containerInsights', Value: 'enabled' }],
      });
    });
  });

  describe('container', () => {
    test('runs the pinned Cal.com image as a non-root user on a read-only root file system', () => {
      expect(container.Image).toBe('calcom/cal.com:v5.5.0');
      expect(container.User).toBe('1000:1000');
      expect(container.ReadonlyRootFilesystem).toBe(true);
      expect(container.Memory).toBe(2048);
      expect(container.LinuxParameters.Capabilities.Drop).toEqual(['ALL']);
    });

    test('writes only to its task volumes: scratch /tmp and the copies of the build output it rewrites', () => {
      expect(container.MountPoints).toEqual(CALCOM_VOLUMES);
    });

    test("runs the image's start script from the image's working directory (it calls scripts/ relative to it)", () => {
      expect(container.WorkingDirectory).toBeUndefined();
    });

    test('gets its secrets from Secrets Manager, never as plain values', () => {
      expect(container.Secrets.map((s: { Name: string }) => s.Name).sort()).toEqual([
        'CALENDSO_ENCRYPTION_KEY',
        'NEXTAUTH_SECRET',
      ]);
      const names = container.Environment.map((e: { Name: string }) => e.Name);
      expect(names).not.toContain('NEXTAUTH_SECRET');
      expect(names).not.toContain('CALENDSO_ENCRYPTION_KEY');
    });

    test('has telemetry off and knows its public URL', () => {
      expect(container.Environment).toEqual(
        expect.arrayContaining([
          { Name: 'CALCOM_TELEMETRY_DISABLED', Value: '1' },
          { Name: 'NEXT_TELEMETRY_DISABLED', Value: '1' },
          { Name: 'NEXT_PUBLIC_WEBAPP_URL', Value: 'https://schedule.example.com' },
        ]),
      );
    });

    test('logs to an encrypted log group with a retention limit, kept on deletion', () => {
      expect(container.LogConfiguration.LogDriver).toBe('awslogs');
      template.hasResource('AWS::Logs::LogGroup', {
        Properties: { RetentionInDays: 90, KmsKeyId: Match.anyValue() },
        DeletionPolicy: 'Retain',
      });
    });

    test('masks email addresses and credentials in its log group, with findings in a log group of its own', () => {
      const logGroups = template.findResources('AWS::Logs::LogGroup');
      const [app] = Object.values(logGroups).filter((g) => g.Properties.DataProtectionPolicy !== undefined);
      const statements = app.Properties.DataProtectionPolicy.Statement as Array<{
        DataIdentifier: unknown[];
        Operation: { Audit?: { FindingsDestination: { CloudWatchLogs: { LogGroup: { Ref: string } } } } };
      }>;
      const mask = statements.find(
        (st) => JSON.stringify(st.Operation) === '{"Deidentify":{"MaskConfig":{}}}',
      );
      expect(JSON.stringify(mask?.DataIdentifier)).toContain('data-identifier/EmailAddress');
      const findings = statements.find((st) => st.Operation.Audit)?.Operation.Audit?.FindingsDestination;
      const findingsGroup = logGroups[findings?.CloudWatchLogs.LogGroup.Ref ?? ''];
      expect(findingsGroup.Properties).toEqual(
        expect.objectContaining({ RetentionInDays: 90, KmsKeyId: expect.anything() }),
      );
    });
  });

  describe('start steps', () => {
    let containers: Record<string, ContainerJson>;

    beforeAll(() => {
      containers = containersOf(template);
    });

    test('the task has the app and two steps that run before it, the app first in the definition', () => {
      expect(Object.keys(containers)).toEqual(['App', 'VolumeOwner', 'Prepare']);
      expect(containers.App.Essential).toBe(true);
      expect(containers.VolumeOwner.Essential).toBe(false);
      expect(containers.Prepare.Essential).toBe(false);
    });

    test('the volumes are task-scoped bind mounts on the ephemeral storage, nothing from a host or a file system', () => {
      template.hasResourceProperties('AWS::ECS::TaskDefinition', {
        Volumes: [{ Name: 'scratch-0' }, { Name: 'prepared-0' }, { Name: 'prepared-1' }],
      });
    });

    test('the ownership step hands every volume to the app user: root, CAP_CHOWN its one capability, read-only root', () => {
      const owner = containers.VolumeOwner;
      expect(owner.Image).toBe('calcom/cal.com:v5.5.0');
      expect(owner.User).toBe('0');
      expect(owner.ReadonlyRootFilesystem).toBe(true);
      expect([...owner.EntryPoint, ...owner.Command]).toEqual(
        ownerCommand('1000:1000', ['/tmp', '/calcom/apps/web/.next', '/calcom/apps/web/public']),
      );
      // The arguments are the command, so the image's CMD (its start script) is never appended to them.
      expect(owner.EntryPoint).toEqual(['chown']);
      expect(owner.MountPoints).toEqual(CALCOM_VOLUMES);
      const dropped: string[] = owner.LinuxParameters.Capabilities.Drop;
      expect(dropped).not.toContain('CHOWN');
      expect(dropped).not.toContain('ALL');
      // Every capability of Fargate's default set but CHOWN is gone.
      for (const capability of [
        'AUDIT_WRITE',
        'DAC_OVERRIDE',
        'FOWNER',
        'FSETID',
        'KILL',
        'MKNOD',
        'NET_BIND_SERVICE',
        'NET_RAW',
        'SETFCAP',
        'SETGID',
        'SETPCAP',
        'SETUID',
        'SYS_CHROOT',
      ]) {
        expect(dropped).toContain(capability);
      }
    });

    test('the copy runs as the app user with no capability, from the image into the volumes beside it', () => {
      const prepare = containers.Prepare;
      expect(prepare.Image).toBe('calcom/cal.com:v5.5.0');
      expect(prepare.User).toBe('1000:1000');
      expect(prepare.ReadonlyRootFilesystem).toBe(true);
      expect(prepare.LinuxParameters.Capabilities).toEqual({ Drop: ['ALL'] });
      expect(prepare.EntryPoint).toEqual(['/bin/sh', '-c']);
      // The very text test/private/volume-preparation.test.ts runs against a local tree.
      expect(prepare.Command).toEqual([
        copyScript([
          { source: '/calcom/apps/web/.next', target: '/prepared/0' },
          { source: '/calcom/apps/web/public', target: '/prepared/1' },
        ]),
      ]);
      expect(prepare.MountPoints).toEqual([
        { SourceVolume: 'prepared-0', ContainerPath: '/prepared/0', ReadOnly: false },
        { SourceVolume: 'prepared-1', ContainerPath: '/prepared/1', ReadOnly: false },
      ]);
    });

    test('each step waits for the one before it to exit 0: ownership, then copy, then the app', () => {
      expect(containers.VolumeOwner.DependsOn).toBeUndefined();
      expect(containers.Prepare.DependsOn).toEqual([{ ContainerName: 'VolumeOwner', Condition: 'SUCCESS' }]);
      expect(containers.App.DependsOn).toEqual([{ ContainerName: 'Prepare', Condition: 'SUCCESS' }]);
    });

    test('no step has a start timeout (Fargate caps it at 120 seconds, less than a large copy may take)', () => {
      // https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_ContainerDefinition.html (startTimeout:
      // "The valid values for Fargate are 2-120 seconds"); without one, the app waits for the copy to finish.
      for (const c of Object.values(containers)) {
        expect(c.StartTimeout).toBeUndefined();
      }
    });

    test('no container adds a Linux capability (Fargate allows adding SYS_PTRACE alone)', () => {
      // https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_KernelCapabilities.html
      for (const c of Object.values(containers)) {
        expect(c.LinuxParameters?.Capabilities?.Add).toBeUndefined();
      }
    });

    test('each step logs to the app log group, in its own stream (the container name is part of it)', () => {
      for (const name of ['VolumeOwner', 'Prepare']) {
        expect(containers[name].LogConfiguration).toEqual(containers.App.LogConfiguration);
      }
    });

    test('no step reserves memory: they run before the app, which keeps the whole task as its hard limit', () => {
      expect(containers.VolumeOwner.Memory).toBeUndefined();
      expect(containers.Prepare.Memory).toBeUndefined();
      expect(containers.App.Memory).toBe(2048);
    });

    test('a new Cal.com task has 15 minutes to pass its first health checks (first migrations and seed)', () => {
      template.hasResourceProperties('AWS::ECS::Service', { HealthCheckGracePeriodSeconds: 900 });
    });

    test('a grace period given to the service wins over the app definition', () => {
      const t = Template.fromStack(build({ healthCheckGracePeriod: Duration.minutes(5) }).stack);
      t.hasResourceProperties('AWS::ECS::Service', { HealthCheckGracePeriodSeconds: 300 });
    });
  });

  describe('secrets', () => {
    test('are generated, encrypted with a rotating customer key and kept on deletion', () => {
      template.resourceCountIs('AWS::SecretsManager::Secret', 2);
      template.allResources('AWS::SecretsManager::Secret', {
        Properties: {
          GenerateSecretString: Match.objectLike({ ExcludePunctuation: true }),
          KmsKeyId: Match.anyValue(),
        },
        DeletionPolicy: 'Retain',
        UpdateReplacePolicy: 'Retain',
      });
      template.hasResourceProperties('AWS::SecretsManager::Secret', {
        GenerateSecretString: Match.objectLike({ PasswordLength: 32 }),
        Description: Match.stringLikeRegexp('CALENDSO_ENCRYPTION_KEY'),
      });
    });

    test('only the execution role may read them, through a managed policy', () => {
      template.resourceCountIs('AWS::IAM::Policy', 0);
      template.hasResourceProperties('AWS::IAM::ManagedPolicy', {
        PolicyDocument: {
          Statement: Match.arrayWith([
            Match.objectLike({
              Action: ['secretsmanager:DescribeSecret', 'secretsmanager:GetSecretValue'],
              Resource: [
                { Ref: Match.stringLikeRegexp('CalendsoEncryptionKey') },
                { Ref: Match.stringLikeRegexp('NextauthSecret') },
              ],
            }),
          ]),
        },
        Roles: [{ Ref: Match.stringLikeRegexp('ExecutionRole') }],
      });
    });
  });

  describe('network access', () => {
    test('only the load balancer reaches the app port', () => {
      template.resourcePropertiesCountIs('AWS::EC2::SecurityGroupIngress', { FromPort: 3000 }, 1);
      template.hasResourceProperties('AWS::EC2::SecurityGroupIngress', {
        FromPort: 3000,
        ToPort: 3000,
        SourceSecurityGroupId: {
          'Fn::GetAtt': [Match.stringLikeRegexp('LoadBalancerSecurityGroup'), 'GroupId'],
        },
      });
    });

    test('egress is HTTPS only', () => {
      template.hasResourceProperties('AWS::EC2::SecurityGroup', {
        GroupDescription: Match.stringLikeRegexp('^calcom tasks'),
        SecurityGroupEgress: [
          {
            CidrIp: '0.0.0.0/0',
            FromPort: 443,
            ToPort: 443,
            IpProtocol: 'tcp',
            Description: Match.anyValue(),
          },
        ],
      });
    });
  });

  describe('scaling and health', () => {
    test('scales between 2 and 6 tasks on CPU and on requests', () => {
      template.hasResourceProperties('AWS::ApplicationAutoScaling::ScalableTarget', {
        MinCapacity: 2,
        MaxCapacity: 6,
      });
      template.hasResourceProperties('AWS::ApplicationAutoScaling::ScalingPolicy', {
        TargetTrackingScalingPolicyConfiguration: Match.objectLike({
          PredefinedMetricSpecification: { PredefinedMetricType: 'ECSServiceAverageCPUUtilization' },
          TargetValue: 60,
        }),
      });
      template.hasResourceProperties('AWS::ApplicationAutoScaling::ScalingPolicy', {
        TargetTrackingScalingPolicyConfiguration: Match.objectLike({
          PredefinedMetricSpecification: Match.objectLike({
            PredefinedMetricType: 'ALBRequestCountPerTarget',
          }),
          TargetValue: 500,
        }),
      });
    });

    test('the load balancer probes the app health check path', () => {
      template.hasResourceProperties('AWS::ElasticLoadBalancingV2::TargetGroup', {
        HealthCheckPath: '/auth/login',
        Port: 3000,
        Protocol: 'HTTP',
        TargetType: 'ip',
      });
    });
  });

  describe('an image in Amazon ECR', () => {
    let ecrTemplate: Template;
    let ecrStack: Stack;

    beforeAll(() => {
      const app = SchedulingApp.calCom({
        publicUrl: 'https://schedule.example.com',
        image: `123456789012.dkr.ecr.eu-west-1.amazonaws.com/calcom@sha256:${'b'.repeat(64)}`,
      });
      ecrStack = build({ app, egressPorts: [443, 587] }).stack;
      ecrTemplate = Template.fromStack(ecrStack);
    });

    test('is pulled by digest with access to its own repository only', () => {
      ecrTemplate.hasResourceProperties('AWS::IAM::ManagedPolicy', {
        Roles: [{ Ref: Match.stringLikeRegexp('ExecutionRole') }],
        PolicyDocument: {
          Statement: Match.arrayWith([
            {
              Action: ['ecr:BatchCheckLayerAvailability', 'ecr:BatchGetImage', 'ecr:GetDownloadUrlForLayer'],
              Effect: 'Allow',
              Resource: 'arn:aws:ecr:eu-west-1:123456789012:repository/calcom',
            },
            { Action: 'ecr:GetAuthorizationToken', Effect: 'Allow', Resource: '*' },
          ]),
        },
      });
      const image = Object.values(ecrTemplate.findResources('AWS::ECS::TaskDefinition'))[0].Properties
        .ContainerDefinitions[0].Image;
      expect(JSON.stringify(image)).toContain(`/calcom@sha256:${'b'.repeat(64)}`);
    });

    test('the token action on "*" is the one acknowledged finding, and only on the execution role', () => {
      const report = new AwsSolutionsChecks().validateScope(ecrStack);
      expect(report.violations).toEqual([]);
      const acknowledged = recordedAcknowledgements(ecrStack).filter(
        (a) => a.ruleId === 'AwsSolutions-IAM5[Resource::*]',
      );
      expect(acknowledged.map((a) => a.constructPath)).toEqual(['Test/App/ExecutionRole']);
    });

    test('egress opens exactly the named ports', () => {
      ecrTemplate.hasResourceProperties('AWS::EC2::SecurityGroup', {
        GroupDescription: Match.stringLikeRegexp('^calcom tasks'),
        SecurityGroupEgress: [
          Match.objectLike({ CidrIp: '0.0.0.0/0', FromPort: 443, ToPort: 443 }),
          Match.objectLike({ CidrIp: '0.0.0.0/0', FromPort: 587, ToPort: 587 }),
        ],
      });
    });
  });

  describe('any container image', () => {
    test('runs with its own port, user and writable paths, and no secrets key when it needs no secrets', () => {
      const app = SchedulingApp.container({
        name: 'booking',
        image: 'ghcr.io/acme/booking:1.4.2',
        containerPort: 8080,
        healthCheckPath: '/health',
        user: '2000:2000',
      });
      const t = Template.fromStack(build({ app }).stack);
      t.resourceCountIs('AWS::SecretsManager::Secret', 0);
      t.hasResourceProperties('AWS::ElasticLoadBalancingV2::TargetGroup', {
        HealthCheckPath: '/health',
        Port: 8080,
      });
      t.hasResourceProperties('AWS::ECS::Service', { HealthCheckGracePeriodSeconds: 120 });
      const containers = containersOf(t);
      // No prepared path: no copy step; the scratch volume is still handed to the app's user.
      expect(Object.keys(containers)).toEqual(['App', 'VolumeOwner']);
      expect(containers.App).toMatchObject({
        Image: 'ghcr.io/acme/booking:1.4.2',
        User: '2000:2000',
        MountPoints: [{ SourceVolume: 'scratch-0', ContainerPath: '/tmp', ReadOnly: false }],
        DependsOn: [{ ContainerName: 'VolumeOwner', Condition: 'SUCCESS' }],
      });
      expect(containers.VolumeOwner.Command).toEqual(['2000:2000', '/tmp']);
    });

    test('prepares its own paths, and skips the ownership step when its image owns its volumes', () => {
      const app = SchedulingApp.container({
        name: 'booking',
        image: 'ghcr.io/acme/booking:1.4.2',
        containerPort: 8080,
        preparedPaths: ['/srv/www'],
        chownVolumes: false,
        healthCheckGracePeriod: Duration.minutes(4),
      });
      const t = Template.fromStack(build({ app }).stack);
      t.hasResourceProperties('AWS::ECS::Service', { HealthCheckGracePeriodSeconds: 240 });
      const containers = containersOf(t);
      expect(Object.keys(containers)).toEqual(['App', 'Prepare']);
      expect(containers.Prepare.DependsOn).toBeUndefined();
      expect(containers.Prepare.Command).toEqual([
        copyScript([{ source: '/srv/www', target: '/prepared/0' }]),
      ]);
      expect(containers.App.DependsOn).toEqual([{ ContainerName: 'Prepare', Condition: 'SUCCESS' }]);
      expect(containers.App.MountPoints).toEqual([
        { SourceVolume: 'scratch-0', ContainerPath: '/tmp', ReadOnly: false },
        { SourceVolume: 'prepared-0', ContainerPath: '/srv/www', ReadOnly: false },
      ]);
    });

    test('with a writable root and no volume, runs alone', () => {
      const app = SchedulingApp.container({
        name: 'booking',
        image: 'ghcr.io/acme/booking:1.4.2',
        containerPort: 8080,
        writablePaths: [],
      });
      const containers = containersOf(Template.fromStack(build({ app, writableRootFilesystem: true }).stack));
      expect(Object.keys(containers)).toEqual(['App']);
      expect(containers.App.DependsOn).toBeUndefined();
    });
  });

  describe('validation', () => {
    test.each([
      ['calcom/cal.com', 'no tag'],
      ['calcom/cal.com:latest', 'latest'],
      ['registry.example.com:5000/cal', 'a registry port but no tag'],
    ])('throws when the image %s is not pinned (%s)', (image) => {
      expect(() => build(withApp({ imageReference: image }))).toThrow(
        new RegExp(`\`app.image\` must be pinned.*'${image}'`),
      );
    });

    test('accepts an image pinned by digest', () => {
      const image = `registry.example.com:5000/cal@sha256:${'a'.repeat(64)}`;
      expect(() => build(withApp({ imageReference: image }))).not.toThrow();
    });

    test.each([
      [{ NODE_TLS_REJECT_UNAUTHORIZED: '0' }, 'NODE_TLS_REJECT_UNAUTHORIZED'],
      [{ PGSSLMODE: 'prefer' }, 'PGSSLMODE'],
      [{ DATABASE_URL: 'postgres://db:5432/cal?sslmode=disable' }, 'DATABASE_URL'],
    ])('throws when the environment turns certificate verification off (%o)', (environment, name) => {
      expect(() => build(withApp({ environment: { ...CALCOM.environment, ...environment } }))).toThrow(
        new RegExp(`\`app.environment.${name}\``),
      );
    });

    test('throws when a secret is also given as a plain environment value', () => {
      expect(() =>
        build(withApp({ environment: { ...CALCOM.environment, NEXTAUTH_SECRET: 'hunter2' } })),
      ).toThrow(/`app.environment` must not set NEXTAUTH_SECRET: they are secrets/);
    });

    test.each(['SMTP_PASSWORD', 'GITHUB_TOKEN', 'STRIPE_API_KEY', 'aws_secret_access_key'])(
      'throws when %s, a name that says secret, is a plain environment value',
      (name) => {
        expect(() => build(withApp({ environment: { ...CALCOM.environment, [name]: 'x' } }))).toThrow(
          new RegExp(`\`app.environment\` must not carry ${name}: the name says secret`),
        );
      },
    );

    test('throws when a masked data identifier is not one AWS documents', () => {
      expect(() => build({ maskedDataIdentifiers: ['EmailAddress', 'Emails'] })).toThrow(
        /`maskedDataIdentifiers` must hold CloudWatch Logs managed data identifiers of .*got 'Emails'/,
      );
    });

    test('throws when an egress port is out of range or none is named', () => {
      expect(() => build({ egressPorts: [443, 70000] })).toThrow(
        /`egressPorts` must hold TCP ports between 1 and 65535, got 70000/,
      );
      expect(() => build({ egressPorts: [587] })).toThrow(/`egressPorts` must include 443, got \[587\]/);
    });

    test('throws when a volume path is relative, names a parent, or is inside the staging directory, together', () => {
      expect(() =>
        build(withApp({ writablePaths: ['tmp'], preparedPaths: ['/calcom/../etc', '/prepared/x'] })),
      ).toThrow(
        new RegExp(
          [
            "`app.writablePaths` must hold absolute paths .* got 'tmp'",
            "`app.preparedPaths` must hold absolute paths .* got '/calcom/../etc'",
            "`app.preparedPaths` must not be inside /prepared .* got '/prepared/x'",
          ].join('[\\s\\S]*'),
        ),
      );
    });

    test('throws when a scratch path lies inside a prepared path (one mount would hide the other)', () => {
      expect(() => build(withApp({ writablePaths: ['/tmp', '/calcom/apps/web/.next/cache'] }))).toThrow(
        /`app.writablePaths` '\/calcom\/apps\/web\/.next\/cache' and `app.preparedPaths` '\/calcom\/apps\/web\/.next' overlap/,
      );
    });

    test('throws when the app would run as root', () => {
      expect(() => build(withApp({ user: '0:0' }))).toThrow(/`app.user` must not be root.*'0:0'/);
    });

    test('throws when memory does not fit the CPU size', () => {
      expect(() => build({ cpu: 256, memoryLimitMiB: 4096 })).toThrow(
        /`memoryLimitMiB` 4096 cannot be paired with `cpu` 256; allowed: 512 to 2048/,
      );
    });

    test('throws when cpu is not a Fargate size', () => {
      expect(() => build({ cpu: 300 })).toThrow(/`cpu` must be one of Fargate's sizes.*got 300/);
    });

    test('throws when maxCount is below desiredCount, and when logs are kept forever, together', () => {
      expect(() =>
        build({ desiredCount: 4, maxCount: 2, logRetention: logs.RetentionDays.INFINITE }),
      ).toThrow(
        /2 problems:\n {2}- `maxCount` \(2\) must be at least `desiredCount` \(4\)\n {2}- `logRetention` must be at most 400 days/,
      );
    });
  });
});
