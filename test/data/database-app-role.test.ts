/* eslint-disable @typescript-eslint/no-explicit-any -- templates are untyped JSON */
import { Duration, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import {
  SchedulingAuroraDatabase,
  SchedulingDatabase,
  SchedulingNetwork,
  SecureSchedulingError,
} from '../../lib';
import { DatabaseAppRole, DatabaseAppRoleProps } from '../../lib/data/database-app-role';
import { APP_ROLE_PROPERTIES } from '../../lib/data/app-role-contract';
import { openFindings, PACKS } from '../support/packs';
import { only, testApp, testStack } from '../support/app';
import { ResolvedTemplate } from '../support/resolve-template';

const ACCOUNT = '111111111111';
const REGION = 'eu-west-1';

/** A network and an RDS for PostgreSQL database in `stack`, as the stack builds them. */
function tiers(stack: Stack) {
  const network = new SchedulingNetwork(stack, 'Network');
  const database = new SchedulingDatabase(stack, 'Database', {
    vpc: network.vpc,
    vpcSubnets: network.dataSubnets,
    rotationSubnets: network.appSubnets,
  });
  return { network, database };
}

let stack: Stack;
let template: Template;
let resolved: ResolvedTemplate;
let appRole: DatabaseAppRole;
let network: SchedulingNetwork;
let breakGlassRole: iam.Role;
let findings: string[];
/** A stack with the same tiers, where each bad-props case adds an app role that must be refused. */
let scratch: { stack: Stack; props: DatabaseAppRoleProps };

beforeAll(() => {
  stack = testStack();
  const built = tiers(stack);
  network = built.network;
  const database = built.database;
  appRole = new DatabaseAppRole(stack, 'AppRole', {
    database,
    vpc: network.vpc,
    vpcSubnets: network.appSubnets,
  });
  breakGlassRole = new iam.Role(stack, 'BreakGlassRole', {
    assumedBy: new iam.ServicePrincipal('ecs-tasks.amazonaws.com'),
  });
  appRole.allowMasterSecretRead(breakGlassRole);
  findings = PACKS.flatMap(([, pack]) => openFindings(pack(), appRole));
  template = Template.fromStack(stack);
  resolved = new ResolvedTemplate(template.toJSON(), { account: ACCOUNT, region: REGION });

  const scratchStack = testStack(testApp(), 'Scratch');
  const more = tiers(scratchStack);
  scratch = { stack: scratchStack, props: { database: more.database, vpc: more.network.vpc } };
});

/** The error constructing an app role with `props` (over the scratch stack's) throws. */
let attempt = 0;
function errorOf(props: Partial<DatabaseAppRoleProps>): SecureSchedulingError {
  try {
    new DatabaseAppRole(scratch.stack, `Bad${attempt++}`, { ...scratch.props, ...props });
  } catch (e) {
    if (e instanceof SecureSchedulingError) return e;
    throw e;
  }
  throw new Error(`DatabaseAppRole accepted ${JSON.stringify(props)}`);
}

describe('DatabaseAppRole', () => {
  describe('the provisioning function', () => {
    test('runs on the latest Node.js runtime in the given subnets, with its own security group', () => {
      const [, fn] = only(template, 'AWS::Lambda::Function', {
        Description: Match.stringLikeRegexp('database role'),
      });
      expect(fn.Properties.Runtime).toBe('nodejs24.x');
      expect(fn.Properties.Handler).toBe('index.handler');
      const subnets = network.vpc.selectSubnets(network.appSubnets).subnets;
      expect(fn.Properties.VpcConfig).toEqual({
        SubnetIds: subnets.map((subnet) => stack.resolve(subnet.subnetId)),
        SecurityGroupIds: [stack.resolve(appRole.securityGroup.securityGroupId)],
      });
    });

    test('may send only to the database port and to HTTPS', () => {
      const sg = stack.getLogicalId(appRole.securityGroup.node.defaultChild as any);
      expect(template.toJSON().Resources[sg].Properties.SecurityGroupEgress).toEqual([
        {
          CidrIp: '0.0.0.0/0',
          Description: 'HTTPS to Secrets Manager and to the CloudFormation response URL',
          FromPort: 443,
          IpProtocol: 'tcp',
          ToPort: 443,
        },
      ]);
      const egress = Object.values(template.findResources('AWS::EC2::SecurityGroupEgress')).filter(
        (r: any) => r.Properties.GroupId['Fn::GetAtt']?.[0] === sg,
      );
      expect(egress.map((r: any) => r.Properties)).toEqual([
        {
          Description: 'App role provisioning',
          DestinationSecurityGroupId: { 'Fn::GetAtt': ['DatabaseSecurityGroup5C91FDCB', 'GroupId'] },
          FromPort: 5438,
          ToPort: 5438,
          GroupId: { 'Fn::GetAtt': [sg, 'GroupId'] },
          IpProtocol: 'tcp',
        },
      ]);
      template.hasResourceProperties('AWS::EC2::SecurityGroupIngress', {
        Description: 'App role provisioning',
        FromPort: 5438,
        SourceSecurityGroupId: { 'Fn::GetAtt': [sg, 'GroupId'] },
      });
    });

    test('is a custom resource that runs after the database and carries no password', () => {
      const [, cr] = only(template, 'Custom::DatabaseAppRole');
      expect(Object.keys(cr.Properties).sort()).toEqual(
        ['ServiceToken', 'ServiceTimeout', ...Object.values(APP_ROLE_PROPERTIES)].sort(),
      );
      expect(cr.Properties[APP_ROLE_PROPERTIES.roleName]).toBe('app');
      expect(cr.Properties[APP_ROLE_PROPERTIES.port]).toBe('5438');
      expect(cr.Properties.ServiceTimeout).toBe('300');
      expect(cr.DependsOn).toEqual(
        expect.arrayContaining([
          'DatabaseInstanceAA8A5FDE',
          'DatabaseSecretPolicyEE73D3F8',
          'AppRoleSecretAttachment532DC4CA',
        ]),
      );
      expect(JSON.stringify(cr.Properties)).not.toMatch(/password/i);
    });

    test("may read the two secrets and decrypt them through Secrets Manager only, and nothing of the database's", () => {
      const policy = resolved.resource(stack.getLogicalId(appRole.role.policy!.node.defaultChild as any));
      const statements = resolved.resolve(policy.Properties.PolicyDocument).Statement;
      const secretArns = [
        resolved.resolve({ Ref: 'DatabaseSecretAttachmentE5D1B020' }),
        resolved.resolve({ Ref: 'AppRoleSecretAttachment532DC4CA' }),
      ];
      expect(statements).toEqual(
        expect.arrayContaining([
          expect.objectContaining({
            Action: ['secretsmanager:DescribeSecret', 'secretsmanager:GetSecretValue'],
            Resource: expect.arrayContaining(secretArns),
          }),
          expect.objectContaining({
            Action: 'kms:Decrypt',
            Resource: resolved.resolve({ 'Fn::GetAtt': ['DatabaseKey5E5D9547', 'Arn'] }),
            Condition: { StringEquals: { 'kms:ViaService': `secretsmanager.${REGION}.amazonaws.com` } },
          }),
        ]),
      );
      // The database key's policy is the database's own: this role is not named in it.
      const keyPolicy = JSON.stringify(template.toJSON().Resources.DatabaseKey5E5D9547.Properties.KeyPolicy);
      expect(keyPolicy).not.toContain(stack.getLogicalId(appRole.role.node.defaultChild as any));
    });

    test('leaves no finding of any pack unacknowledged', () => {
      expect(findings).toEqual([]);
    });
  });

  describe('the app secret', () => {
    test('is generated for the app user, encrypted with the database key, names the master secret and is retained', () => {
      template.hasResource('AWS::SecretsManager::Secret', {
        Properties: {
          KmsKeyId: { 'Fn::GetAtt': ['DatabaseKey5E5D9547', 'Arn'] },
          GenerateSecretString: Match.objectLike({
            GenerateStringKey: 'password',
            SecretStringTemplate: {
              'Fn::Join': [
                '',
                [
                  '{"username":"app","dbname":"scheduling","masterarn":"',
                  { Ref: 'DatabaseSecretAttachmentE5D1B020' },
                  '"}',
                ],
              ],
            },
          }),
        },
        DeletionPolicy: 'Retain',
        UpdateReplacePolicy: 'Retain',
      });
    });

    test('keeps its logical id (a stateful resource) and is attached to the instance for host and port', () => {
      template.hasResourceProperties('AWS::SecretsManager::SecretTargetAttachment', {
        SecretId: { Ref: 'AppRoleSecret89950AAC' },
        TargetId: { Ref: 'DatabaseInstanceAA8A5FDE' },
        TargetType: 'AWS::RDS::DBInstance',
      });
    });

    test('is rotated by the multi-user template with the master secret, in the VPC', () => {
      template.hasResourceProperties('AWS::SecretsManager::RotationSchedule', {
        SecretId: { Ref: 'AppRoleSecretAttachment532DC4CA' },
        RotateImmediatelyOnUpdate: false,
        RotationRules: { ScheduleExpression: 'rate(30 days)' },
        HostedRotationLambda: Match.objectLike({
          RotationType: 'PostgreSQLMultiUser',
          RotationLambdaName: 'test-database-app-rotation',
          MasterSecretArn: { Ref: 'DatabaseSecretAttachmentE5D1B020' },
          MasterSecretKmsKeyArn: { 'Fn::GetAtt': ['DatabaseKey5E5D9547', 'Arn'] },
          VpcSecurityGroupIds: { 'Fn::GetAtt': ['DatabaseRotationSecurityGroup8E1B7C66', 'GroupId'] },
          VpcSubnetIds: Match.anyValue(),
        }),
      });
      template.hasResource('AWS::Logs::LogGroup', {
        Properties: Match.objectLike({
          LogGroupName: '/aws/lambda/test-database-app-rotation',
          RetentionInDays: 90,
        }),
        DeletionPolicy: 'Retain',
      });
    });
  });

  describe('the master secret', () => {
    test('is granted, in the stack, to the provisioning function and the roles given to allowMasterSecretRead only', () => {
      const masterAttachment = 'DatabaseSecretAttachmentE5D1B020';
      const readers = Object.values(template.findResources('AWS::IAM::Policy'))
        .concat(Object.values(template.findResources('AWS::IAM::ManagedPolicy')))
        .filter((p) =>
          (p.Properties.PolicyDocument.Statement as Array<{ Action: unknown; Resource: unknown }>).some(
            (st) =>
              JSON.stringify(st.Action).includes('secretsmanager:GetSecretValue') &&
              JSON.stringify(st.Resource).includes(masterAttachment),
          ),
        )
        .flatMap((p) => (p.Properties.Roles ?? []).map((r: { Ref: string }) => r.Ref))
        .sort();
      expect(readers).toEqual(
        [
          stack.getLogicalId(appRole.role.node.defaultChild as any),
          stack.getLogicalId(breakGlassRole.node.defaultChild as any),
        ].sort(),
      );
    });

    test('has no deny-everyone-else resource policy, which would lock out the hosted rotation functions', () => {
      // Their roles are made in nested stacks, and lambda:SourceFunctionArn cannot be used in a resource-based
      // policy (Lambda Developer Guide, permissions-source-function-arn.html).
      expect(
        Object.values(template.findResources('AWS::SecretsManager::ResourcePolicy')).filter((r) =>
          (r.Properties.ResourcePolicy.Statement as Array<{ Effect: string; Action: unknown }>).some(
            (st) => st.Effect === 'Deny' && JSON.stringify(st.Action).includes('GetSecretValue'),
          ),
        ),
      ).toEqual([]);
    });
  });

  describe('with Aurora', () => {
    test('attaches the app secret to the cluster', () => {
      const s = testStack(testApp(), 'Aurora');
      const network = new SchedulingNetwork(s, 'Network');
      const database = new SchedulingAuroraDatabase(s, 'Database', {
        vpc: network.vpc,
        vpcSubnets: network.dataSubnets,
        rotationSubnets: network.appSubnets,
      });
      const role = new DatabaseAppRole(s, 'AppRole', { database, vpc: network.vpc });
      const attachment = role.appSecret.node.defaultChild as secretsmanager.CfnSecretTargetAttachment;
      expect(s.resolve(attachment.targetType)).toBe('AWS::RDS::DBCluster');
      expect(s.resolve(attachment.targetId)).toEqual({
        Ref: s.getLogicalId(database.cluster.node.defaultChild as any),
      });
      expect(role.rotationFunctionName).toMatch(/-app-rotation$/);
    });
  });

  describe('refuses', () => {
    test.each([
      'postgres',
      'rdsadmin',
      'rds_superuser',
      'pg_read_all_data',
      'App',
      'app-role',
      'app_clone',
      'a'.repeat(58),
    ])('the role name %s, naming `roleName`', (roleName) => {
      expect(errorOf({ roleName }).message).toMatch(new RegExp(`\`roleName\` must .*, got '${roleName}'`));
    });

    test("the database's admin user as the role", () => {
      expect(errorOf({ roleName: 'scheduling_admin' }).message).toContain(
        "`roleName` must differ from the database's admin user, got 'scheduling_admin'",
      );
    });

    test('a rotation interval out of range, an unlimited log retention, together', () => {
      const message = errorOf({
        rotationInterval: Duration.days(400),
        logRetention: logs.RetentionDays.INFINITE,
      }).message;
      expect(message).toContain(
        '`rotationInterval` must be a whole number of days between 1 and 365, got 400 days',
      );
      expect(message).toContain('`logRetention` must be at most');
    });
  });
});
