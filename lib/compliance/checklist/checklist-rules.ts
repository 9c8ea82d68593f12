import { CfnResource } from 'aws-cdk-lib';
import { NagMessageLevel, NagRuleResult } from 'cdk-nag';
import { ChecklistItem } from '../acknowledgements';
import { certificateKeyStrength } from './rules/certificate-key-strength';
import { containerImagePinned } from './rules/container-image-pinned';
import { containerTlsVerification } from './rules/container-tls-verification';
import { egressNamedPorts } from './rules/egress-named-ports';
import { fargateLatestPlatform } from './rules/fargate-latest-platform';
import { httpListenerRedirectsOnly } from './rules/http-listener-redirects-only';
import { httpsListenerHsts } from './rules/https-listener-hsts';
import { httpsListenerTlsPolicy } from './rules/https-listener-tls-policy';
import { loadBalancerWebAcl } from './rules/load-balancer-web-acl';
import { logGroupRetentionCeiling } from './rules/log-group-retention-ceiling';
import { noPublicIpOnTasks } from './rules/no-public-ip-on-tasks';
import { wafLoggingRedactsCredentials } from './rules/waf-logging-redacts-credentials';

/** One rule of the scheduling checklist pack: what it checks, why, and which checklist item it serves. */
export interface ChecklistRule {
  /** Rule id within the pack; reported as `SchedulingChecklist-<id>`. */
  readonly id: string;
  /** ERROR for the checklist's musts, WARN for its shoulds. */
  readonly level: NagMessageLevel;
  /** The checklist item the rule serves. */
  readonly checklist: ChecklistItem;
  /** What was found, as a finding's message. */
  readonly info: string;
  /** Why the rule exists. */
  readonly explanation: string;
  /** AWS Security Hub controls that check the same thing, where one exists. */
  readonly securityHubControls: readonly string[];
  /** The check. */
  readonly rule: (node: CfnResource) => NagRuleResult;
}

/** Every rule of `SchedulingChecklistChecks`, in checklist order. docs/compliance.md is tested against it. */
export const CHECKLIST_RULES: readonly ChecklistRule[] = [
  {
    id: 'C1-ListenerTlsPolicy',
    level: NagMessageLevel.ERROR,
    checklist: 'C1',
    info: 'The HTTPS listener does not use a security policy that accepts only TLS 1.2 or newer.',
    explanation:
      'TLS 1.0 and 1.1 are broken or deprecated; a listener must name a TLS 1.2+ policy (without one, the load balancer picks its own default).',
    securityHubControls: ['ELB.17'],
    rule: httpsListenerTlsPolicy,
  },
  {
    id: 'C1-HttpRedirectsOnly',
    level: NagMessageLevel.ERROR,
    checklist: 'C1',
    info: 'The HTTP listener does something other than redirect to HTTPS.',
    explanation:
      'Content served over plain HTTP can be read and changed in transit; port 80 may only redirect to HTTPS.',
    securityHubControls: ['ELB.1'],
    rule: httpListenerRedirectsOnly,
  },
  {
    id: 'C1-Hsts',
    level: NagMessageLevel.ERROR,
    checklist: 'C1',
    info: 'The HTTPS listener does not send Strict-Transport-Security with a max-age of at least one year.',
    explanation:
      'Without HSTS a browser may try plain HTTP first, which an attacker on the path can intercept.',
    securityHubControls: [],
    rule: httpsListenerHsts,
  },
  {
    id: 'C1-CertificateKeyStrength',
    level: NagMessageLevel.ERROR,
    checklist: 'C1',
    info: 'The ACM certificate uses a key weaker than RSA 2048 bits.',
    explanation: 'RSA keys under 2048 bits can be factored with feasible effort; use RSA 2048+ or ECDSA.',
    securityHubControls: ['ACM.2'],
    rule: certificateKeyStrength,
  },
  {
    id: 'C1-ContainerTlsVerification',
    level: NagMessageLevel.ERROR,
    checklist: 'C1',
    info: 'A container environment turns TLS certificate verification off.',
    explanation:
      'Settings such as NODE_TLS_REJECT_UNAUTHORIZED=0 or PGSSLMODE=prefer accept any certificate, so every outbound connection of the app can be intercepted.',
    securityHubControls: [],
    rule: containerTlsVerification,
  },
  {
    id: 'C4-ImagePinned',
    level: NagMessageLevel.ERROR,
    checklist: 'C4',
    info: 'A container image is not pinned to a version tag or a digest.',
    explanation:
      'An unpinned image (no tag, or latest) changes under a running service without review; pin it and update it deliberately.',
    securityHubControls: [],
    rule: containerImagePinned,
  },
  {
    id: 'C4-FargateLatestPlatform',
    level: NagMessageLevel.WARN,
    checklist: 'C4',
    info: 'The Fargate service does not run on the latest platform version.',
    explanation: 'The latest platform version carries the current kernel and runtime security fixes.',
    securityHubControls: ['ECS.10'],
    rule: fargateLatestPlatform,
  },
  {
    id: 'C5-NoPublicIpOnTasks',
    level: NagMessageLevel.ERROR,
    checklist: 'C5',
    info: 'The ECS service assigns public IP addresses to its tasks.',
    explanation:
      'Tasks with a public IP can be reached from the internet around the load balancer and the web ACL.',
    securityHubControls: ['ECS.2'],
    rule: noPublicIpOnTasks,
  },
  {
    id: 'C7-WafLogRedaction',
    level: NagMessageLevel.ERROR,
    checklist: 'C7',
    info: 'WAF logging does not redact the authorization and cookie headers.',
    explanation: 'Those headers carry credentials and session tokens, which must never be written to logs.',
    securityHubControls: [],
    rule: wafLoggingRedactsCredentials,
  },
  {
    id: 'C7-LogRetention',
    level: NagMessageLevel.ERROR,
    checklist: 'C7',
    info: 'The log group keeps its logs forever or longer than the 400-day ceiling.',
    explanation:
      'Logs hold personal data (IP addresses, URLs); keep them long enough for an investigation, not longer.',
    securityHubControls: [],
    rule: logGroupRetentionCeiling,
  },
  {
    id: 'C8-EgressNamedPorts',
    level: NagMessageLevel.ERROR,
    checklist: 'C8',
    info: 'The security group sends all traffic to any address.',
    explanation:
      'Outbound traffic limited to named ports keeps a compromised task from reaching arbitrary services and exfiltrating data over any protocol.',
    securityHubControls: [],
    rule: egressNamedPorts,
  },
  {
    id: 'C9-LoadBalancerWebAcl',
    level: NagMessageLevel.ERROR,
    checklist: 'C9',
    info: 'The internet-facing load balancer is not protected by a web ACL with a managed rule group and a rate-based rule.',
    explanation:
      'Managed rule groups block known exploits and bad inputs, and a rate limit slows credential stuffing and booking spam, before a request reaches the app.',
    securityHubControls: ['ELB.16'],
    rule: loadBalancerWebAcl,
  },
];
