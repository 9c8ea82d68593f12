/**
 * Container image references, parsed by the grammar of the distribution project's `reference` package, which
 * Docker, containerd and the OCI registries share
 * (https://github.com/distribution/reference/blob/v0.5.0/reference.go#L4-L26):
 *
 *     reference       := name [ ":" tag ] [ "@" digest ]
 *     name            := [domain '/'] remote-name
 *     domain          := host [':' port-number]
 *     host            := domain-name | IPv4address | \[ IPv6address \]
 *     domain-name     := domain-component ['.' domain-component]*
 *     domain-component:= /([a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])/
 *     port-number     := /[0-9]+/
 *     path-component  := alpha-numeric [separator alpha-numeric]*
 *     remote-name     := path-component ['/' path-component]*
 *     alpha-numeric   := /[a-z0-9]+/
 *     separator       := /[_.]|__|[-]+/
 *     tag             := /[\w][\w.-]{0,127}/
 *     digest          := digest-algorithm ":" digest-hex
 *
 * A digest names its algorithm; the OCI image specification registers sha256 (exactly 64 lower-case hex digits)
 * and sha512 (exactly 128) and no other
 * (https://github.com/opencontainers/image-spec/blob/v1.1.0/descriptor.md#registered-algorithms).
 * The first component of a name is a registry only when it holds a `.` or a `:` or is `localhost`, as Docker
 * splits names (https://github.com/distribution/reference/blob/v0.5.0/normalize.go); otherwise the image is on
 * Docker Hub (`docker.io`), and a one-component name is an official image under `library/`.
 *
 * Beyond the grammar, an image this project runs must be pinned: a reference with neither tag nor digest, or
 * with the tag `latest`, is refused (checklist C4).
 */

/** A parsed, pinned image reference. */
export interface ImageReference {
  /** The registry host (and port), `docker.io` for a Docker Hub name. */
  readonly registry: string;
  /** The repository path within the registry (`library/nginx` for the Docker Hub name `nginx`). */
  readonly repository: string;
  /** The tag, when the reference has one. */
  readonly tag?: string;
  /** The digest (`sha256:<64 hex>` or `sha512:<128 hex>`), when the reference has one. */
  readonly digest?: string;
  /** The Amazon ECR private repository the reference names, when its registry is one. */
  readonly ecr?: { readonly account: string; readonly region: string; readonly repositoryName: string };
}

/** What `parseImageReference` found: the reference, or every problem with it. */
export type ParsedImageReference =
  | { readonly ok: true; readonly reference: ImageReference }
  | { readonly ok: false; readonly problems: readonly string[] };

/** Docker's registry name for Docker Hub, and the aliases that mean the same registry. */
export const DOCKER_HUB_REGISTRY = 'docker.io';
const DOCKER_HUB_ALIASES = ['docker.io', 'index.docker.io', 'registry-1.docker.io'];
/** `NameTotalLengthMax` of the distribution grammar. */
const MAX_NAME_LENGTH = 255;

const PATH_COMPONENT = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/;
const DOMAIN_COMPONENT = /^(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])$/;
const IPV6_HOST = /^\[[a-fA-F0-9:]+\]$/;
const PORT = /^[0-9]+$/;
const TAG = /^[\w][\w.-]{0,127}$/;
const DIGEST_ALGORITHM = /^[A-Za-z][A-Za-z0-9]*(?:[+._-][A-Za-z][A-Za-z0-9]*)*$/;
/** Hex digits each registered OCI digest algorithm has. */
const DIGEST_HEX_LENGTH: Readonly<Record<string, number>> = { sha256: 64, sha512: 128 };
/** Amazon ECR private registries: `<account>.dkr.ecr.<region>.amazonaws.com` (`.com.cn` in China). */
const ECR_REGISTRY = /^(\d{12})\.dkr\.ecr\.([a-z0-9-]+)\.amazonaws\.com(?:\.cn)?$/;

