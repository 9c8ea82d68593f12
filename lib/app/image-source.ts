import { Annotations, Duration, RemovalPolicy, Stack, Token } from 'aws-cdk-lib';
import * as ecr from 'aws-cdk-lib/aws-ecr';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as events from 'aws-cdk-lib/aws-events';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';
import { AlertTopic } from '../audit/alert-topic';
import { DOCKER_HUB_REGISTRY, parseImageReference } from '../private/image-reference';
import { ManagedPolicyRole } from '../private/managed-policy-role';
import { Problems } from '../private/problems';
import { SeparatedDutiesKey } from '../private/separated-key';

/** How many images a repository keeps by default; older ones expire (the running one must be among them). */
export const DEFAULT_MAX_IMAGE_COUNT = 30;
/** Untagged images (left behind by a build that was re-pushed) expire after this long. */
export const DEFAULT_UNTAGGED_IMAGE_EXPIRY = Duration.days(14);

/**
 * The upstream registries a pull through cache rule may use here, with their registry URL, whether ECR needs
 * credentials for them, and the default repository prefix. ECR documents the URLs and which registries need a
 * Secrets Manager secret: https://docs.aws.amazon.com/AmazonECR/latest/userguide/pull-through-cache.html and
 * https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_CreatePullThroughCacheRule.html
 */
const UPSTREAM_REGISTRIES = {
  'docker-hub': { url: 'registry-1.docker.io', needsCredentials: true, prefix: 'scheduling/docker-hub' },
  'ecr-public': { url: 'public.ecr.aws', needsCredentials: false, prefix: 'scheduling/ecr-public' },
  'github-container-registry': { url: 'ghcr.io', needsCredentials: true, prefix: 'scheduling/ghcr' },
  quay: { url: 'quay.io', needsCredentials: false, prefix: 'scheduling/quay' },
} as const;

/** An upstream registry a pull through cache rule can cache from. */
export type UpstreamRegistry = keyof typeof UPSTREAM_REGISTRIES;

/**
 * The upstream registry a pull through cache can front for an image's registry host, as `parseImageReference`
 * names it (Docker Hub as `docker.io`), or undefined when no cache rule can.
 */
export function upstreamRegistryOfHost(host: string): UpstreamRegistry | undefined {
  if (host === DOCKER_HUB_REGISTRY) return 'docker-hub';
  return (Object.keys(UPSTREAM_REGISTRIES) as UpstreamRegistry[]).find(
    (name) => UPSTREAM_REGISTRIES[name].url === host,
  );
}

/** The registry hosts a pull through cache can front, as an image reference names them. */
export const CACHEABLE_REGISTRY_HOSTS: readonly string[] = (
  Object.keys(UPSTREAM_REGISTRIES) as UpstreamRegistry[]
).map((name) => (name === 'docker-hub' ? DOCKER_HUB_REGISTRY : UPSTREAM_REGISTRIES[name].url));

/**
 * `AWS::ECR::PullThroughCacheRule`'s `EcrRepositoryPrefix`: 2 to 30 characters of this pattern
 * (https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-ecr-pullthroughcacherule.html).
 */
const REPOSITORY_PREFIX = /^(?:[a-z0-9]+(?:[._-][a-z0-9]+)*\/)*[a-z0-9]+(?:[._-][a-z0-9]+)*$/;
const REPOSITORY_PREFIX_LENGTH = { min: 2, max: 30 };
/**
 * The credential of a pull through cache rule is a Secrets Manager secret whose name starts with
 * `ecr-pullthroughcache/`, in the rule's account and region (the `CredentialArn` pattern of the page above, and
 * https://docs.aws.amazon.com/AmazonECR/latest/userguide/pull-through-cache-creating-rule.html).
 */
const PULL_THROUGH_CACHE_SECRET =
  /^arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:\d{12}:secret:ecr-pullthroughcache\/[a-zA-Z0-9/_+=.@-]+$/;

