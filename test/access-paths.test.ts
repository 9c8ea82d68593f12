/**
 * The access-path matrix: every request the synthesized stacks rely on at run time, derived from their templates
 * and evaluated with a real IAM policy engine (@cloud-copilot/iam-simulate), each with negative twins that must
 * be denied. docs/access-paths.md says what a path is and how it is evaluated.
 */
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { ACMClient } from '@aws-sdk/client-acm';
import { SNSClient } from '@aws-sdk/client-sns';
import { runMonitor } from '../lib/certificates/monitor-handler';
import {
  accessPathMatrix,
  AppStack,
  appMatrix,
  CfnTemplate,
  derivePaths,
  expectedAppKinds,
  Matrix,
  matrixFailures,
  TemplateResolver,
} from './support/access-paths';
import { rewriteForEngine, evaluateCondition } from './support/access-paths/encryption-context';
import { CERTIFICATE_MONITOR, RESTRICT_DEFAULT_SECURITY_GROUP } from './support/access-paths/handler-calls';
import { docsBlock, DOCS_FILE, renderDocsBlock } from './support/access-paths/stacks';
import { acmCertificate, AcmServer, inDays } from './support/acm-server';
import { shippedStacks, SHIPPED_APPS, ShippedApp } from './support/shipped-stacks';
import { SnsServer } from './support/sns-server';

const ACCOUNT = '123456789012';

/** The stacks evaluated: the shipped apps, each synthesized once for the whole test run. */
const STACKS = SHIPPED_APPS;

/**
 * Each app is synthesized and evaluated once for the whole file (synthesis is the expensive part): each of its
 * stacks, and the paths between them (a backup copy into another account's vault).
 */
const evaluated = new Map<string, Promise<{ stacks: AppStack[]; matrix: Matrix }>>();
function matrixOf(name: ShippedApp): Promise<{ stacks: AppStack[]; matrix: Matrix }> {
  if (!evaluated.has(name)) {
    const stacks = shippedStacks(name).map(({ template, stackName, account, region }) => {
      if (region === undefined) throw new Error(`${name} has no region: its ARNs cannot be made concrete`);
      return { template: template as CfnTemplate, env: { account: account ?? ACCOUNT, region, stackName } };
    });
    expect(stacks.length).toBeGreaterThan(0);
    evaluated.set(
      name,
      appMatrix(stacks).then((matrix) => ({ stacks, matrix })),
    );
  }
  return evaluated.get(name) as Promise<{ stacks: AppStack[]; matrix: Matrix }>;
}

describe.each(STACKS)('access paths of %s', (name) => {
  let stacks: AppStack[];
  let matrix: Matrix;

  beforeAll(async () => {
    ({ stacks, matrix } = await matrixOf(name));
  });

  test('every path is allowed and every negative twin denied', () => {
    expect(matrixFailures(matrix.rows)).toEqual([]);
  });

  test('no path is left unevaluated', () => {
    const unevaluated = matrix.rows.filter(
      (r) =>
        r.verdict.decision === 'Unevaluated' || r.twins.some((t) => t.verdict.decision === 'Unevaluated'),
    );
    expect(unevaluated.map((r) => `${r.path.description}: ${r.verdict.deciding}`)).toEqual([]);
  });

  test('every path has a negative twin', () => {
    expect(matrix.rows.filter((r) => r.twins.length === 0).map((r) => r.path.description)).toEqual([]);
  });

  test('each kind of path the template calls for is derived', () => {
    const kinds = expectedAppKinds(stacks);
    expect(kinds.length).toBeGreaterThan(0);
    expect(kinds.filter((k) => (matrix.counts[k] ?? 0) === 0)).toEqual([]);
  });

  test('the engine evaluates the stack in a few seconds', () => {
    expect(matrix.evaluationMs).toBeLessThan(20_000);
  });
});

describe('docs/access-paths.md', () => {
  test("its generated table is the default stack's current matrix (npm run access-paths -- --write-docs)", async () => {
    const { matrix } = await matrixOf('the default stack');
    expect(docsBlock(readFileSync(DOCS_FILE, 'utf8'))).toBe(renderDocsBlock(matrix));
  });
});

