import { CfnResource, Stack, Token } from 'aws-cdk-lib';
import * as ecr from 'aws-cdk-lib/aws-ecr';
import { NagMessageLevel, NagPack } from 'cdk-nag';
import { ImageSource, SchedulingImageRepository } from '../../lib/app/image-source';
import { imageScanning } from '../../lib/compliance/checklist/rules/image-scanning';

/** The rule alone, in a test-only pack. */
class ImageScanningPack extends NagPack {
  public readonly name = 'Test';
  constructor() {
    super();
    this.packName = 'Test';
  }
  protected checkResource(node: CfnResource): void {
    this.applyRule({
      ruleSuffixOverride: 'C4-ImageScanned',
      info: 'An image repository does not scan on push, keep tags immutable or encrypt with KMS.',
      explanation: 'Test fixture of the rule.',
      level: NagMessageLevel.ERROR,
      rule: imageScanning,
      node,
    });
  }
}

/** The findings of the rule on a fresh stack that `build` fills, as the pack names them. */
function findings(build: (stack: Stack) => void): string[] {
  const stack = new Stack(undefined, 'Fixture', { env: { account: '111111111111', region: 'eu-west-1' } });
  build(stack);
  return new ImageScanningPack()
    .validateScope(stack)
    .violations.map((v) => v.ruleName)
    .sort();
}

const deployTime = Token.asString({ Ref: 'DeployTimeParameter' });
const template = (stack: Stack, props: Partial<ecr.CfnRepositoryCreationTemplateProps>) =>
  new ecr.CfnRepositoryCreationTemplate(stack, 'Template', {
    prefix: 'scheduling/docker-hub',
    appliedFor: ['PULL_THROUGH_CACHE'],
    imageTagMutability: 'IMMUTABLE',
    encryptionConfiguration: { encryptionType: 'KMS' },
    ...props,
  });

describe('imageScanning (C4-ImageScanned)', () => {
  describe('AWS::ECR::Repository', () => {
    test.each<[string, (s: Stack) => void, string[]]>([
      ['compliant: SchedulingImageRepository', (s) => new SchedulingImageRepository(s, 'Image'), []],
      [
        'compliant: scan on push and immutable tags',
        (s) =>
          new ecr.CfnRepository(s, 'Repo', {
            imageScanningConfiguration: { scanOnPush: true },
            imageTagMutability: 'IMMUTABLE',
          }),
        [],
      ],
      [
        'non-compliant: no scan on push',
        (s) => new ecr.CfnRepository(s, 'Repo', { imageTagMutability: 'IMMUTABLE' }),
        ['Test-C4-ImageScanned[ScanOnPush]'],
      ],
      [
        'non-compliant: mutable tags (the default)',
        (s) => new ecr.Repository(s, 'Repo', { imageScanOnPush: true }),
        ['Test-C4-ImageScanned[ImmutableTags]'],
      ],
      [
        'non-compliant: immutable with exclusions',
        (s) =>
          new ecr.CfnRepository(s, 'Repo', {
            imageScanningConfiguration: { scanOnPush: true },
            imageTagMutability: 'IMMUTABLE_WITH_EXCLUSION',
          }),
        ['Test-C4-ImageScanned[ImmutableTags]'],
      ],
      [
        'non-compliant: neither',
        (s) => new ecr.CfnRepository(s, 'Repo'),
        ['Test-C4-ImageScanned[ImmutableTags]', 'Test-C4-ImageScanned[ScanOnPush]'],
      ],
      [
        'token: settings known only at deploy time are reported',
        (s) =>
          new ecr.CfnRepository(s, 'Repo', {
            imageScanningConfiguration: { scanOnPush: Token.asAny({ Ref: 'Scan' }) as unknown as boolean },
            imageTagMutability: deployTime,
          }),
        ['Test-C4-ImageScanned[ImmutableTags]', 'Test-C4-ImageScanned[ScanOnPush]'],
      ],
    ])('%s', (_, build, expected) => {
      expect(findings(build)).toEqual(expected);
    });
  });

  describe('AWS::ECR::RepositoryCreationTemplate', () => {
    test.each<[string, (s: Stack) => void, string[]]>([
      [
        'compliant: the pull through cache image source',
        (s) =>
          ImageSource.pullThroughCache({
            upstreamRegistry: 'ecr-public',
            upstreamRepository: 'docker/library/nginx',
            tagOrDigest: '1.27',
          }).bind(s),
        [],
      ],
      ['compliant: immutable, KMS', (s) => template(s, {}), []],
      [
        'compliant: immutable, dual-layer KMS',
        (s) => template(s, { encryptionConfiguration: { encryptionType: 'KMS_DSSE' } }),
        [],
      ],
      [
        'non-compliant: mutable (the default)',
        (s) => template(s, { imageTagMutability: undefined }),
        ['Test-C4-ImageScanned[ImmutableTags]'],
      ],
      [
        'non-compliant: S3-managed encryption',
        (s) => template(s, { encryptionConfiguration: { encryptionType: 'AES256' } }),
        ['Test-C4-ImageScanned[KmsEncryption]'],
      ],
      [
        'non-compliant: no encryption configuration',
        (s) => template(s, { encryptionConfiguration: undefined }),
        ['Test-C4-ImageScanned[KmsEncryption]'],
      ],
      [
        'token: a mutability known only at deploy time is reported',
        (s) => template(s, { imageTagMutability: deployTime }),
        ['Test-C4-ImageScanned[ImmutableTags]'],
      ],
    ])('%s', (_, build, expected) => {
      expect(findings(build)).toEqual(expected);
    });
  });

  test('not applicable: a pull through cache rule, a registry scanning configuration', () => {
    expect(
      findings((s) => {
        new ecr.CfnPullThroughCacheRule(s, 'Rule', {
          ecrRepositoryPrefix: 'quay',
          upstreamRegistryUrl: 'quay.io',
        });
        new ecr.CfnRegistryScanningConfiguration(s, 'Scanning', { scanType: 'BASIC', rules: [] });
      }),
    ).toEqual([]);
  });
});
