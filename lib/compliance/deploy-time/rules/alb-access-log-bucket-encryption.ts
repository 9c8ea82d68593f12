import {
  CfnTemplate,
  DeployTimeFinding,
  finding,
  literalString,
  propsOf,
  referencedId,
  resourcesOfType,
  TemplateResource,
} from '../template';

/** The one default encryption Elastic Load Balancing can deliver access logs under (SSE-S3). */
const SSE_S3 = 'AES256';

/** The logical ids of the buckets that receive the access logs of the load balancers of the template. */
export function accessLogBuckets(template: CfnTemplate): Array<[string, string]> {
  return resourcesOfType(template, 'AWS::ElasticLoadBalancingV2::LoadBalancer').flatMap(([lbId, lb]) => {
    const attributes = propsOf(lb).LoadBalancerAttributes;
    const list = (Array.isArray(attributes) ? attributes : []) as Array<{ Key?: unknown; Value?: unknown }>;
    const enabled = list.some((a) => a.Key === 'access_logs.s3.enabled' && String(a.Value) === 'true');
    const bucket = referencedId(list.find((a) => a.Key === 'access_logs.s3.bucket')?.Value);
    return enabled && bucket ? [[lbId, bucket] as [string, string]] : [];
  });
}

/** The default encryption algorithms of a bucket (empty when it sets none: S3 then applies SSE-S3). */
function encryptionAlgorithms(bucket: TemplateResource): string[] {
  const config = (
    propsOf(bucket).BucketEncryption as { ServerSideEncryptionConfiguration?: unknown } | undefined
  )?.ServerSideEncryptionConfiguration;
  return (Array.isArray(config) ? config : []).map(
    (rule) =>
      literalString(
        (rule as { ServerSideEncryptionByDefault?: { SSEAlgorithm?: unknown } }).ServerSideEncryptionByDefault
          ?.SSEAlgorithm,
      ) ?? '?',
  );
}

/** A bucket that receives load balancer access logs is encrypted with SSE-S3, not with KMS. */
export function albAccessLogBucketEncryption(template: CfnTemplate): DeployTimeFinding[] {
  return accessLogBuckets(template).flatMap(([lbId, bucketId]) => {
    const bucket = template.Resources?.[bucketId];
    if (bucket?.Type !== 'AWS::S3::Bucket') return [];
    const other = encryptionAlgorithms(bucket).filter((a) => a !== SSE_S3);
    return other.length === 0
      ? []
      : [
          finding(
            bucketId,
            `receives the access logs of ${lbId} but is encrypted with ${other.join(', ')}; only SSE-S3 (AES256) is supported`,
          ),
        ];
  });
}