/** What a task needs to pull an image from an ECR repository that exists. */
const PULL_ACTIONS = ['ecr:BatchCheckLayerAvailability', 'ecr:BatchGetImage', 'ecr:GetDownloadUrlForLayer'];
/**
 * What the first pull through a cache rule needs on top: ECR imports the upstream image on behalf of the caller
 * and creates the repository if it does not exist yet
 * (https://docs.aws.amazon.com/AmazonECR/latest/userguide/pull-through-cache-iam.html).
 */
const FIRST_PULL_THROUGH_CACHE_ACTIONS = ['ecr:BatchImportUpstreamImage', 'ecr:CreateRepository'];

/** Settings shared by the repositories the stack owns: the private repository and the pull through cache's. */
export interface ImageRepositoryOptions {
  /**
   * Key that encrypts the images at rest.
   * @default - a new KMS key with rotation enabled
   */
  readonly encryptionKey?: kms.IKey;

  /**
   * How many images the repository keeps; older ones expire. Keep more than the releases you may roll back to.
   * @default 30
   */
  readonly maxImageCount?: number;

  /**
   * How long an untagged image is kept before it expires.
   * @default Duration.days(14)
   */
  readonly untaggedImageExpiry?: Duration;

  /**
   * Turn on Amazon ECR enhanced scanning (Amazon Inspector), continuous, for this stack's images.
   *
   * Enhanced scanning is a setting of the whole registry (the account in this region), not of a repository:
   * `AWS::ECR::RegistryScanningConfiguration` exists once per registry, and this one replaces whatever the
   * account had. Repositories of the account that its filter does not name are then no longer scanned by
   * ECR's basic scanning either, and a second stack with this setting overwrites the first. Inspector re-scans
   * the images as new vulnerabilities are published, which basic scan-on-push never does; it is billed by
   * Amazon Inspector per image scanned and re-scanned (see docs/images.md for the figures). Leave it off when
   * the account's security team already runs enhanced scanning for the registry.
   * @default false - basic scan on push (free), for the private repository; none for pull through cache
   */
  readonly enhancedScanning?: boolean;
}

/** Props of `SchedulingImageRepository`. */
export interface SchedulingImageRepositoryProps extends ImageRepositoryOptions {
  /**
   * Name of the repository.
   * @default - a name CloudFormation generates
   */
  readonly repositoryName?: string;
}

/**
 * A private Amazon ECR repository for the app's image (checklist C4, C9): tags are immutable (a pushed version
 * can never be replaced under the same tag), every push is scanned, images are encrypted with a customer key,
 * a lifecycle policy keeps the last `maxImageCount` images and expires untagged ones, and the repository (and
 * its images) is retained when the stack is deleted.
 *
 * Deploy it in its own small stack, before the app's stack: the app's tasks can only start once the
 * repository holds the image, so the order is deploy this stack, push the image, read its digest, deploy the
 * app with `ImageSource.privateRepository({ repository, tagOrDigest })` (docs/images.md).
 */
export class SchedulingImageRepository extends Construct {
  /** The repository. */
  public readonly repository: ecr.Repository;
  /** Key that encrypts its images. */
  public readonly encryptionKey: kms.IKey;
  /** The registry's enhanced scanning configuration, when `enhancedScanning` is on. */
  public readonly scanningConfiguration?: ecr.CfnRegistryScanningConfiguration;

  constructor(scope: Construct, id: string, props: SchedulingImageRepositoryProps = {}) {
    super(scope, id);
    const maxImageCount = props.maxImageCount ?? DEFAULT_MAX_IMAGE_COUNT;
    const untaggedImageExpiry = props.untaggedImageExpiry ?? DEFAULT_UNTAGGED_IMAGE_EXPIRY;
    const problems = new Problems();
    lifecycleProblems(problems, maxImageCount, untaggedImageExpiry);
    problems.throwIfAny(this);

    this.encryptionKey =
      props.encryptionKey ??
      new SeparatedDutiesKey(this, 'Key', {
        description: 'Encrypts the images of the secure-scheduling app repository',
        enableKeyRotation: true,
        removalPolicy: RemovalPolicy.RETAIN,
        // Amazon ECR attaches the key to the repository it creates, and retires that grant, with its creator's
        // credentials (Amazon ECR User Guide, encryption-at-rest.html).
        usableThrough: ['ecr'],
      });
    this.repository = new ecr.Repository(this, 'Resource', {
      repositoryName: props.repositoryName,
      imageTagMutability: ecr.TagMutability.IMMUTABLE,
      imageScanOnPush: true,
      encryption: ecr.RepositoryEncryption.KMS,
      encryptionKey: this.encryptionKey,
      lifecycleRules: [
        {
          rulePriority: 1,
          description: `Expire untagged images after ${untaggedImageExpiry.toDays()} days`,
          tagStatus: ecr.TagStatus.UNTAGGED,
          maxImageAge: untaggedImageExpiry,
        },
        {
          rulePriority: 2,
          description: `Keep the last ${maxImageCount} images`,
          tagStatus: ecr.TagStatus.ANY,
          maxImageCount,
        },
      ],
      // The images are what the service runs and rolls back to: never deleted with the stack.
      removalPolicy: RemovalPolicy.RETAIN,
      emptyOnDelete: false,
    });
    if (props.enhancedScanning) {
      this.scanningConfiguration = enhancedScanning(this, this.repository.repositoryName);
    }
  }

