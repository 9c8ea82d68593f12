import { Duration, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import { AlertTopic } from '../../lib/audit/alert-topic';
import { BoundImage, ImageSource, SchedulingImageRepository } from '../../lib/app/image-source';
import { evaluateRequest, resolverFor } from '../support/access-paths';
import { testApp, testStack } from '../support/app';
import { matchesPattern, resolveIntrinsics } from '../support/event-pattern';

const ACCOUNT = '111111111111';
const REGION = 'eu-west-1';
const DIGEST = `sha256:${'c0ffee00'.repeat(8)}`;
const SECRET = `arn:aws:secretsmanager:${REGION}:${ACCOUNT}:secret:ecr-pullthroughcache/docker-hub-AbCdEf`;
const ENV = { account: ACCOUNT, region: REGION, stackName: 'Svc' };

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- templates are untyped JSON
type Json = any;

/** A task definition that runs `image`: its execution role is granted the pull when the container binds it. */
function runs(stack: Stack, image: BoundImage): ecs.FargateTaskDefinition {
  const taskDefinition = new ecs.FargateTaskDefinition(stack, 'TaskDefinition');
  taskDefinition.addContainer('App', { image: image.image, memoryLimitMiB: 512 });
  return taskDefinition;
}

/** The one resource of `type`, as [logical id, definition]. */
function one(template: Template, type: string): [string, Json] {
  const found = Object.entries(template.findResources(type));
  expect(found).toHaveLength(1);
  return found[0];
}

/** The event pattern of the rule whose description matches, with CloudFormation values filled in. */
function patternOf(
  template: Template,
  description: RegExp,
  values: (ref: string) => string,
  output = 'unused',
): Json {
  const rule = Object.values(template.findResources('AWS::Events::Rule')).find((r: Json) =>
    description.test(r.Properties.Description),
  ) as Json;
  expect(rule).toBeDefined();
  return resolveIntrinsics(withOutputs(rule.Properties.EventPattern, output), values);
}

/** Replaces each output read from another stack (`Fn::GetStackOutput`) by `value`. */
function withOutputs(json: unknown, value: string): unknown {
  if (Array.isArray(json)) return json.map((j) => withOutputs(j, value));
  if (typeof json !== 'object' || json === null) return json;
  if ('Fn::GetStackOutput' in json) return value;
  return Object.fromEntries(Object.entries(json).map(([k, v]) => [k, withOutputs(v, value)]));
}

/** For patterns that must hold no reference within their stack. */
const fail = (ref: string): string => {
  throw new Error(`unexpected reference ${ref}`);
};

/** The sample `ECR Image Scan` event of the ECR User Guide ("Amazon ECR events and EventBridge"), for `repository`. */
function ecrScanEvent(repository: string, counts: Record<string, number>): Json {
  return {
    version: '0',
    id: '85fc3613-e913-7fc4-a80c-a3753e4aa9ae',
    'detail-type': 'ECR Image Scan',
    source: 'aws.ecr',
    account: ACCOUNT,
    time: '2019-10-29T02:36:48Z',
    region: REGION,
    resources: [`arn:aws:ecr:${REGION}:${ACCOUNT}:repository/${repository}`],
    detail: {
      'scan-status': 'COMPLETE',
      'repository-name': repository,
      'finding-severity-counts': counts,
      'image-digest': 'sha256:7f5b2640fe6fb4f46592dfd3410c4a79dac4f89e4782432e0378abcd1234',
      'image-tags': [],
    },
  };
}

/**
 * The sample `Inspector2 Finding` event of an Amazon ECR image of the Amazon Inspector User Guide ("Amazon
 * EventBridge event schema for Amazon Inspector events"), trimmed to the fields a rule can match, for `repository`.
 */
function inspectorEvent(repository: string, severity: string, status = 'ACTIVE'): Json {
  const hash = 'sha256:84f507df33c6864d49c296fb734192696e4cb6f78166ac51ac8b9b118181085d';
  const arn = `arn:aws:ecr:${REGION}:${ACCOUNT}:repository/${repository}/${hash}`;
  return {
    version: '0',
    id: '5325facf-a1aa-7d97-6bce-25fde6f6d2fc',
    'detail-type': 'Inspector2 Finding',
    source: 'aws.inspector2',
    account: ACCOUNT,
    time: '2024-09-04T16:55:38Z',
    region: REGION,
    resources: [arn],
    detail: {
      awsAccountId: ACCOUNT,
      description: 'Possible denial of service in X.509 name checks',
      findingArn: `arn:aws:inspector2:${REGION}:${ACCOUNT}:finding/0123`,
      fixAvailable: 'YES',
      resources: [
        {
          details: {
            awsEcrContainerImage: {
              architecture: 'arm64',
              imageHash: hash,
              imageTags: ['ubuntu_latest'],
              platform: 'UBUNTU_24_04',
              registry: ACCOUNT,
              repositoryName: repository,
            },
          },
          id: arn,
          partition: 'aws',
          region: REGION,
          type: 'AWS_ECR_CONTAINER_IMAGE',
        },
      ],
      severity,
      status,
      title: 'CVE-2024-6119 - libssl3t64, openssl',
      type: 'PACKAGE_VULNERABILITY',
    },
  };
}

/** The ECR lifecycle rules of a policy text. */
function lifecycleRules(text: string): Json[] {
  return JSON.parse(text).rules;
}

describe('ImageSource.privateRepository', () => {
  let repositoryTemplate: Template;
  let serviceTemplate: Template;
  let bound: BoundImage;
  let repositoryId: string;

  beforeAll(() => {
    const app = testApp();
    const repositoryStack = testStack(app, 'Repo');
    const repository = new SchedulingImageRepository(repositoryStack, 'Image');
    const serviceStack = testStack(app, 'Svc');
    const alerts = new AlertTopic(serviceStack, 'Alerts');
    bound = ImageSource.privateRepository({ repository, tagOrDigest: DIGEST }).bind(serviceStack, { alerts });
    runs(serviceStack, bound);
    repositoryTemplate = Template.fromStack(repositoryStack);
    serviceTemplate = Template.fromStack(serviceStack);
    repositoryId = one(repositoryTemplate, 'AWS::ECR::Repository')[0];
  });

  describe('the repository', () => {
    test('has immutable tags, scan on push and a customer key with rotation', () => {
      const [, repository] = one(repositoryTemplate, 'AWS::ECR::Repository');
      const [keyId, key] = one(repositoryTemplate, 'AWS::KMS::Key');
      expect(repository.Properties).toMatchObject({
        ImageTagMutability: 'IMMUTABLE',
        ImageScanningConfiguration: { ScanOnPush: true },
        EncryptionConfiguration: { EncryptionType: 'KMS', KmsKey: { 'Fn::GetAtt': [keyId, 'Arn'] } },
      });
      expect(key.Properties.EnableKeyRotation).toBe(true);
    });

    test('keeps the last 30 images and expires untagged ones after 14 days', () => {
      const [, repository] = one(repositoryTemplate, 'AWS::ECR::Repository');
      expect(lifecycleRules(repository.Properties.LifecyclePolicy.LifecyclePolicyText)).toEqual([
        expect.objectContaining({
          rulePriority: 1,
          selection: {
            tagStatus: 'untagged',
            countType: 'sinceImagePushed',
            countUnit: 'days',
            countNumber: 14,
          },
          action: { type: 'expire' },
        }),
        expect.objectContaining({
          rulePriority: 2,
          selection: { tagStatus: 'any', countType: 'imageCountMoreThan', countNumber: 30 },
          action: { type: 'expire' },
        }),
      ]);
    });

    test('the repository and its key are retained, under pinned ids', () => {
      expect(repositoryId).toMatch(/^Image[0-9A-F]{8}$/);
      repositoryTemplate.hasResource('AWS::ECR::Repository', {
        DeletionPolicy: 'Retain',
        UpdateReplacePolicy: 'Retain',
      });
      repositoryTemplate.hasResource('AWS::KMS::Key', {
        DeletionPolicy: 'Retain',
        UpdateReplacePolicy: 'Retain',
      });
    });

    test('leaves the registry scanning configuration of the account alone', () => {
      repositoryTemplate.resourceCountIs('AWS::ECR::RegistryScanningConfiguration', 0);
      serviceTemplate.resourceCountIs('AWS::ECR::RegistryScanningConfiguration', 0);
    });
  });

  describe('the service side', () => {
    test('runs the image by digest, from the repository of the other stack', () => {
      const [, taskDefinition] = one(serviceTemplate, 'AWS::ECS::TaskDefinition');
      const image = JSON.stringify(taskDefinition.Properties.ContainerDefinitions[0].Image);
      expect(image).toContain(`@${DIGEST}`);
      expect(image).toContain('"Fn::GetStackOutput":{"StackName":"Repo"');
      expect(bound.inEcr).toBe(true);
    });

    test('the execution role may pull from that repository only, and get a login token', () => {
      const [, policy] = one(serviceTemplate, 'AWS::IAM::Policy');
      const statements = policy.Properties.PolicyDocument.Statement;
      expect(statements).toHaveLength(2);
      expect(statements[0]).toEqual({
        Action: ['ecr:BatchCheckLayerAvailability', 'ecr:BatchGetImage', 'ecr:GetDownloadUrlForLayer'],
        Effect: 'Allow',
        Resource: { 'Fn::GetStackOutput': expect.objectContaining({ StackName: 'Repo' }) },
      });
      expect(statements[1]).toEqual({ Action: 'ecr:GetAuthorizationToken', Effect: 'Allow', Resource: '*' });
    });

    test.each([
      ['CRITICAL findings', { CRITICAL: 2, MEDIUM: 9 }, true],
      ['HIGH findings only', { HIGH: 1 }, true],
      ['the sample event (10 CRITICAL, 9 MEDIUM)', { CRITICAL: 10, MEDIUM: 9 }, true],
      ['MEDIUM and LOW only', { MEDIUM: 9, LOW: 3 }, false],
      ['a count of zero', { CRITICAL: 0, HIGH: 0 }, false],
      ['no findings', {}, false],
    ])('the basic scan rule, %s: alert %s', (_, counts, alerted) => {
      const pattern = patternOf(serviceTemplate, /ECR's scan/, fail, 'my-repository');
      expect(matchesPattern(pattern, ecrScanEvent('my-repository', counts))).toBe(alerted);
    });

    test('the basic scan rule matches this repository only', () => {
      const pattern = patternOf(serviceTemplate, /ECR's scan/, fail, 'my-repository');
      expect(JSON.stringify(pattern)).not.toContain('Fn::');
      expect(matchesPattern(pattern, ecrScanEvent('my-repository-2', { CRITICAL: 3 }))).toBe(false);
      expect(matchesPattern(pattern, ecrScanEvent('other', { CRITICAL: 3 }))).toBe(false);
    });

    test.each([
      ['HIGH, active', 'HIGH', 'ACTIVE', 'my-repository', true],
      ['CRITICAL, active', 'CRITICAL', 'ACTIVE', 'my-repository', true],
      ['the sample as documented (MEDIUM)', 'MEDIUM', 'ACTIVE', 'my-repository', false],
      ['HIGH, closed', 'HIGH', 'CLOSED', 'my-repository', false],
      ['HIGH, in another repository', 'HIGH', 'ACTIVE', 'my-repository-2', false],
    ])('the Inspector rule, %s: alert %s', (_, severity, status, repository, alerted) => {
      const pattern = patternOf(serviceTemplate, /Amazon Inspector/, fail, 'my-repository');
      expect(matchesPattern(pattern, inspectorEvent(repository, severity, status))).toBe(alerted);
    });

    test('both rules deliver to the alert topic, with a message that names the repository and image', () => {
      const rules = Object.values(serviceTemplate.findResources('AWS::Events::Rule')) as Json[];
      expect(rules).toHaveLength(2);
      const [topicId] = one(serviceTemplate, 'AWS::SNS::Topic');
      for (const rule of rules) {
        const [target] = rule.Properties.Targets;
        expect(target.Arn).toEqual({ Ref: topicId });
        expect(JSON.stringify(target.InputTransformer.InputTemplate)).toMatch(/<repository>|repositoryName/);
      }
      expect(bound.findingRules).toHaveLength(2);
    });
  });

  test('warns at synth when the repository is in the service stack', () => {
    const stack = testStack();
    const repository = new SchedulingImageRepository(stack, 'Image');
    runs(stack, ImageSource.privateRepository({ repository, tagOrDigest: 'v5.5.0' }).bind(stack));
    // Read from the tree: this app's synth fails on an unacknowledged warning, which is the point.
    const warnings = stack.node
      .findAll()
      .flatMap((c) => c.node.metadata)
      .filter((m) => m.type === 'aws:cdk:warning')
      .map((m) => String(m.data));
    expect(warnings).toEqual([expect.stringMatching(/first deployment the repository is empty/)]);
  });
});

describe('ImageSource.pullThroughCache', () => {
  let template: Template;
  let bound: BoundImage;
  const cachedRepository = 'scheduling/docker-hub/calcom/cal.com';
  const cachedArn = `arn:aws:ecr:${REGION}:${ACCOUNT}:repository/${cachedRepository}`;

  beforeAll(() => {
    const stack = testStack(testApp(), 'Svc');
    const alerts = new AlertTopic(stack, 'Alerts');
    bound = ImageSource.pullThroughCache({
      upstreamRegistry: 'docker-hub',
      upstreamRepository: 'calcom/cal.com',
      tagOrDigest: DIGEST,
      credentialSecretArn: SECRET,
      enhancedScanning: true,
    }).bind(stack, { alerts });
    runs(stack, bound);
    template = Template.fromStack(stack);
  });

  test('a cache rule for Docker Hub under the prefix, with the credential secret', () => {
    const [, rule] = one(template, 'AWS::ECR::PullThroughCacheRule');
    expect(rule.Properties).toEqual({
      EcrRepositoryPrefix: 'scheduling/docker-hub',
      UpstreamRegistry: 'docker-hub',
      UpstreamRegistryUrl: 'registry-1.docker.io',
      CredentialArn: SECRET,
    });
  });

  test('a creation template for the prefix: immutable tags, the customer key, the lifecycle policy', () => {
    const [templateId, creation] = one(template, 'AWS::ECR::RepositoryCreationTemplate');
    const [keyId, key] = Object.entries(template.findResources('AWS::KMS::Key')).find(([id]) =>
      id.startsWith('PullThroughCacheKey'),
    ) as [string, Json];
    expect(creation.Properties).toMatchObject({
      Prefix: 'scheduling/docker-hub',
      AppliedFor: ['PULL_THROUGH_CACHE'],
      ImageTagMutability: 'IMMUTABLE',
      EncryptionConfiguration: { EncryptionType: 'KMS', KmsKey: { 'Fn::GetAtt': [keyId, 'Arn'] } },
    });
    expect(lifecycleRules(creation.Properties.LifecyclePolicy).map((r) => r.selection)).toEqual([
      { tagStatus: 'untagged', countType: 'sinceImagePushed', countUnit: 'days', countNumber: 14 },
      { tagStatus: 'any', countType: 'imageCountMoreThan', countNumber: 30 },
    ]);
    expect(key.Properties.EnableKeyRotation).toBe(true);
    expect(key.DeletionPolicy).toBe('Retain');
    // The template exists before the rule can create a repository, and the tasks start after both.
    const [, rule] = one(template, 'AWS::ECR::PullThroughCacheRule');
    expect(rule.DependsOn).toContain(templateId);
    const [ruleId] = one(template, 'AWS::ECR::PullThroughCacheRule');
    expect(one(template, 'AWS::ECS::TaskDefinition')[1].DependsOn).toContain(ruleId);
  });

  test('the creation role ECR assumes may create this one repository and use this one key', () => {
    const [, creation] = one(template, 'AWS::ECR::RepositoryCreationTemplate');
    const roleId = creation.Properties.CustomRoleArn['Fn::GetAtt'][0];
    const role = template.toJSON().Resources[roleId];
    expect(role.Properties.AssumeRolePolicyDocument.Statement).toEqual([
      { Action: 'sts:AssumeRole', Effect: 'Allow', Principal: { Service: 'ecr.amazonaws.com' } },
    ]);
    const resolver = resolverFor(template.toJSON(), ENV);
    const [, policy] = Object.entries(template.findResources('AWS::IAM::ManagedPolicy')).find(([, p]) =>
      (p as Json).Properties.Roles.some((r: Json) => r.Ref === roleId),
    ) as [string, Json];
    const statements = resolver.resolve(policy.Properties.PolicyDocument) as Json;
    expect(statements.ok).toBe(true);
    expect(statements.value.Statement).toEqual([
      { Action: 'ecr:CreateRepository', Effect: 'Allow', Resource: cachedArn },
      {
        Action: ['kms:CreateGrant', 'kms:DescribeKey', 'kms:RetireGrant'],
        Effect: 'Allow',
        Resource: expect.stringMatching(new RegExp(`^arn:aws:kms:${REGION}:${ACCOUNT}:key/`)),
      },
    ]);
  });

  test('enhanced scanning, an explicit opt-in, covers the prefix only', () => {
    const [, scanning] = one(template, 'AWS::ECR::RegistryScanningConfiguration');
    expect(scanning.Properties).toEqual({
      ScanType: 'ENHANCED',
      Rules: [
        {
          ScanFrequency: 'CONTINUOUS_SCAN',
          RepositoryFilters: [{ Filter: 'scheduling/docker-hub/*', FilterType: 'WILDCARD' }],
        },
      ],
    });
  });

  test('the task pulls the cached image by digest from this account', () => {
    const [, taskDefinition] = one(template, 'AWS::ECS::TaskDefinition');
    const resolver = resolverFor(template.toJSON(), ENV);
    const image = resolver.resolveString(taskDefinition.Properties.ContainerDefinitions[0].Image);
    expect(image).toEqual({
      ok: true,
      value: `${ACCOUNT}.dkr.ecr.${REGION}.amazonaws.com/${cachedRepository}@${DIGEST}`,
    });
  });

  describe('the execution role, evaluated by the IAM policy engine', () => {
    async function decision(action: string, resource: string): Promise<string> {
      const json = template.toJSON();
      const resolver = resolverFor(json, ENV);
      const [, policy] = one(template, 'AWS::IAM::Policy');
      const document = resolver.resolve(policy.Properties.PolicyDocument) as Json;
      expect(document.ok).toBe(true);
      const verdict = await evaluateRequest(
        {
          principal: `arn:aws:sts::${ACCOUNT}:assumed-role/Svc-ExecutionRole/task`,
          action,
          resource,
          resourceAccount: ACCOUNT,
          context: {},
        },
        [{ name: 'execution role policy', document: document.value }],
      );
      return verdict.decision;
    }

    test.each([
      'ecr:BatchImportUpstreamImage',
      'ecr:CreateRepository',
      'ecr:BatchGetImage',
      'ecr:GetDownloadUrlForLayer',
      'ecr:BatchCheckLayerAvailability',
    ])('may %s on the cached repository', async (action) => {
      expect(await decision(action, cachedArn)).toBe('Allowed');
    });

    test.each([
      [
        'another repository under the prefix',
        `arn:aws:ecr:${REGION}:${ACCOUNT}:repository/scheduling/docker-hub/library/nginx`,
      ],
      ['a repository outside the prefix', `arn:aws:ecr:${REGION}:${ACCOUNT}:repository/calcom`],
      ['the same name in another region', `arn:aws:ecr:us-east-1:${ACCOUNT}:repository/${cachedRepository}`],
    ])('may not import into %s', async (_, resource) => {
      expect(await decision('ecr:BatchImportUpstreamImage', resource)).not.toBe('Allowed');
      expect(await decision('ecr:CreateRepository', resource)).not.toBe('Allowed');
    });

    test('may not push, delete or change the cache', async () => {
      for (const action of [
        'ecr:PutImage',
        'ecr:BatchDeleteImage',
        'ecr:DeleteRepository',
        'ecr:SetRepositoryPolicy',
      ]) {
        expect(await decision(action, cachedArn)).not.toBe('Allowed');
      }
    });

    test('gets a login token, the one action on "*"', async () => {
      expect(await decision('ecr:GetAuthorizationToken', '*')).toBe('Allowed');
      const [, policy] = one(template, 'AWS::IAM::Policy');
      const onStar = policy.Properties.PolicyDocument.Statement.filter((s: Json) => s.Resource === '*');
      expect(onStar).toEqual([{ Action: 'ecr:GetAuthorizationToken', Effect: 'Allow', Resource: '*' }]);
    });
  });

  describe('finding rules match the prefix', () => {
    test.each([
      ['the cached image, CRITICAL', cachedRepository, { CRITICAL: 1 }, true],
      ['another image of the prefix, HIGH', 'scheduling/docker-hub/library/nginx', { HIGH: 4 }, true],
      ['an image outside the prefix', 'scheduling/docker-hubx/calcom', { CRITICAL: 1 }, false],
      ['the cached image, LOW only', cachedRepository, { LOW: 7 }, false],
    ])('basic scan: %s', (_, repository, counts, alerted) => {
      const pattern = patternOf(template, /ECR's scan/, (ref) => ref);
      expect(matchesPattern(pattern, ecrScanEvent(repository, counts))).toBe(alerted);
    });

    test.each([
      ['the cached image, HIGH', cachedRepository, 'HIGH', true],
      ['an image outside the prefix, HIGH', 'calcom', 'HIGH', false],
      ['the cached image, LOW', cachedRepository, 'LOW', false],
    ])('Inspector: %s', (_, repository, severity, alerted) => {
      const pattern = patternOf(template, /Amazon Inspector/, (ref) => ref);
      expect(matchesPattern(pattern, inspectorEvent(repository, severity))).toBe(alerted);
    });
  });
});

describe('ImageSource.registry', () => {
  test('a public image is run as it is, with nothing to grant and nothing scanned', () => {
    const stack = new Stack();
    const bound = ImageSource.registry('calcom/cal.com:v5.5.0').bind(stack);
    bound.sendFindingsTo(new AlertTopic(stack, 'Alerts'));
    expect(bound.imageReference).toBe('calcom/cal.com:v5.5.0');
    expect(bound.inEcr).toBe(false);
    expect(bound.findingRules).toEqual([]);
  });

  test('an existing ECR repository by reference gets both finding rules for that repository', () => {
    const stack = new Stack();
    const bound = ImageSource.registry(`123456789012.dkr.ecr.eu-west-1.amazonaws.com/calcom@${DIGEST}`).bind(
      stack,
      { alerts: new AlertTopic(stack, 'Alerts') },
    );
    expect(bound.inEcr).toBe(true);
    expect(
      bound.findingRules.map((r) => stack.resolve((r.node.defaultChild as Json).eventPattern).detail),
    ).toEqual([
      expect.objectContaining({ 'repository-name': ['calcom'] }),
      expect.objectContaining({
        resources: expect.objectContaining({
          details: { awsEcrContainerImage: { repositoryName: ['calcom'] } },
        }),
      }),
    ]);
  });
});

describe('validation', () => {
  const pullThrough = {
    upstreamRegistry: 'docker-hub' as const,
    upstreamRepository: 'calcom/cal.com',
    tagOrDigest: 'v5.5.0',
    credentialSecretArn: SECRET,
  };

  test.each([
    [
      'an upper-case repository',
      () => ImageSource.registry('CalCom/cal.com:v1'),
      /`reference` .*must be lower case/,
    ],
    [
      'a truncated digest',
      () => ImageSource.registry('calcom/cal.com@sha256:abc'),
      /`reference` .*exactly 64 hex digits, got 3/,
    ],
    ['latest', () => ImageSource.registry('ghcr.io/owner/app:latest'), /`reference` .*'latest'/],
    [
      'Docker Hub without credentials',
      () => ImageSource.pullThroughCache({ ...pullThrough, credentialSecretArn: undefined }),
      /`credentialSecretArn` is required for docker-hub/,
    ],
    [
      'GitHub without credentials',
      () =>
        ImageSource.pullThroughCache({
          ...pullThrough,
          upstreamRegistry: 'github-container-registry',
          credentialSecretArn: undefined,
        }),
      /`credentialSecretArn` is required for github-container-registry/,
    ],
    [
      'a secret not named ecr-pullthroughcache/',
      () =>
        ImageSource.pullThroughCache({
          ...pullThrough,
          credentialSecretArn: `arn:aws:secretsmanager:${REGION}:${ACCOUNT}:secret:dockerhub-AbCdEf`,
        }),
      /`credentialSecretArn` must be .* starts with ecr-pullthroughcache\//,
    ],
    [
      'a lifecycle count under 1',
      () => ImageSource.pullThroughCache({ ...pullThrough, maxImageCount: 0 }),
      /`maxImageCount` must be .* at least 1, got 0/,
    ],
    [
      'an untagged expiry of hours',
      () => ImageSource.pullThroughCache({ ...pullThrough, untaggedImageExpiry: Duration.hours(36) }),
      /`untaggedImageExpiry` must be a whole number of days/,
    ],
    [
      'a prefix too long',
      () => ImageSource.pullThroughCache({ ...pullThrough, repositoryPrefix: 'a'.repeat(31) }),
      /`repositoryPrefix` must be 2 to 30/,
    ],
    [
      'an upstream repository with a host',
      () => ImageSource.pullThroughCache({ ...pullThrough, upstreamRepository: 'docker.io/calcom/cal.com' }),
      /`upstreamRepository` must be a path in the upstream registry/,
    ],
    [
      'an upstream tag that is latest',
      () => ImageSource.pullThroughCache({ ...pullThrough, tagOrDigest: 'latest' }),
      /`upstreamRepository` and `tagOrDigest` .*'latest'/,
    ],
  ])('throws on %s, naming the prop', (_, source, message) => {
    expect(() => source().bind(new Stack())).toThrow(message);
  });

  test('throws on a truncated digest of the private repository', () => {
    const stack = new Stack();
    const repository = new SchedulingImageRepository(stack, 'Image');
    expect(() =>
      ImageSource.privateRepository({ repository, tagOrDigest: 'sha256:abc' }).bind(stack),
    ).toThrow(/`tagOrDigest` .*exactly 64 hex digits/);
  });

  test('throws on a lifecycle count under 1 for the private repository', () => {
    expect(() => new SchedulingImageRepository(new Stack(), 'Image', { maxImageCount: 0 })).toThrow(
      /`maxImageCount` must be .* at least 1, got 0/,
    );
  });
});
