import {
  ImageReference,
  isPinnedByDigest,
  isPinnedImage,
  parseEcrReference,
  parseImageReference,
} from '../../lib/private/image-reference';

const SHA256 = `sha256:${'0123456789abcdef'.repeat(4)}`;
const SHA512 = `sha512:${'fedcba9876543210'.repeat(8)}`;
const ECR = '123456789012.dkr.ecr.eu-west-1.amazonaws.com';

describe('parseImageReference', () => {
  describe('accepts references of the distribution grammar that are pinned', () => {
    const good: [string, string, ImageReference][] = [
      [
        'a Docker Hub name with a namespace',
        'calcom/cal.com:v5.5.0',
        { registry: 'docker.io', repository: 'calcom/cal.com', tag: 'v5.5.0' },
      ],
      [
        'a Docker Hub official image, under library/',
        'nginx:1.27',
        { registry: 'docker.io', repository: 'library/nginx', tag: '1.27' },
      ],
      [
        'Docker Hub written out',
        'docker.io/library/postgres:16.4',
        { registry: 'docker.io', repository: 'library/postgres', tag: '16.4' },
      ],
      [
        "Docker Hub's index alias, official image",
        'index.docker.io/nginx:1.27',
        { registry: 'docker.io', repository: 'library/nginx', tag: '1.27' },
      ],
      [
        'GitHub Container Registry',
        'ghcr.io/calcom/cal.com:v5.5.0',
        { registry: 'ghcr.io', repository: 'calcom/cal.com', tag: 'v5.5.0' },
      ],
      [
        'Amazon ECR Public, three components',
        'public.ecr.aws/docker/library/nginx:1.27-alpine',
        { registry: 'public.ecr.aws', repository: 'docker/library/nginx', tag: '1.27-alpine' },
      ],
      [
        'Quay',
        'quay.io/prometheus/node-exporter:v1.8.2',
        { registry: 'quay.io', repository: 'prometheus/node-exporter', tag: 'v1.8.2' },
      ],
      [
        'Amazon ECR private, by digest',
        `${ECR}/calcom@${SHA256}`,
        {
          registry: ECR,
          repository: 'calcom',
          digest: SHA256,
          ecr: { account: '123456789012', region: 'eu-west-1', repositoryName: 'calcom' },
        },
      ],
      [
        'Amazon ECR private in China, nested repository, by tag',
        '123456789012.dkr.ecr.cn-north-1.amazonaws.com.cn/team/app:1.0',
        {
          registry: '123456789012.dkr.ecr.cn-north-1.amazonaws.com.cn',
          repository: 'team/app',
          tag: '1.0',
          ecr: { account: '123456789012', region: 'cn-north-1', repositoryName: 'team/app' },
        },
      ],
      [
        'a registry with a port',
        'registry.example.com:8443/team/app_name:v1',
        { registry: 'registry.example.com:8443', repository: 'team/app_name', tag: 'v1' },
      ],
      [
        'localhost with a port',
        'localhost:5000/app:2024.10.01',
        { registry: 'localhost:5000', repository: 'app', tag: '2024.10.01' },
      ],
      [
        'an IPv4 registry',
        '192.168.0.1:5000/app:v1',
        { registry: '192.168.0.1:5000', repository: 'app', tag: 'v1' },
      ],
      ['an IPv6 registry', '[::1]:5000/app:v1', { registry: '[::1]:5000', repository: 'app', tag: 'v1' }],
      [
        'tag and digest',
        `calcom/cal.com:v5.5.0@${SHA256}`,
        { registry: 'docker.io', repository: 'calcom/cal.com', tag: 'v5.5.0', digest: SHA256 },
      ],
      [
        'a sha512 digest',
        `ghcr.io/owner/image@${SHA512}`,
        { registry: 'ghcr.io', repository: 'owner/image', digest: SHA512 },
      ],
      [
        "every separator: '.', '_', '__' and dashes",
        'my__app/sub.name-x--y_z:1_0.A-b',
        { registry: 'docker.io', repository: 'my__app/sub.name-x--y_z', tag: '1_0.A-b' },
      ],
      [
        'a tag of the longest length (128)',
        `app:${'t'.repeat(128)}`,
        { registry: 'docker.io', repository: 'library/app', tag: 't'.repeat(128) },
      ],
    ];
    test.each(good)('%s: %s', (_, reference, expected) => {
      expect(parseImageReference(reference)).toEqual({ ok: true, reference: expected });
    });
  });

  describe('refuses bad references, naming the part that is wrong', () => {
    const bad: [string, string, RegExp][] = [
      ['a truncated digest', `calcom/cal.com@sha256:abc123`, /digest 'sha256:abc123' .*exactly 64 hex/],
      ['a digest one digit short', `app@${SHA256.slice(0, -1)}`, /exactly 64 hex digits, got 63/],
      ['a sha512 digest of sha256 length', `app@sha512:${'a'.repeat(64)}`, /exactly 128 hex digits/],
      ['an upper-case digest', `app@sha256:${'A'.repeat(64)}`, /in lower case/],
      [
        'an unregistered algorithm',
        `app@md5:${'a'.repeat(32)}`,
        /'md5': the registered .* sha256 and sha512/,
      ],
      ['a digest with no algorithm', 'app@0123abcd', /must be an algorithm and hex digits/],
      ['two digests', `app@${SHA256}@${SHA256}`, /digest/],
      [
        'an upper-case repository',
        'CalCom/cal.com:v1',
        /repository 'CalCom\/cal.com' must be lower case \(got 'CalCom'\)/,
      ],
      [
        'an upper-case repository at a registry',
        'ghcr.io/Owner/Image:1',
        /must be lower case \(got 'Owner', 'Image'\)/,
      ],
      ['an empty tag', 'calcom/cal.com:', /tag of 'calcom\/cal.com:' is empty/],
      ['latest', 'calcom/cal.com:latest', /tag 'latest' .* moves/],
      ['no tag and no digest', 'calcom/cal.com', /neither tag nor digest/],
      ['whitespace', 'calcom/cal.com: v1', /must not contain whitespace/],
      ['a trailing newline', 'calcom/cal.com:v1\n', /must not contain whitespace/],
      ['a scheme', 'https://ghcr.io/owner/image:1.0', /must not start with a scheme \('https:\/\/'\)/],
      ['a tag starting with a dash', 'app:-v1', /the tag '-v1' must be/],
      ['a tag too long', `app:${'t'.repeat(129)}`, /the tag 't+' must be 1 to 128/],
      ['an empty path component', 'ghcr.io/owner//image:1', /empty path component/],
      [
        'doubled dots in a component',
        'calcom/cal..com:v1',
        /not lower-case letters and digits .* 'cal..com'/,
      ],
      [
        'a port that is not a number',
        'registry.example.com:http/app:v1',
        /registry port 'http' must be a number/,
      ],
      ['a host starting with a dash', '-bad.example.com/app:v1', /registry host '-bad.example.com'/],
      ['an empty reference', '', /empty/],
      ['a name too long', `${'a'.repeat(256)}:v1`, /at most 255 characters, got 256/],
    ];
    test.each(bad)('%s: %j', (_, reference, problem) => {
      const parsed = parseImageReference(reference);
      expect(parsed.ok).toBe(false);
      if (!parsed.ok) {
        expect(parsed.problems.join('\n')).toMatch(problem);
      }
    });

    test('reports every problem at once', () => {
      const parsed = parseImageReference(`CalCom/app:latest@sha256:abc`);
      expect(parsed.ok).toBe(false);
      expect(parsed.ok ? [] : parsed.problems).toHaveLength(3);
    });
  });
});