  /** The reference of one of its images: `<repository URI>@sha256:<digest>` or `<repository URI>:<tag>`. */
  public imageReference(tagOrDigest: string): string {
    return this.repository.repositoryUriForTagOrDigest(tagOrDigest);
  }
}

/** Options of `ImageSource.privateRepository`. */
export interface PrivateRepositoryImageOptions {
  /** The repository, usually in a stack of its own deployed first. */
  readonly repository: SchedulingImageRepository;
  /**
   * The image: a digest (`sha256:` and 64 hex digits, best for production) or a version tag (not `latest`).
   * Read the digest of a pushed tag with `aws ecr describe-images`.
   */
  readonly tagOrDigest: string;
}

/** Options of `ImageSource.pullThroughCache`. */
export interface PullThroughCacheImageOptions extends ImageRepositoryOptions {
  /** The registry the image comes from. */
  readonly upstreamRegistry: UpstreamRegistry;
  /**
   * The repository in the upstream registry, as that registry names it: `calcom/cal.com` on Docker Hub
   * (`library/nginx` for an official image), `owner/image` on GitHub or Quay.
   */
  readonly upstreamRepository: string;
  /** The image: a digest (`sha256:` and 64 hex digits, best for production) or a version tag (not `latest`). */
  readonly tagOrDigest: string;
  /**
   * ARN of the Secrets Manager secret (name starting with `ecr-pullthroughcache/`, in this account and region)
   * holding `username` and `accessToken` for the upstream registry. Docker Hub and GitHub Container Registry
   * require one.
   * @default - none (only for registries that need no credentials: `ecr-public`, `quay`)
   */
  readonly credentialSecretArn?: string;
  /**
   * The repository prefix of the cache rule in this registry (2 to 30 characters; one rule per prefix and
   * registry). The image is cached as `<prefix>/<upstreamRepository>`.
   * @default - `scheduling/` plus the upstream registry (`scheduling/docker-hub`, `scheduling/ecr-public`,
   * `scheduling/ghcr`, `scheduling/quay`)
   */
  readonly repositoryPrefix?: string;
}

/** Options of `ImageSource.bind`. */
export interface ImageSourceBindOptions {
  /**
   * Where findings of the image's scans go.
   * @default - no finding alerts; call `BoundImage.sendFindingsTo` later
   */
  readonly alerts?: AlertTopic;
}

/** An image source, bound to a construct: what a service runs and how it may pull it. */
export interface BoundImage {
  /** The image, for a container definition. Its pull permissions are granted to the execution role on use. */
  readonly image: ecs.ContainerImage;
  /** The image reference the tasks pull (a token when it names a repository of a stack). */
  readonly imageReference: string;
  /** True when the image comes from Amazon ECR (the puller then needs ecr:GetAuthorizationToken, on "*"). */
  readonly inEcr: boolean;
  /** The EventBridge rules that send scan findings to an alert topic, once `sendFindingsTo` was called. */
  readonly findingRules: readonly events.Rule[];
  /**
   * Grants `grantee` what pulling this image needs, nothing more: the pull actions on its one repository (and
   * for a pull through cache, the import and creation of that repository), and ecr:GetAuthorizationToken,
   * which supports no resource-level permission. Nothing for an image outside Amazon ECR.
   */
  grantPull(grantee: iam.IGrantable): void;
  /**
   * Sends CRITICAL and HIGH findings about this image's repository to `alerts`: ECR basic scan results
   * (`ECR Image Scan`) and Amazon Inspector findings (`Inspector2 Finding`). Does nothing for an image outside
   * Amazon ECR, which nothing here scans. Call it once.
   */
  sendFindingsTo(alerts: AlertTopic): void;
}