/** A tiny template: an alarm that notifies an encrypted topic, with the given topic and key policies. */
function alarmTemplate(topicStatements: unknown[], keyStatements: unknown[]): CfnTemplate {
  return {
    Resources: {
      Key: {
        Type: 'AWS::KMS::Key',
        Properties: {
          KeyPolicy: {
            Version: '2012-10-17',
            Statement: [
              {
                Effect: 'Allow',
                Principal: {
                  AWS: {
                    'Fn::Join': [
                      '',
                      ['arn:', { Ref: 'AWS::Partition' }, ':iam::', { Ref: 'AWS::AccountId' }, ':root'],
                    ],
                  },
                },
                Action: 'kms:*',
                Resource: '*',
              },
              ...keyStatements,
            ],
          },
        },
      },
      Topic: { Type: 'AWS::SNS::Topic', Properties: { KmsMasterKeyId: { 'Fn::GetAtt': ['Key', 'Arn'] } } },
      TopicPolicy: {
        Type: 'AWS::SNS::TopicPolicy',
        Properties: {
          Topics: [{ Ref: 'Topic' }],
          PolicyDocument: { Version: '2012-10-17', Statement: topicStatements },
        },
      },
      Alarm: { Type: 'AWS::CloudWatch::Alarm', Properties: { AlarmActions: [{ Ref: 'Topic' }] } },
    },
  };
}

const ENV = { account: ACCOUNT, region: 'eu-west-1', stackName: 'Tiny' };
const ALARMS_MAY_PUBLISH = {
  Sid: 'AllowTinyAlarms',
  Effect: 'Allow',
  Principal: { Service: 'cloudwatch.amazonaws.com' },
  Action: 'sns:Publish',
  Resource: { Ref: 'Topic' },
  Condition: {
    ArnLike: {
      'aws:SourceArn': {
        'Fn::Sub':
          'arn:${AWS::Partition}:cloudwatch:${AWS::Region}:${AWS::AccountId}:alarm:${AWS::StackName}-*',
      },
    },
    StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } },
  },
};
const ALARMS_MAY_USE_KEY = {
  Sid: 'AllowAlarmsToUseKey',
  Effect: 'Allow',
  Principal: { Service: 'cloudwatch.amazonaws.com' },
  Action: ['kms:Decrypt', 'kms:GenerateDataKey*'],
  Resource: '*',
  Condition: { StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } } },
};