/**
 * Parses `reference` by the distribution grammar and requires it pinned (a tag other than `latest`, or a
 * digest). Reports every problem found, each naming the part that is wrong.
 */
export function parseImageReference(reference: string): ParsedImageReference {
  const fail = (...problems: string[]): ParsedImageReference => ({ ok: false, problems });
  if (reference === '') {
    return fail('the image reference is empty');
  }
  if (/\s/.test(reference)) {
    return fail(`the image reference '${reference}' must not contain whitespace`);
  }
  const scheme = /^([a-zA-Z][a-zA-Z0-9+.-]*):\/\//.exec(reference);
  if (scheme) {
    return fail(
      `the image reference '${reference}' must not start with a scheme ('${scheme[1]}://'): write the registry host alone, as in ghcr.io/owner/image:1.0`,
    );
  }

  const problems: string[] = [];
  const at = reference.indexOf('@');
  const name = at === -1 ? reference : reference.slice(0, at);
  const digest = at === -1 ? undefined : reference.slice(at + 1);
  if (digest !== undefined) {
    problems.push(...digestProblems(digest));
  }

  const lastSlash = name.lastIndexOf('/');
  const colon = name.indexOf(':', lastSlash + 1);
  const repositoryPart = colon === -1 ? name : name.slice(0, colon);
  const tag = colon === -1 ? undefined : name.slice(colon + 1);
  if (tag !== undefined) {
    if (tag === '') {
      problems.push(`the tag of '${reference}' is empty: write a version after the ':'`);
    } else if (!TAG.test(tag)) {
      problems.push(
        `the tag '${tag}' must be 1 to 128 letters, digits, '_', '.' or '-', starting with a letter, digit or '_'`,
      );
    } else if (tag === 'latest') {
      problems.push(
        `the tag 'latest' of '${reference}' moves to whatever is pushed next: pin a version tag or a digest (checklist C4)`,
      );
    }
  }
  if (tag === undefined && digest === undefined) {
    problems.push(
      `the image reference '${reference}' has neither tag nor digest, so it means 'latest': pin a version tag or a digest (checklist C4)`,
    );
  }

  const components = repositoryPart.split('/');
  const first = components[0];
  const hasDomain =
    components.length > 1 && (first.includes('.') || first.includes(':') || first === 'localhost');
  const domain = hasDomain ? first : undefined;
  const path = hasDomain ? components.slice(1) : components;
  if (domain !== undefined) {
    problems.push(...domainProblems(domain));
  }
  problems.push(...pathProblems(path));
  if (repositoryPart.length > MAX_NAME_LENGTH) {
    problems.push(
      `the name of '${reference}' must be at most ${MAX_NAME_LENGTH} characters, got ${repositoryPart.length}`,
    );
  }
  if (problems.length > 0) {
    return { ok: false, problems };
  }

  const onDockerHub = domain === undefined || DOCKER_HUB_ALIASES.includes(domain);
  const registry = onDockerHub ? DOCKER_HUB_REGISTRY : (domain as string);
  const repository = onDockerHub && path.length === 1 ? `library/${path[0]}` : path.join('/');
  const ecr = ECR_REGISTRY.exec(registry);
  return {
    ok: true,
    reference: {
      registry,
      repository,
      ...(tag !== undefined ? { tag } : {}),
      ...(digest !== undefined ? { digest } : {}),
      ...(ecr ? { ecr: { account: ecr[1], region: ecr[2], repositoryName: repository } } : {}),
    },
  };
}