/**
 * Where the app's image comes from (checklist C4, C9): a registry by reference, a private ECR repository the
 * stack owns, or an Amazon ECR pull through cache of a public registry.
 */
export abstract class ImageSource {
  /**
   * An image by reference: from a public registry (Docker Hub, ghcr.io, public.ecr.aws, ...), or from an existing
   * Amazon ECR private repository (`<account>.dkr.ecr.<region>.amazonaws.com/<name>@sha256:...`), whose pull
   * the execution role is granted on that repository alone. A public registry's image is not scanned here.
   */
  public static registry(reference: string): ImageSource {
    return new RegistryImageSource(reference);
  }

  /** An image of a `SchedulingImageRepository`, by digest or tag: scanned on push, immutable, encrypted. */
  public static privateRepository(options: PrivateRepositoryImageOptions): ImageSource {
    return new PrivateRepositoryImageSource(options);
  }

  /**
   * An image of a public registry, cached in this account's ECR by a pull through cache rule
   * (`AWS::ECR::PullThroughCacheRule`). The repository ECR creates on the first pull takes its settings from a
   * repository creation template for the rule's prefix: immutable tags, KMS encryption with a customer key,
   * the lifecycle policy. Immutable tags keep a cached tag on the image first pulled: ECR documents that they
   * "prevent Amazon ECR from updating images using the same tag"
   * (https://docs.aws.amazon.com/AmazonECR/latest/userguide/pull-through-cache.html), which is the pinning
   * wanted here; pin by digest for production. The first pull needs the ECR API endpoint reached through the
   * internet (a NAT gateway), not an interface VPC endpoint alone (same page).
   *
   * Cached images are scanned only by the registry's scanning configuration: turn on `enhancedScanning`, or
   * make sure the account's configuration covers `<prefix>/*`.
   */
  public static pullThroughCache(options: PullThroughCacheImageOptions): ImageSource {
    return new PullThroughCacheImageSource(options);
  }

  /** Creates what the source needs under `scope` and returns the image. Validates the options. */
  public abstract bind(scope: Construct, options?: ImageSourceBindOptions): BoundImage;
}

/** Which repositories a finding rule matches: one by name, or every one under a prefix. */
type RepositoryMatch = { readonly name: string } | { readonly prefix: string };

class BoundImageImpl implements BoundImage {
  public readonly findingRules: events.Rule[] = [];

  constructor(
    private readonly scope: Construct,
    public readonly image: ecs.ContainerImage,
    public readonly imageReference: string,
    private readonly pull?: {
      repositoryArn: string;
      actions: readonly string[];
      repositories: RepositoryMatch;
    },
  ) {}

  public get inEcr(): boolean {
    return this.pull !== undefined;
  }

  public grantPull(grantee: iam.IGrantable): void {
    if (!this.pull) {
      return;
    }
    iam.Grant.addToPrincipal({
      grantee,
      actions: [...this.pull.actions],
      resourceArns: [this.pull.repositoryArn],
    });
    // GetAuthorizationToken supports no resource-level permission: it only returns a login token.
    // https://docs.aws.amazon.com/AmazonECR/latest/userguide/security_iam_id-based-policy-examples.html
    iam.Grant.addToPrincipal({ grantee, actions: ['ecr:GetAuthorizationToken'], resourceArns: ['*'] });
  }

