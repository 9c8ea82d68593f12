import { RegionInfo } from 'aws-cdk-lib/region-info';
import {
  asList,
  CfnTemplate,
  DeployTimeContext,
  DeployTimeFinding,
  finding,
  literalString,
  propsOf,
  referencedId,
  resourcesOfType,
} from '../template';
import { accessLogBuckets } from './alb-access-log-bucket-encryption';

/** The principal that delivers access logs in Regions opened in August 2022 or later. */
export const ELB_LOG_DELIVERY_SERVICE = 'logdelivery.elasticloadbalancing.amazonaws.com';

/**
 * The principals a bucket policy may name to admit the log delivery of `region`'s load balancers: the
 * Region's Elastic Load Balancing account where it has one (Regions opened before August 2022), and the log
 * delivery service principal (documented for the newer Regions; accepted everywhere here, since the
 * documentation does not say an older Region refuses it). Without a known Region, any account.
 */
export function logDeliveryPrincipals(region: string | undefined): {
  accounts: string[];
  services: string[];
} {
  const account = region ? RegionInfo.get(region).elbv2Account : undefined;
  return { accounts: account ? [account] : region ? [] : ['*'], services: [ELB_LOG_DELIVERY_SERVICE] };
}

/** Whether a policy statement allows `s3:PutObject` to one of `principals`. */
function admits(
  statement: Record<string, unknown>,
  principals: { accounts: string[]; services: string[] },
): boolean {
  if (statement.Effect !== 'Allow') return false;
  const actions = asList(statement.Action).map((a) => literalString(a));
  if (!actions.some((a) => a === 's3:PutObject' || a === 's3:*' || a === '*')) return false;
  const principal = (statement.Principal ?? {}) as Record<string, unknown>;
  const services = asList(principal.Service).map((s) => literalString(s));
  const accounts = asList(principal.AWS)
    .map((a) => literalString(a))
    .map((a) => a?.match(/^(?:arn:[^:]+:iam::)?(\d{12})(?::root)?$/)?.[1]);
  return (
    services.some((s) => s !== undefined && principals.services.includes(s)) ||
    accounts.some(
      (a) => a !== undefined && (principals.accounts.includes(a) || principals.accounts.includes('*')),
    )
  );
}

/** The bucket policy of a bucket receiving load balancer access logs admits the Region's log delivery. */
export function albAccessLogBucketPolicy(
  template: CfnTemplate,
  context: DeployTimeContext,
): DeployTimeFinding[] {
  const principals = logDeliveryPrincipals(context.region);
  const policies = resourcesOfType(template, 'AWS::S3::BucketPolicy');
  return accessLogBuckets(template).flatMap(([lbId, bucketId]) => {
    const statements = policies
      .filter(([, p]) => referencedId(propsOf(p).Bucket) === bucketId)
      .flatMap(([, p]) =>
        asList((propsOf(p).PolicyDocument as { Statement?: unknown } | undefined)?.Statement),
      )
      .filter((s): s is Record<string, unknown> => s !== null && typeof s === 'object');
    if (statements.some((s) => admits(s, principals))) return [];
    const expected = [
      ...principals.accounts.filter((a) => a !== '*').map((a) => `account ${a}`),
      ...principals.services,
    ].join(' or ');
    return [
      finding(
        bucketId,
        `receives the access logs of ${lbId} but its bucket policy does not allow s3:PutObject to ${expected || 'the log delivery principal'}`,
      ),
    ];
  });
}
