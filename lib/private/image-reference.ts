/** The parts of an Amazon ECR image reference, or undefined for any other registry. */
export function parseEcrReference(
  image: string,
): { account: string; region: string; repositoryName: string; tagOrDigest: string } | undefined {
  const match =
    /^(\d{12})\.dkr\.ecr\.([a-z0-9-]+)\.amazonaws\.com(?:\.cn)?\/([a-z0-9][a-z0-9._/-]*)(?::([\w][\w.-]{0,127})|@(sha256:[0-9a-f]{64}))$/.exec(
      image,
    );
  if (!match) {
    return undefined;
  }
  const [, account, region, repositoryName, tag, digest] = match;
  return { account, region, repositoryName, tagOrDigest: tag ?? digest };
}

/** An image reference pinned by a digest, or by a tag that is not `latest` (checklist C4). */
export function isPinnedImage(reference: string): boolean {
  if (/@sha256:[0-9a-f]{64}$/.test(reference)) {
    return true;
  }
  const lastSegment = reference.split('/').pop() ?? '';
  const tag = lastSegment.includes(':') ? lastSegment.split(':').pop() : undefined;
  return tag !== undefined && tag !== '' && tag.toLowerCase() !== 'latest';
}