  public sendFindingsTo(alerts: AlertTopic): void {
    if (!this.pull || this.findingRules.length > 0) {
      return;
    }
    const repositories = this.pull.repositories;
    const scanRule = new events.Rule(this.scope, 'ImageScanFindings', {
      description: "Alerts on CRITICAL or HIGH findings of ECR's scan of this deployment's app image",
      eventPattern: basicScanFindingPattern(repositories),
    });
    const field = (path: string) => events.EventField.fromPath(path);
    alerts.addEventRule(
      scanRule,
      events.RuleTargetInput.fromObject({
        alert: "Amazon ECR's scan found CRITICAL or HIGH vulnerabilities in an image of this deployment",
        repository: field('$.detail.repository-name'),
        image: `${field('$.detail.image-digest')} (tags ${field('$.detail.image-tags')})`,
        // In text, so that a count ECR leaves out (none of that severity) still makes valid JSON.
        findings: `CRITICAL ${field('$.detail.finding-severity-counts.CRITICAL')}, HIGH ${field('$.detail.finding-severity-counts.HIGH')}`,
        readThem:
          'aws ecr describe-image-scan-findings --repository-name <repository> --image-id imageDigest=<digest>',
        when: events.EventField.time,
        region: events.EventField.region,
        account: events.EventField.account,
      }),
    );
    const inspectorRule = new events.Rule(this.scope, 'InspectorFindings', {
      description:
        "Alerts on active CRITICAL or HIGH Amazon Inspector findings of this deployment's app image",
      eventPattern: inspectorFindingPattern(repositories),
    });
    const image = '$.detail.resources[0].details.awsEcrContainerImage';
    alerts.addEventRule(
      inspectorRule,
      events.RuleTargetInput.fromObject({
        alert: `Amazon Inspector: ${field('$.detail.severity')} ${field('$.detail.title')}`,
        repository: field(`${image}.repositoryName`),
        image: `${field(`${image}.imageHash`)} (tags ${field(`${image}.imageTags`)})`,
        fixAvailable: `${field('$.detail.fixAvailable')}`,
        finding: field('$.detail.findingArn'),
        when: events.EventField.time,
        region: events.EventField.region,
        account: events.EventField.account,
      }),
    );
    this.findingRules.push(scanRule, inspectorRule);
  }
}

/**
 * ECR's `ECR Image Scan` event (basic scanning) for the repositories, when it counts CRITICAL or HIGH findings.
 * ECR leaves a severity out of `finding-severity-counts` when it has none, so the counts are matched
 * numerically (> 0), each on its own: https://docs.aws.amazon.com/AmazonECR/latest/userguide/ecr-eventbridge.html
 */
export function basicScanFindingPattern(repositories: RepositoryMatch): events.EventPattern {
  const countAbove0 = [{ numeric: ['>', 0] }];
  return {
    source: ['aws.ecr'],
    detailType: ['ECR Image Scan'],
    detail: {
      'scan-status': ['COMPLETE'],
      'repository-name': [repositoryMatcher(repositories)],
      $or: [
        { 'finding-severity-counts': { CRITICAL: countAbove0 } },
        { 'finding-severity-counts': { HIGH: countAbove0 } },
      ],
    },
  };
}

/**
 * Amazon Inspector's `Inspector2 Finding` event for an image of the repositories, CRITICAL or HIGH, while the
 * finding is ACTIVE (Inspector also sends CLOSED and SUPPRESSED updates):
 * https://docs.aws.amazon.com/inspector/latest/user/eventbridge-integration.html
 */
export function inspectorFindingPattern(repositories: RepositoryMatch): events.EventPattern {
  return {
    source: ['aws.inspector2'],
    detailType: ['Inspector2 Finding'],
    detail: {
      severity: ['CRITICAL', 'HIGH'],
      status: ['ACTIVE'],
      resources: {
        type: ['AWS_ECR_CONTAINER_IMAGE'],
        details: { awsEcrContainerImage: { repositoryName: [repositoryMatcher(repositories)] } },
      },
    },
  };
}

function repositoryMatcher(repositories: RepositoryMatch): unknown {
  return 'name' in repositories ? repositories.name : { prefix: `${repositories.prefix}/` };
}

class RegistryImageSource extends ImageSource {
  constructor(private readonly reference: string) {
    super();
  }