describe('derivation and evaluation on tiny templates', () => {
  test('an alarm yields its publish and both key uses, with concrete ARNs', () => {
    const paths = derivePaths(alarmTemplate([ALARMS_MAY_PUBLISH], [ALARMS_MAY_USE_KEY]), ENV);
    expect(paths.map((p) => [p.kind, p.request.principal, p.request.action])).toEqual([
      ['alarm-action', 'cloudwatch.amazonaws.com', 'sns:Publish'],
      ['alarm-action-key', 'cloudwatch.amazonaws.com', 'kms:GenerateDataKey'],
      ['alarm-action-key', 'cloudwatch.amazonaws.com', 'kms:Decrypt'],
    ]);
    expect(paths[0].request.resource).toMatch(/^arn:aws:sns:eu-west-1:123456789012:Tiny-Topic-[A-Z0-9]{12}$/);
    expect(paths[0].request.context).toMatchObject({
      'aws:SourceArn': expect.stringMatching(/^arn:aws:cloudwatch:eu-west-1:123456789012:alarm:Tiny-Alarm-/),
      'aws:SourceAccount': ACCOUNT,
    });
    expect(paths[1].request.resource).toMatch(/^arn:aws:kms:eu-west-1:123456789012:key\/[0-9a-f-]{36}$/);
  });

  test('with the statements a publisher needs, every path is allowed and every twin denied', async () => {
    const matrix = await accessPathMatrix(alarmTemplate([ALARMS_MAY_PUBLISH], [ALARMS_MAY_USE_KEY]), ENV);
    expect(matrixFailures(matrix.rows)).toEqual([]);
    expect(matrix.rows[0].verdict.deciding).toContain('AllowTinyAlarms');
    expect(matrix.rows[0].twins.map((t) => [t.label, t.verdict.decision])).toEqual([
      ['another account', 'ImplicitlyDenied'],
      ["an alarm that is not the stack's", 'ImplicitlyDenied'],
    ]);
  });

  test('a missing topic policy statement is reported as denied, naming the policy', async () => {
    const matrix = await accessPathMatrix(alarmTemplate([], [ALARMS_MAY_USE_KEY]), ENV);
    const publish = matrix.rows.find((r) => r.path.kind === 'alarm-action');
    expect(publish?.verdict.decision).toBe('ImplicitlyDenied');
    expect(publish?.verdict.deciding).toContain(
      'no statement of TopicPolicy (AWS::SNS::TopicPolicy) allows it',
    );
    expect(matrixFailures(matrix.rows)).toEqual([
      expect.stringContaining('alarm Alarm → topic Topic [sns:Publish]: denied'),
    ]);
  });

  test('a key statement that requires a key the caller does not send is denied, and says so', async () => {
    const rule = {
      Type: 'AWS::Events::Rule',
      Properties: { Targets: [{ Id: 'T', Arn: { Ref: 'Topic' } }] },
    };
    const template = alarmTemplate(
      [],
      [{ ...ALARMS_MAY_USE_KEY, Principal: { Service: 'events.amazonaws.com' } }],
    );
    const matrix = await accessPathMatrix({ Resources: { ...template.Resources, Rule: rule } }, ENV);
    const key = matrix.rows.find((r) => r.path.kind === 'event-target-key');
    expect(key?.verdict.decision).toBe('ImplicitlyDenied');
    expect(key?.verdict.deciding).toContain(
      'AllowAlarmsToUseKey fails StringEquals aws:SourceAccount (key not sent)',
    );
  });

  test('an explicit deny names its statement', async () => {
    const deny = {
      Sid: 'NoOne',
      Effect: 'Deny',
      Principal: '*',
      Action: 'sns:Publish',
      Resource: { Ref: 'Topic' },
    };
    const matrix = await accessPathMatrix(
      alarmTemplate([ALARMS_MAY_PUBLISH, deny], [ALARMS_MAY_USE_KEY]),
      ENV,
    );
    expect(matrix.rows[0].verdict).toMatchObject({
      decision: 'ExplicitlyDenied',
      deciding: expect.stringContaining('NoOne'),
    });
  });

  test('a value the resolver cannot resolve fails the path instead of passing it', async () => {
    const template = alarmTemplate([ALARMS_MAY_PUBLISH], [ALARMS_MAY_USE_KEY]);
    const resources = {
      ...template.Resources,
      Alarm: {
        Type: 'AWS::CloudWatch::Alarm',
        Properties: { AlarmActions: [{ 'Fn::ImportValue': 'SharedTopic' }] },
      },
    };
    const matrix = await accessPathMatrix({ Resources: resources }, ENV);
    expect(matrix.rows).toHaveLength(1);
    expect(matrix.rows[0].verdict).toMatchObject({
      decision: 'Unevaluated',
      deciding: expect.stringContaining('Fn::ImportValue'),
    });
    expect(matrixFailures(matrix.rows)).toHaveLength(1);
  });

  test('an AWS managed policy whose document is not known fails the path', () => {
    const template: CfnTemplate = {
      Resources: {
        Role: {
          Type: 'AWS::IAM::Role',
          Properties: {
            AssumeRolePolicyDocument: {
              Statement: [
                { Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' },
              ],
            },
            ManagedPolicyArns: ['arn:aws:iam::aws:policy/SomethingNobodyVendored'],
          },
        },
        Fn: { Type: 'AWS::Lambda::Function', Properties: { Role: { 'Fn::GetAtt': ['Role', 'Arn'] } } },
      },
    };
    const logWrite = derivePaths(template, ENV).find((p) => p.kind === 'lambda-runtime');
    expect(logWrite?.problems).toEqual([
      expect.stringContaining('SomethingNobodyVendored: its document is not known here'),
    ]);
  });

  test('a function no handler table describes is reported, not skipped', () => {
    const template: CfnTemplate = {
      Resources: {
        Role: { Type: 'AWS::IAM::Role', Properties: { AssumeRolePolicyDocument: { Statement: [] } } },
        Fn: { Type: 'AWS::Lambda::Function', Properties: { Role: { 'Fn::GetAtt': ['Role', 'Arn'] } } },
      },
    };
    const code = derivePaths(template, ENV).find((p) => p.kind === 'lambda-code');
    expect(code?.problems).toEqual([
      expect.stringContaining('no table in test/support/access-paths/handler-calls.ts describes function Fn'),
    ]);
  });

  test('CloudWatch Logs may use a log key only for its own account, through the encryption-context stand-in', async () => {
    const template: CfnTemplate = {
      Resources: {
        Key: {
          Type: 'AWS::KMS::Key',
          Properties: {
            KeyPolicy: {
              Statement: [
                {
                  Sid: 'Logs',
                  Effect: 'Allow',
                  Principal: { Service: 'logs.eu-west-1.amazonaws.com' },
                  Action: ['kms:Decrypt', 'kms:GenerateDataKey*'],
                  Resource: '*',
                  Condition: {
                    ArnLike: {
                      'kms:EncryptionContext:aws:logs:arn': {
                        'Fn::Sub': 'arn:aws:logs:eu-west-1:${AWS::AccountId}:log-group:*',
                      },
                    },
                  },
                },
              ],
            },
          },
        },
        Group: {
          Type: 'AWS::Logs::LogGroup',
          Properties: { LogGroupName: 'app', KmsKeyId: { 'Fn::GetAtt': ['Key', 'Arn'] } },
        },
      },
    };
    const matrix = await accessPathMatrix(template, ENV);
    expect(matrixFailures(matrix.rows)).toEqual([]);
    expect(matrix.rows[0].path.request.context['kms:EncryptionContext:aws:logs:arn']).toBe(
      'arn:aws:logs:eu-west-1:123456789012:log-group:app',
    );
    expect(matrix.rows[0].verdict.standIn).toEqual([
      'Logs: ArnLike kms:EncryptionContext:aws:logs:arn holds',
    ]);
    expect(
      matrix.rows[0].twins.find((t) => t.label === 'a log group of another account')?.verdict.standIn,
    ).toEqual(['Logs: ArnLike kms:EncryptionContext:aws:logs:arn does not hold']);
  });
});

describe('the resolver', () => {
  const template: CfnTemplate = {
    Parameters: {
      Stage: { Type: 'String', Default: 'prod' },
      Ssm: { Type: 'AWS::SSM::Parameter::Value<String>', Default: '/x' },
    },
    Conditions: { IsProd: { 'Fn::Equals': [{ Ref: 'Stage' }, 'prod'] } },
    Mappings: { Sizes: { prod: { Count: 3 } } },
    Resources: {
      Bucket: { Type: 'AWS::S3::Bucket', Properties: { BucketName: 'my-bucket' } },
      Queue: { Type: 'AWS::SQS::Queue' },
      Role: { Type: 'AWS::IAM::Role', Properties: { Path: '/service/', RoleName: 'runner' } },
      Secret: { Type: 'AWS::SecretsManager::Secret' },
      Attachment: {
        Type: 'AWS::SecretsManager::SecretTargetAttachment',
        Properties: { SecretId: { Ref: 'Secret' } },
      },
      Thing: { Type: 'AWS::Some::Unmodelled' },
    },
  };
  const r = new TemplateResolver(template, ENV);

  test('pseudo parameters, Ref and Fn::GetAtt give concrete values', () => {
    expect(
      r.resolve({
        'Fn::Join': [':', [{ Ref: 'AWS::Partition' }, { Ref: 'AWS::Region' }, { Ref: 'AWS::AccountId' }]],
      }),
    ).toEqual({
      ok: true,
      value: 'aws:eu-west-1:123456789012',
    });
    expect(r.getAtt('Bucket', 'Arn')).toEqual({ ok: true, value: 'arn:aws:s3:::my-bucket' });
    expect(r.getAtt('Role', 'Arn')).toEqual({
      ok: true,
      value: 'arn:aws:iam::123456789012:role/service/runner',
    });
    expect(r.ref('Queue')).toEqual({
      ok: true,
      value: expect.stringMatching(/^https:\/\/sqs\.eu-west-1\.amazonaws\.com\/123456789012\/Tiny-Queue-/),
    });
  });

  test('a generated name is the same wherever the resource is referenced', () => {
    const arn = r.getAtt('Queue', 'Arn');
    const name = r.getAtt('Queue', 'QueueName');
    expect(arn.ok && name.ok && arn.value.endsWith(`:${name.value}`)).toBe(true);
    expect(r.ref('Attachment')).toEqual(r.ref('Secret'));
  });

  test('Fn::Sub, Fn::Select, Fn::Split, Fn::If, Fn::FindInMap and AWS::NoValue', () => {
    expect(r.resolve({ 'Fn::Sub': ['${Bucket.Arn}/${Key}/${!Literal}', { Key: 'logs' }] })).toEqual({
      ok: true,
      value: 'arn:aws:s3:::my-bucket/logs/${Literal}',
    });
    expect(r.resolve({ 'Fn::Select': [1, { 'Fn::Split': ['/', 'a/b/c'] }] })).toEqual({
      ok: true,
      value: 'b',
    });
    expect(r.resolve({ 'Fn::If': ['IsProd', 'yes', 'no'] })).toEqual({ ok: true, value: 'yes' });
    expect(r.resolve({ 'Fn::FindInMap': ['Sizes', { Ref: 'Stage' }, 'Count'] })).toEqual({
      ok: true,
      value: 3,
    });
    expect(r.resolve(['a', { Ref: 'AWS::NoValue' }, 'b'])).toEqual({ ok: true, value: ['a', 'b'] });
  });

  test('what only a deployment knows is unresolvable, with the reason', () => {
    expect(r.resolve({ 'Fn::ImportValue': 'Shared' })).toEqual({
      ok: false,
      problem: expect.stringContaining('Fn::ImportValue'),
    });
    expect(r.resolve({ 'Fn::GetAZs': '' })).toEqual({
      ok: false,
      problem: expect.stringContaining('Fn::GetAZs'),
    });
    expect(r.ref('Ssm')).toEqual({ ok: false, problem: expect.stringContaining('parameter Ssm') });
    expect(r.ref('Thing')).toEqual({ ok: false, problem: expect.stringContaining('AWS::Some::Unmodelled') });
    expect(r.ref('Missing')).toEqual({
      ok: false,
      problem: expect.stringContaining('Missing is not a resource'),
    });
    expect(r.getAtt('Bucket', 'Nope')).toEqual({
      ok: false,
      problem: expect.stringContaining('Bucket.Nope'),
    });
  });
});

describe('the encryption-context stand-in', () => {
  const ctx = { 'kms:EncryptionContext:aws:logs:arn': 'arn:aws:logs:eu-west-1:123456789012:log-group:app' };
  const key = 'kms:EncryptionContext:aws:logs:arn';

  test.each([
    ['ArnLike', 'arn:aws:logs:eu-west-1:123456789012:log-group:*', true],
    ['ArnLike', 'arn:aws:logs:*:999999999999:log-group:*', false],
    ['ArnEquals', 'arn:aws:logs:eu-west-1:123456789012:log-group:app', true],
    ['StringEquals', 'arn:aws:logs:eu-west-1:123456789012:log-group:APP', false],
    ['StringEqualsIgnoreCase', 'arn:aws:logs:eu-west-1:123456789012:log-group:APP', true],
    ['StringLike', 'arn:aws:logs:eu-west-1:123456789012:log-group:a?p', true],
    ['StringNotEquals', 'arn:aws:logs:eu-west-1:123456789012:log-group:app', false],
    ['ArnNotLike', 'arn:aws:logs:*:999999999999:*', true],
  ])('%s %s → %s', (operator, value, holds) => {
    expect(evaluateCondition(operator, key, value, ctx)).toEqual({ holds });
  });

  test('an absent key fails positive operators, satisfies negated ones and IfExists; Null tests absence', () => {
    expect(evaluateCondition('ArnLike', key, 'arn:*', {})).toEqual({ holds: false });
    expect(evaluateCondition('ArnNotLike', key, 'arn:*', {})).toEqual({ holds: true });
    expect(evaluateCondition('ArnLikeIfExists', key, 'arn:aws:s3:::*', {})).toEqual({ holds: true });
    expect(evaluateCondition('Null', key, 'true', {})).toEqual({ holds: true });
    expect(evaluateCondition('Null', key, 'false', ctx)).toEqual({ holds: true });
  });

  test('what it does not implement is reported, never guessed', () => {
    expect(evaluateCondition('ForAnyValue:StringEquals', key, 'x', ctx)).toEqual({
      unsupported: expect.stringContaining('set operators'),
    });
    expect(evaluateCondition('StringEquals', key, '${aws:username}', ctx)).toEqual({
      unsupported: expect.stringContaining('policy variables'),
    });
    expect(evaluateCondition('NumericEquals', key, '1', ctx)).toEqual({
      unsupported: expect.stringContaining('NumericEquals'),
    });
  });

  test('a condition that holds is removed; a statement with one that does not is removed', () => {
    const rewritten = rewriteForEngine(
      {
        Statement: [
          {
            Sid: 'Holds',
            Effect: 'Allow',
            Action: 'kms:Decrypt',
            Resource: '*',
            Condition: {
              ArnLike: { [key]: 'arn:aws:logs:*:123456789012:*' },
              Bool: { 'aws:SecureTransport': 'true' },
            },
          },
          {
            Sid: 'Fails',
            Effect: 'Allow',
            Action: 'kms:Decrypt',
            Resource: '*',
            Condition: { ArnLike: { [key]: 'arn:aws:logs:*:999999999999:*' } },
          },
        ],
      },
      ['Holds', 'Fails'],
      ctx,
    );
    expect(rewritten.document.Statement).toEqual([
      {
        Sid: 'Holds',
        Effect: 'Allow',
        Action: 'kms:Decrypt',
        Resource: '*',
        Condition: { Bool: { 'aws:SecureTransport': 'true' } },
      },
    ]);
    expect(rewritten.labels).toEqual(['Holds']);
  });
});

describe('the handler tables agree with the code they describe', () => {
  const acm = new AcmServer();
  const sns = new SnsServer();
  beforeAll(() => Promise.all([acm.start(), sns.start()]));
  afterAll(() => Promise.all([acm.stop(), sns.stop()]));

  test('the certificate monitor calls exactly what its table says', async () => {
    const expiring = acmCertificate('schedule.example.com', { NotAfter: inDays(3) });
    acm.use({ certificates: [expiring] });
    sns.use({});
    const common = {
      region: 'eu-west-1',
      credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'x' },
      maxAttempts: 1,
    };
    const clients = {
      acm: new ACMClient({ ...common, endpoint: acm.endpoint }),
      sns: new SNSClient({ ...common, endpoint: sns.endpoint }),
    };
    try {
      const settings = {
        certificateArns: [expiring.CertificateArn],
        domainName: 'schedule.example.com',
        minDaysLeft: 30,
        topicArn: 'arn:aws:sns:eu-west-1:123456789012:alerts',
      };
      await runMonitor(settings, clients, new Date(), () => undefined);
    } finally {
      clients.acm.destroy();
      clients.sns.destroy();
    }
    const called = [...acm.requests.map((r) => `acm:${r.operation}`), ...sns.actions.map((a) => `sns:${a}`)];
    expect([...new Set(called)].sort()).toEqual(CERTIFICATE_MONITOR.calls.map((c) => c.action).sort());
  });

  test("aws-cdk-lib's default security group handler calls exactly what its table says", () => {
    const handler = readFileSync(
      path.join(
        path.dirname(require.resolve('aws-cdk-lib/package.json')),
        'custom-resource-handlers/dist/aws-ec2/restrict-default-security-group-handler/index.js',
      ),
      'utf8',
    );
    const calls = [...handler.matchAll(/\.((?:authorize|revoke)SecurityGroup(?:Ingress|Egress))\(/g)].map(
      (m) => `ec2:${m[1][0].toUpperCase()}${m[1].slice(1)}`,
    );
    expect([...new Set(calls)].sort()).toEqual(
      RESTRICT_DEFAULT_SECURITY_GROUP.calls.map((c) => c.action).sort(),
    );
  });
});