function digestProblems(digest: string): string[] {
  const colon = digest.indexOf(':');
  const algorithm = colon === -1 ? digest : digest.slice(0, colon);
  const hex = colon === -1 ? '' : digest.slice(colon + 1);
  if (colon === -1 || !DIGEST_ALGORITHM.test(algorithm)) {
    return [`the digest '${digest}' must be an algorithm and hex digits, as in sha256:<64 hex digits>`];
  }
  const length = DIGEST_HEX_LENGTH[algorithm];
  if (length === undefined) {
    return [
      `the digest '${digest}' uses '${algorithm}': the registered digest algorithms are ${Object.keys(DIGEST_HEX_LENGTH).join(' and ')}`,
    ];
  }
  if (!new RegExp(`^[a-f0-9]{${length}}$`).test(hex)) {
    const what = /^[a-fA-F0-9]*$/.test(hex) && /[A-F]/.test(hex) ? ', in lower case' : '';
    return [
      `the digest '${digest}' must be ${algorithm}: followed by exactly ${length} hex digits${what}, got ${hex.length} characters`,
    ];
  }
  return [];
}

function domainProblems(domain: string): string[] {
  const colon = domain.startsWith('[') ? domain.indexOf(':', domain.indexOf(']')) : domain.indexOf(':');
  const host = colon === -1 ? domain : domain.slice(0, colon);
  const port = colon === -1 ? undefined : domain.slice(colon + 1);
  const problems: string[] = [];
  const validHost = IPV6_HOST.test(host) || host.split('.').every((c) => DOMAIN_COMPONENT.test(c));
  if (!validHost) {
    problems.push(
      `the registry host '${host}' must be a host name (letters, digits and '-' between dots), an IPv4 address or a bracketed IPv6 address`,
    );
  }
  if (port !== undefined && !PORT.test(port)) {
    problems.push(`the registry port '${port}' must be a number`);
  }
  return problems;
}

function pathProblems(path: readonly string[]): string[] {
  const repository = path.join('/');
  if (path.some((c) => c === '')) {
    return [
      `the repository '${repository}' has an empty path component (a leading, trailing or doubled '/')`,
    ];
  }
  const bad = path.filter((c) => !PATH_COMPONENT.test(c));
  if (bad.length === 0) {
    return [];
  }
  if (bad.every((c) => PATH_COMPONENT.test(c.toLowerCase()))) {
    return [
      `the repository '${repository}' must be lower case (got '${bad.join("', '")}'): registries refuse upper-case repository names`,
    ];
  }
  return [
    `the repository '${repository}' has components that are not lower-case letters and digits joined by '.', '_', '__' or '-': '${bad.join("', '")}'`,
  ];
}

/** The parts of an Amazon ECR image reference, or undefined for any other registry or a bad reference. */
export function parseEcrReference(
  image: string,
): { account: string; region: string; repositoryName: string; tagOrDigest: string } | undefined {
  const parsed = parseImageReference(image);
  if (!parsed.ok || !parsed.reference.ecr) {
    return undefined;
  }
  const { ecr, digest, tag } = parsed.reference;
  // A reference with both is pulled by its digest (the tag is then only a label).
  return { ...ecr, tagOrDigest: (digest ?? tag) as string };
}

/** True when `reference` parses and is pinned by a digest, as production images should be. */
export function isPinnedByDigest(reference: string): boolean {
  const parsed = parseImageReference(reference);
  return parsed.ok && parsed.reference.digest !== undefined;
}

/**
 * An image reference pinned by a digest, or by a tag that is not `latest` (checklist C4).
 *
 * `reference` is a whole reference, or the literal tail of one that CloudFormation completes at deploy time
 * (an ECR repository URI built from tokens leaves `/calcom@sha256:...` or `:v1.2.3` as its last literal piece).
 * A tail, which starts with `/`, `:` or `@`, is judged on its last path component, tag and digest.
 */
export function isPinnedImage(reference: string): boolean {
  if (/^[/:@]/.test(reference)) {
    const tail = reference.slice(reference.lastIndexOf('/', reference.search(/[:@]|$/)) + 1);
    return parseImageReference(`tail/${tail.startsWith(':') || tail.startsWith('@') ? `x${tail}` : tail}`).ok;
  }
  return parseImageReference(reference).ok;
}