  public bind(scope: Construct, options: ImageSourceBindOptions = {}): BoundImage {
    const problems = new Problems();
    const parsed = Token.isUnresolved(this.reference) ? undefined : parseImageReference(this.reference);
    if (parsed && !parsed.ok) {
      problems.add(...parsed.problems.map((p) => `\`reference\` is not a pinned image reference: ${p}`));
    }
    problems.throwIfAny(scope);
    const reference = parsed?.ok ? parsed.reference : undefined;
    const ecrReference = reference?.ecr;
    let bound: BoundImageImpl;
    if (reference && ecrReference) {
      const repositoryArn = `arn:${Stack.of(scope).partition}:ecr:${ecrReference.region}:${ecrReference.account}:repository/${ecrReference.repositoryName}`;
      const repository = ecr.Repository.fromRepositoryAttributes(scope, 'ImageRepository', {
        repositoryName: ecrReference.repositoryName,
        repositoryArn,
      });
      // A reference with both a tag and a digest is pulled by its digest.
      const image = ecs.ContainerImage.fromEcrRepository(
        repository,
        (reference.digest ?? reference.tag) as string,
      );
      bound = new BoundImageImpl(scope, image, this.reference, {
        repositoryArn,
        actions: PULL_ACTIONS,
        repositories: { name: ecrReference.repositoryName },
      });
    } else {
      bound = new BoundImageImpl(scope, ecs.ContainerImage.fromRegistry(this.reference), this.reference);
    }
    if (options.alerts) {
      bound.sendFindingsTo(options.alerts);
    }
    return bound;
  }
}

class PrivateRepositoryImageSource extends ImageSource {
  constructor(private readonly options: PrivateRepositoryImageOptions) {
    super();
  }

  public bind(scope: Construct, options: ImageSourceBindOptions = {}): BoundImage {
    const problems = new Problems();
    problems.add(...tagOrDigestProblems(this.options.tagOrDigest));
    problems.throwIfAny(scope);
    const { repository } = this.options.repository;
    if (Stack.of(repository) === Stack.of(scope)) {
      Annotations.of(scope).addWarningV2(
        'secure-scheduling:image-repository-same-stack',
        'The image repository is in the same stack as the service that runs its image: on the first deployment the repository is empty and the tasks cannot start. Deploy the repository in a stack of its own first and push the image (docs/images.md).',
      );
    }
    const bound = new BoundImageImpl(
      scope,
      ecs.ContainerImage.fromEcrRepository(repository, this.options.tagOrDigest),
      this.options.repository.imageReference(this.options.tagOrDigest),
      {
        repositoryArn: repository.repositoryArn,
        actions: PULL_ACTIONS,
        repositories: { name: repository.repositoryName },
      },
    );
    if (options.alerts) {
      bound.sendFindingsTo(options.alerts);
    }
    return bound;
  }
}

class PullThroughCacheImageSource extends ImageSource {
  constructor(private readonly options: PullThroughCacheImageOptions) {
    super();
  }