describe('parseEcrReference', () => {
  test('gives the account, region, repository and the digest it is pulled by', () => {
    expect(parseEcrReference(`${ECR}/team/calcom:v5.5.0@${SHA256}`)).toEqual({
      account: '123456789012',
      region: 'eu-west-1',
      repositoryName: 'team/calcom',
      tagOrDigest: SHA256,
    });
    expect(parseEcrReference(`${ECR}/calcom:v5.5.0`)?.tagOrDigest).toBe('v5.5.0');
  });

  test('is undefined for another registry, and for a bad ECR reference', () => {
    expect(parseEcrReference('ghcr.io/calcom/cal.com:v5.5.0')).toBeUndefined();
    expect(parseEcrReference(`${ECR}/calcom@sha256:abc`)).toBeUndefined();
    expect(parseEcrReference(`${ECR}/CalCom:v1`)).toBeUndefined();
    // Not an ECR host: the account is 11 digits.
    expect(parseEcrReference(`12345678901.dkr.ecr.eu-west-1.amazonaws.com/calcom:v1`)).toBeUndefined();
  });
});

describe('isPinnedImage and isPinnedByDigest', () => {
  test.each([
    ['calcom/cal.com:v5.5.0', true, false],
    [`calcom/cal.com@${SHA256}`, true, true],
    [`calcom/cal.com:v5.5.0@${SHA256}`, true, true],
    ['calcom/cal.com:latest', false, false],
    ['calcom/cal.com', false, false],
    [`calcom/cal.com@sha256:${'a'.repeat(63)}`, false, false],
    ['CalCom/cal.com:v1', false, false],
  ])('%s: pinned %s, by digest %s', (reference, pinned, byDigest) => {
    expect(isPinnedImage(reference)).toBe(pinned);
    expect(isPinnedByDigest(reference)).toBe(byDigest);
  });

  test.each([
    [`/calcom@${SHA256}`, true],
    [`@${SHA256}`, true],
    [':v5.5.0', true],
    ['/team/app:1.0', true],
    [':latest', false],
    ['/calcom', false],
    [`@sha256:${'a'.repeat(10)}`, false],
    ['', false],
  ])('the literal tail %j of a CloudFormation-built URI: pinned %s', (tail, pinned) => {
    expect(isPinnedImage(tail)).toBe(pinned);
  });
});