  public bind(scope: Construct, options: ImageSourceBindOptions = {}): BoundImage {
    const o = this.options;
    const upstream = UPSTREAM_REGISTRIES[o.upstreamRegistry];
    const prefix = o.repositoryPrefix ?? upstream?.prefix;
    const maxImageCount = o.maxImageCount ?? DEFAULT_MAX_IMAGE_COUNT;
    const untaggedImageExpiry = o.untaggedImageExpiry ?? DEFAULT_UNTAGGED_IMAGE_EXPIRY;
    const problems = new Problems();
    problems.check(
      upstream === undefined,
      `\`upstreamRegistry\` must be one of ${Object.keys(UPSTREAM_REGISTRIES).join(', ')}, got '${o.upstreamRegistry}'`,
    );
    if (prefix !== undefined && !Token.isUnresolved(prefix)) {
      problems.check(
        !REPOSITORY_PREFIX.test(prefix) ||
          prefix.length < REPOSITORY_PREFIX_LENGTH.min ||
          prefix.length > REPOSITORY_PREFIX_LENGTH.max,
        `\`repositoryPrefix\` must be ${REPOSITORY_PREFIX_LENGTH.min} to ${REPOSITORY_PREFIX_LENGTH.max} lower-case letters, digits, '.', '_', '-' and '/', got '${prefix}'`,
      );
    }
    const upstreamReference = parseImageReference(
      `${o.upstreamRepository}${tagOrDigestSuffix(o.tagOrDigest)}`,
    );
    if (!upstreamReference.ok) {
      problems.add(
        ...upstreamReference.problems.map(
          (p) => `\`upstreamRepository\` and \`tagOrDigest\` do not make a pinned image: ${p}`,
        ),
      );
    } else {
      problems.check(
        o.upstreamRepository.split('/')[0].includes('.'),
        `\`upstreamRepository\` must be a path in the upstream registry, without a registry host, got '${o.upstreamRepository}'`,
      );
    }
    const secret = o.credentialSecretArn;
    problems.check(
      upstream?.needsCredentials === true && secret === undefined,
      `\`credentialSecretArn\` is required for ${o.upstreamRegistry}: ECR authenticates to it with a Secrets Manager secret named ecr-pullthroughcache/...`,
    );
    problems.check(
      secret !== undefined && !Token.isUnresolved(secret) && !PULL_THROUGH_CACHE_SECRET.test(secret),
      `\`credentialSecretArn\` must be the ARN of a Secrets Manager secret whose name starts with ecr-pullthroughcache/, got '${secret}'`,
    );
    lifecycleProblems(problems, maxImageCount, untaggedImageExpiry);
    problems.throwIfAny(scope);

    const stack = Stack.of(scope);
    const cacheScope = new Construct(scope, 'PullThroughCache');
    const rule = new ecr.CfnPullThroughCacheRule(cacheScope, 'Rule', {
      ecrRepositoryPrefix: prefix,
      upstreamRegistry: o.upstreamRegistry,
      upstreamRegistryUrl: upstream.url,
      credentialArn: secret,
    });
    const key =
      o.encryptionKey ??
      new SeparatedDutiesKey(cacheScope, 'Key', {
        description: 'Encrypts the images the secure-scheduling pull through cache stores',
        enableKeyRotation: true,
        removalPolicy: RemovalPolicy.RETAIN,
        // Amazon ECR attaches the key to the repository it creates, and retires that grant, with its creator's
        // credentials (Amazon ECR User Guide, encryption-at-rest.html).
        usableThrough: ['ecr'],
      });
    // The repository ECR creates for the image: its name and ARN, known before it exists.
    const repositoryName = `${prefix}/${o.upstreamRepository}`;
    const repositoryArn = stack.formatArn({
      service: 'ecr',
      resource: 'repository',
      resourceName: repositoryName,
    });
    // A template that encrypts with a KMS key needs a role ECR assumes to create the repository: the policy AWS
    // documents, narrowed to this repository and this key.
    // https://docs.aws.amazon.com/AmazonECR/latest/userguide/repository-creation-templates-create-iam.html
    const creationRole = new ManagedPolicyRole(cacheScope, 'RepositoryCreationRole', {
      assumedBy: new iam.ServicePrincipal('ecr.amazonaws.com'),
      description: `Lets Amazon ECR create the ${repositoryName} cache repository encrypted with its key`,
    });
    creationRole.addToPrincipalPolicy(
      new iam.PolicyStatement({ actions: ['ecr:CreateRepository'], resources: [repositoryArn] }),
    );
    creationRole.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions: ['kms:CreateGrant', 'kms:RetireGrant', 'kms:DescribeKey'],
        resources: [key.keyArn],
      }),
    );
    const template = new ecr.CfnRepositoryCreationTemplate(cacheScope, 'RepositoryTemplate', {
      prefix,
      appliedFor: ['PULL_THROUGH_CACHE'],
      description: `Settings of the repositories the ${prefix} pull through cache rule creates`,
      imageTagMutability: 'IMMUTABLE',
      encryptionConfiguration: { encryptionType: 'KMS', kmsKey: key.keyArn },
      lifecyclePolicy: lifecyclePolicyText(maxImageCount, untaggedImageExpiry),
      customRoleArn: creationRole.roleArn,
    });
    // The template must exist before the first pull creates the repository, so before the rule serves.
    rule.node.addDependency(template);
    if (o.enhancedScanning) {
      enhancedScanning(cacheScope, `${prefix}/*`);
    }

    const imageReference = `${stack.account}.dkr.ecr.${stack.region}.${stack.urlSuffix}/${repositoryName}${tagOrDigestSuffix(o.tagOrDigest)}`;
    const bound: BoundImageImpl = new BoundImageImpl(
      scope,
      new PullThroughCacheImage(imageReference, (): BoundImage => bound, rule),
      imageReference,
      {
        repositoryArn,
        actions: [...PULL_ACTIONS, ...FIRST_PULL_THROUGH_CACHE_ACTIONS],
        repositories: { prefix },
      },
    );
    if (options.alerts) {
      bound.sendFindingsTo(options.alerts);
    }
    return bound;
  }
}

/** An image pulled through a cache rule: grants the execution role its pull, like an ECR image does. */
class PullThroughCacheImage extends ecs.ContainerImage {
  constructor(
    private readonly imageName: string,
    private readonly bound: () => BoundImage,
    private readonly rule: ecr.CfnPullThroughCacheRule,
  ) {
    super();
  }

  public bind(_scope: Construct, containerDefinition: ecs.ContainerDefinition): ecs.ContainerImageConfig {
    this.bound().grantPull(containerDefinition.taskDefinition.obtainExecutionRole());
    // Tasks start only once the rule (and its template) exist.
    containerDefinition.taskDefinition.node.addDependency(this.rule);
    return { imageName: this.imageName };
  }
}

function enhancedScanning(scope: Construct, filter: string): ecr.CfnRegistryScanningConfiguration {
  return new ecr.CfnRegistryScanningConfiguration(scope, 'RegistryScanning', {
    scanType: 'ENHANCED',
    rules: [{ scanFrequency: 'CONTINUOUS_SCAN', repositoryFilters: [{ filter, filterType: 'WILDCARD' }] }],
  });
}

/**
 * The lifecycle policy of a repository: untagged images expire after `untaggedExpiry`, and of all images the
 * last `maxImageCount` are kept. ECR requires the rule on any tag status to have the highest rule priority:
 * https://docs.aws.amazon.com/AmazonECR/latest/userguide/LifecyclePolicies.html
 */
export function lifecyclePolicyText(maxImageCount: number, untaggedExpiry: Duration): string {
  return JSON.stringify({
    rules: [
      {
        rulePriority: 1,
        description: `Expire untagged images after ${untaggedExpiry.toDays()} days`,
        selection: {
          tagStatus: 'untagged',
          countType: 'sinceImagePushed',
          countUnit: 'days',
          countNumber: untaggedExpiry.toDays(),
        },
        action: { type: 'expire' },
      },
      {
        rulePriority: 2,
        description: `Keep the last ${maxImageCount} images`,
        selection: { tagStatus: 'any', countType: 'imageCountMoreThan', countNumber: maxImageCount },
        action: { type: 'expire' },
      },
    ],
  });
}

function lifecycleProblems(problems: Problems, maxImageCount: number, untaggedExpiry: Duration): void {
  problems.check(
    !Token.isUnresolved(maxImageCount) && (!Number.isInteger(maxImageCount) || maxImageCount < 1),
    `\`maxImageCount\` must be a whole number of images, at least 1, got ${maxImageCount}`,
  );
  const days = untaggedExpiry.toDays({ integral: false });
  problems.check(
    !Number.isInteger(days) || days < 1,
    `\`untaggedImageExpiry\` must be a whole number of days, at least 1, got ${untaggedExpiry.toHumanString()}`,
  );
}

/** `:tag` or `@sha256:...`, as it follows a repository name. */
function tagOrDigestSuffix(tagOrDigest: string): string {
  return /^[A-Za-z][A-Za-z0-9+._-]*:/.test(tagOrDigest) ? `@${tagOrDigest}` : `:${tagOrDigest}`;
}

function tagOrDigestProblems(tagOrDigest: string): string[] {
  if (Token.isUnresolved(tagOrDigest)) {
    return [];
  }
  const parsed = parseImageReference(`repository${tagOrDigestSuffix(tagOrDigest)}`);
  return parsed.ok ? [] : parsed.problems.map((p) => `\`tagOrDigest\` is not a pinned version: ${p}`);
}
