import { Duration, Stack, Token } from 'aws-cdk-lib';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import * as route53 from 'aws-cdk-lib/aws-route53';
import * as route53Targets from 'aws-cdk-lib/aws-route53-targets';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { LogBucket } from '../audit/log-bucket';
import { acknowledge } from '../compliance/acknowledgements';
import {
  ALLOWED_SSL_POLICIES,
  DEFAULT_IDLE_TIMEOUT,
  DEFAULT_LOG_BUCKET_EXPIRATION,
  DEFAULT_SSL_POLICY,
  HOST_RULE_PRIORITY,
  HSTS_HEADER_VALUE,
  MAX_DOMAIN_ALIASES,
  PROTECTED_RULE_PRIORITY,
  REFUSED_METHODS,
  REFUSED_PATH_PATTERNS,
  X_CONTENT_TYPE_OPTIONS,
} from '../private/defaults';
import { Problems } from '../private/problems';
import { ALB_IDLE_TIMEOUT_SECONDS, secondsProblems } from '../private/service-limits';
import { IOperatorLogin } from './operator-login';

export { ALLOWED_SSL_POLICIES, DEFAULT_SSL_POLICY, REFUSED_PATH_PATTERNS };

/**
 * ALB: at most three values in one condition (host names, path patterns, methods), and at most five condition
 * values and five wildcards in one rule.
 * https://docs.aws.amazon.com/elasticloadbalancing/latest/application/load-balancer-limits.html
 */
const VALUES_PER_CONDITION = 3;
const VALUES_PER_RULE = 5;
const WILDCARDS_PER_RULE = 5;

/** A lower-case fully qualified domain name; no wildcard (a wildcard name would make the app's URL `https://*.…`). */
const DOMAIN_NAME = /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/;

/** Characters ALB accepts in a path pattern, `*` and `?` as wildcards. */
const PATH_PATTERN = /^\/[A-Za-z0-9_\-.$/~"'@:+&*?]{0,127}$/;

/** The load balancer each HTTPS listener belongs to, so an app attached by listener gets its host rules. */
const BY_LISTENER = new WeakMap<elbv2.IApplicationListener, TlsLoadBalancer>();

/** A Route 53 public hosted zone, named by id and name so that synth needs no lookup. */
export interface HostedZoneReference {
  /** The zone's id, e.g. `Z0123456789ABCDEFGHIJ`. */
  readonly hostedZoneId: string;
  /** The zone's domain name, e.g. `example.com`. */
  readonly zoneName: string;
}

export interface TlsLoadBalancerProps {
  /** VPC of the load balancer. */
  readonly vpc: ec2.IVpc;

  /**
   * Subnets of the load balancer: public ones, in at least two zones.
   * @default - the VPC's public subnets
   */
  readonly vpcSubnets?: ec2.SubnetSelection;

  /** Fully qualified name users reach the app at, e.g. `schedule.example.com`. */
  readonly domainName: string;

  /**
   * More names the app answers at (e.g. `book.example.com`): added to the requested certificate, given alias
   * records when `createAliasRecord` is on, and forwarded like `domainName`. At most nine (ACM's default quota of
   * ten names per certificate).
   * @default - none
   */
  readonly domainAliases?: string[];

  /**
   * Path patterns answered with a fixed 404 by the load balancer, whatever the host (checklist C9). ALB path
   * pattern syntax: case-sensitive, `*` and `?` wildcards, starting with `/`. An empty list turns the rules off.
   * @default REFUSED_PATH_PATTERNS (environment files, version-control metadata, cloud credentials)
   */
  readonly refusedPathPatterns?: string[];

  /**
   * Public hosted zone of `domainName`. When given without `certificate`, an ACM certificate is requested and
   * validated through DNS records in this zone, and renewed by ACM for as long as they stay.
   * @default - none: `certificate` is required
   */
  readonly hostedZone?: route53.IHostedZone;

  /**
   * An existing certificate (imported by ARN) instead of a requested one. ACM renews certificates it issued;
   * an imported certificate is renewed by whoever imported it.
   * @default - a DNS-validated ACM certificate for `domainName` in `hostedZone`
   */
  readonly certificate?: acm.ICertificate;

  /**
   * Security policy of the HTTPS listener: one of the TLS 1.2+ ALB policies (see `ALLOWED_SSL_POLICIES`).
   * @default 'ELBSecurityPolicy-TLS13-1-2-Res-PQ-2025-09' (TLS 1.2 and 1.3, post-quantum hybrid key exchange)
   */
  readonly sslPolicy?: string;

  /**
   * Create an alias A record for `domainName` that points at the load balancer. Needs `hostedZone`.
   * @default - true when `hostedZone` is given
   */
  readonly createAliasRecord?: boolean;

  /**
   * Bucket for the access logs of the load balancer.
   * @default - a new hardened bucket, itself access-logged to a second one
   */
  readonly accessLogBucket?: s3.IBucket;

  /**
   * How long access logs are kept in the bucket this construct creates.
   * @default Duration.days(90)
   */
  readonly accessLogExpiration?: Duration;

  /**
   * How long an idle client connection stays open.
   * @default Duration.seconds(60)
   */
  readonly idleTimeout?: Duration;

  /**
   * Value of the X-Frame-Options header sent on every response, e.g. `DENY` or `SAMEORIGIN`.
   * Scheduling pages are often embedded in other sites, so the header is off unless asked for.
   * @default - not sent
   */
  readonly frameOptions?: 'DENY' | 'SAMEORIGIN';

  /**
   * Value of the Content-Security-Policy header sent on every response.
   * @default - not sent (the app sets its own)
   */
  readonly contentSecurityPolicy?: string;

  /**
   * Refuse to be deleted while deletion protection is on. Turning it off is needed before `cdk destroy`.
   * @default true
   */
  readonly deletionProtection?: boolean;

  /**
   * Sign-in with a second factor that the load balancer requires before it forwards `protectedPaths` (or, with
   * `protectWholeApp`, anything) to the app (checklist C2): an `OperatorLogin` (Cognito) or
   * `OperatorLogin.oidc(...)`. The load balancer's security group then also allows outbound HTTPS, which ALB
   * needs to reach the identity provider's token and user-info endpoints.
   * @default - none: every path of the app is forwarded without a sign-in at the load balancer
   */
  readonly operatorLogin?: IOperatorLogin;

  /**
   * Path patterns only operators use (ALB syntax: case-sensitive, `*` and `?` wildcards, starting with `/`), e.g.
   * `CALCOM_OPERATOR_PATHS`. On each of `hostNames`, requests for them get `operatorLogin`'s sign-in first, in
   * rules evaluated after the refusals and before the rules that forward everything else. Needs `operatorLogin`.
   * @default - none
   */
  readonly protectedPaths?: string[];

  /**
   * Require `operatorLogin` on every path, for a deployment only staff use (an internal scheduling tool): the host
   * rules themselves sign in, then forward. Invitees of a public booking page could not book then.
   * @default false
   */
  readonly protectWholeApp?: boolean;
}

/**
 * An internet-facing Application Load Balancer that speaks only modern TLS (checklist C1): an ACM certificate,
 * a TLS 1.2+ listener policy (post-quantum hybrid by default), a port-80 listener that only redirects to
 * HTTPS, HSTS and nosniff on every response, the Server header off, invalid headers dropped, strictest desync
 * mitigation, deletion protection, and access logs in a hardened bucket.
 *
 * The HTTPS listener answers only for its own names (checklist C9): requests whose Host is `domainName` or one
 * of `domainAliases` are forwarded to the app; any other Host, the raw `*.elb.amazonaws.com` name included, gets
 * a fixed 404. Before that, requests for leaked-secret paths get a fixed 404 and TRACE/TRACK a 405, whatever the
 * host.
 *
 * Attach the app with `addTargets(...)` (`SchedulingService` does, given `httpsListener`); synth fails while the
 * HTTPS listener forwards to nothing.
 */
export class TlsLoadBalancer extends Construct implements ec2.IConnectable {
  /** The load balancer. */
  public readonly loadBalancer: elbv2.ApplicationLoadBalancer;
  /** The HTTPS listener on port 443. */
  public readonly httpsListener: elbv2.ApplicationListener;
  /** The listener on port 80, which only redirects to HTTPS. */
  public readonly httpListener: elbv2.ApplicationListener;
  /** Certificate served by the HTTPS listener. */
  public readonly certificate: acm.ICertificate;
  /** Bucket with the access logs. */
  public readonly accessLogBucket: s3.IBucket;
  /** Bucket with the S3 server access logs of `accessLogBucket`, when this construct created both. */
  public readonly serverAccessLogBucket?: s3.IBucket;
  /** Alias record of `domainName`, when one was created. */
  public readonly aliasRecord?: route53.ARecord;
  /** Security policy of the HTTPS listener. */
  public readonly sslPolicy: string;
  /** Security groups of the load balancer. */
  public readonly connections: ec2.Connections;
  /** The domain users reach the app at. */
  public readonly domainName: string;
  /** Every name the HTTPS listener forwards: `domainName`, then `domainAliases`. */
  public readonly hostNames: readonly string[];
  /** The sign-in required in front of `protectedPaths`, when one is configured. */
  public readonly operatorLogin?: IOperatorLogin;
  /** Path patterns that need `operatorLogin` first. */
  public readonly protectedPaths: readonly string[];
  /** Whether every path needs `operatorLogin`. */
  public readonly protectWholeApp: boolean;

  /** The load balancer `listener` belongs to, when it is the HTTPS listener of a `TlsLoadBalancer`. */
  public static ofListener(listener: elbv2.IApplicationListener): TlsLoadBalancer | undefined {
    return BY_LISTENER.get(listener);
  }

  private nextHostRulePriority = HOST_RULE_PRIORITY;
  private nextProtectedRulePriority = PROTECTED_RULE_PRIORITY;

  constructor(scope: Construct, id: string, props: TlsLoadBalancerProps) {
    super(scope, id);

    this.sslPolicy = props.sslPolicy ?? DEFAULT_SSL_POLICY;
    this.domainName = props.domainName;
    this.hostNames = [props.domainName, ...(props.domainAliases ?? [])];
    const createAliasRecord = props.createAliasRecord ?? props.hostedZone !== undefined;
    this.operatorLogin = props.operatorLogin;
    this.protectedPaths = [...(props.protectedPaths ?? [])];
    this.protectWholeApp = props.protectWholeApp ?? false;
    validate(this, props, this.sslPolicy, createAliasRecord, this.hostNames);

    this.certificate =
      props.certificate ??
      new acm.Certificate(this, 'Certificate', {
        domainName: props.domainName,
        subjectAlternativeNames: props.domainAliases?.length ? [...props.domainAliases] : undefined,
        validation: acm.CertificateValidation.fromDns(props.hostedZone),
        keyAlgorithm: acm.KeyAlgorithm.RSA_2048,
        transparencyLoggingEnabled: true,
      });

    const securityGroup = new ec2.SecurityGroup(this, 'SecurityGroup', {
      vpc: props.vpc,
      description:
        'Load balancer: HTTPS and HTTP (redirect only) from the internet; out to the app port only',
      // Egress is opened per target as the app is attached, never to the world.
      allowAllOutbound: false,
    });

    this.loadBalancer = new elbv2.ApplicationLoadBalancer(this, 'Resource', {
      vpc: props.vpc,
      vpcSubnets: props.vpcSubnets ?? { subnetType: ec2.SubnetType.PUBLIC },
      internetFacing: true,
      securityGroup,
      deletionProtection: props.deletionProtection ?? true,
      dropInvalidHeaderFields: true,
      desyncMitigationMode: elbv2.DesyncMitigationMode.STRICTEST,
      idleTimeout: props.idleTimeout ?? DEFAULT_IDLE_TIMEOUT,
      http2Enabled: true,
      // The app sees which TLS version and cipher each client used (x-amzn-tls-version, x-amzn-tls-cipher-suite).
      xAmznTlsVersionAndCipherSuiteHeaders: true,
      preserveXffClientPort: false,
      xffHeaderProcessingMode: elbv2.XffHeaderProcessingMode.APPEND,
    });
    this.connections = this.loadBalancer.connections;
    acknowledge(securityGroup, 'publicLoadBalancerSecurityGroup');
    if (this.operatorLogin) {
      // ALB calls the identity provider's token and user-info endpoints itself, over IPv4 and HTTPS; their
      // addresses are the provider's (Cognito's are not published), so the destination is any IPv4 address.
      // https://repost.aws/knowledge-center/elb-configure-authentication-alb
      this.connections.allowToAnyIpv4(
        ec2.Port.tcp(443),
        'HTTPS to the identity provider token and user-info endpoints (sign-in at the load balancer)',
      );
    }

    if (props.accessLogBucket) {
      this.accessLogBucket = props.accessLogBucket;
    } else {
      const expiration = props.accessLogExpiration ?? DEFAULT_LOG_BUCKET_EXPIRATION;
      const serverAccessLogs = new LogBucket(this, 'AccessLogBucketLogs', { expiration });
      this.serverAccessLogBucket = serverAccessLogs.bucket;
      this.accessLogBucket = new LogBucket(this, 'AccessLogBucket', {
        expiration,
        serverAccessLogsBucket: serverAccessLogs.bucket,
      }).bucket;
    }
    this.loadBalancer.logAccessLogs(this.accessLogBucket, 'alb');

    this.httpsListener = this.loadBalancer.addListener('HttpsListener', {
      protocol: elbv2.ApplicationProtocol.HTTPS,
      port: 443,
      certificates: [elbv2.ListenerCertificate.fromCertificateManager(this.certificate)],
      sslPolicy: this.sslPolicy as elbv2.SslPolicy,
      open: true,
      // Any Host that is not one of the app's names: nothing of the app is served (checklist C9).
      defaultAction: elbv2.ListenerAction.fixedResponse(404, {
        contentType: 'text/plain',
        messageBody: 'Not found',
      }),
    });
    BY_LISTENER.set(this.httpsListener, this);
    this.refuseProbes(props.refusedPathPatterns ?? [...REFUSED_PATH_PATTERNS]);
    this.node.addValidation({
      validate: () =>
        this.nextHostRulePriority === HOST_RULE_PRIORITY
          ? [
              'The HTTPS listener forwards to nothing: attach the app with `addTargets(...)` (SchedulingService does)',
            ]
          : [],
    });
    // Response headers added by the load balancer itself, so they hold whatever the app sends.
    if (!requestedInStack(this.certificate, this)) {
      // A certificate of the operator's choosing, not requested here: reported, with what the reviewer checks.
      acknowledge(this.httpsListener, 'importedCertificate');
    }
    this.httpsListener.setAttribute(
      'routing.http.response.strict_transport_security.header_value',
      HSTS_HEADER_VALUE,
    );
    this.httpsListener.setAttribute(
      'routing.http.response.x_content_type_options.header_value',
      X_CONTENT_TYPE_OPTIONS,
    );
    this.httpsListener.setAttribute('routing.http.response.server.enabled', 'false');
    if (props.frameOptions) {
      this.httpsListener.setAttribute(
        'routing.http.response.x_frame_options.header_value',
        props.frameOptions,
      );
    }
    if (props.contentSecurityPolicy) {
      this.httpsListener.setAttribute(
        'routing.http.response.content_security_policy.header_value',
        props.contentSecurityPolicy,
      );
    }

    this.httpListener = this.loadBalancer.addListener('HttpListener', {
      protocol: elbv2.ApplicationProtocol.HTTP,
      port: 80,
      open: true,
      defaultAction: elbv2.ListenerAction.redirect({
        protocol: 'HTTPS',
        port: '443',
        host: '#{host}',
        path: '/#{path}',
        query: '#{query}',
        permanent: true,
      }),
    });
    this.httpListener.setAttribute('routing.http.response.server.enabled', 'false');
    acknowledge(this.httpListener, 'httpRedirectListener');

    if (createAliasRecord && props.hostedZone) {
      const target = route53.RecordTarget.fromAlias(new route53Targets.LoadBalancerTarget(this.loadBalancer));
      this.aliasRecord = new route53.ARecord(this, 'AliasRecord', {
        zone: props.hostedZone,
        recordName: props.domainName,
        target,
      });
      (props.domainAliases ?? []).forEach((alias, i) => {
        new route53.ARecord(this, `AliasRecord${i + 2}`, {
          zone: props.hostedZone!,
          recordName: alias,
          target,
        });
      });
    }
  }

  /**
   * Forwards requests for `hostNames` to new targets and returns their target group: one listener rule per
   * three names (ALB's limit of values per condition), after the refusals. Conditions and priority are set
   * here; pass the rest as to `ApplicationListener.addTargets`.
   *
   * With an `operatorLogin`, requests for `protectedPaths` on those names first go through the sign-in, in rules
   * of their own (priorities from 10, before the host rules); with `protectWholeApp`, the host rules sign in
   * themselves.
   */
  public addTargets(
    id: string,
    props: Omit<elbv2.AddApplicationTargetsProps, 'priority' | 'conditions'>,
  ): elbv2.ApplicationTargetGroup {
    const problems = new Problems();
    const given = props as elbv2.AddApplicationTargetsProps;
    problems.check(
      given.priority !== undefined || given.conditions !== undefined,
      '`addTargets` sets `priority` and `conditions` itself (one host-header rule per three host names); leave them out',
    );
    const hostGroups = chunks(this.hostNames, VALUES_PER_CONDITION);
    const protectedRules = this.protectWholeApp
      ? []
      : hostGroups.flatMap((hosts) =>
          ruleChunks(this.protectedPaths, VALUES_PER_RULE - hosts.length).map((paths) => ({ hosts, paths })),
        );
    const lastPriority = this.nextProtectedRulePriority + protectedRules.length - 1;
    problems.check(
      this.operatorLogin !== undefined && lastPriority >= HOST_RULE_PRIORITY,
      `\`protectedPaths\` needs ${protectedRules.length} listener rules for ${this.hostNames.length} host names, more than the priorities ${PROTECTED_RULE_PRIORITY} to ${HOST_RULE_PRIORITY - 1} hold; use fewer or broader patterns`,
    );
    problems.throwIfAny(this);

    const login = this.operatorLogin;
    let targetGroup: elbv2.ApplicationTargetGroup;
    if (login && this.protectWholeApp) {
      // As ApplicationListener.addTargets builds it (same ids), with the sign-in in front of the forward.
      targetGroup = new elbv2.ApplicationTargetGroup(this.httpsListener, `${id}Group`, {
        vpc: this.loadBalancer.vpc,
        ...props,
      });
      new elbv2.ApplicationListenerRule(this.httpsListener, `${id}Rule`, {
        listener: this.httpsListener,
        priority: this.nextHostRulePriority++,
        conditions: [elbv2.ListenerCondition.hostHeaders([...hostGroups[0]])],
        action: login.authenticateThenForward([targetGroup]),
      });
    } else {
      targetGroup = this.httpsListener.addTargets(id, {
        ...props,
        priority: this.nextHostRulePriority++,
        conditions: [elbv2.ListenerCondition.hostHeaders([...hostGroups[0]])],
      });
    }
    hostGroups.slice(1).forEach((names, i) => {
      new elbv2.ApplicationListenerRule(this.httpsListener, `${id}Hosts${i + 2}Rule`, {
        listener: this.httpsListener,
        priority: this.nextHostRulePriority++,
        conditions: [elbv2.ListenerCondition.hostHeaders([...names])],
        action:
          login && this.protectWholeApp
            ? login.authenticateThenForward([targetGroup])
            : elbv2.ListenerAction.forward([targetGroup]),
      });
    });
    if (login) {
      protectedRules.forEach(({ hosts, paths }, i) => {
        new elbv2.ApplicationListenerRule(this.httpsListener, `${id}Protected${i + 1}Rule`, {
          listener: this.httpsListener,
          priority: this.nextProtectedRulePriority++,
          conditions: [
            elbv2.ListenerCondition.hostHeaders([...hosts]),
            elbv2.ListenerCondition.pathPatterns([...paths]),
          ],
          action: login.authenticateThenForward([targetGroup]),
        });
      });
    }
    return targetGroup;
  }

  /** Fixed answers for tracing methods and leaked-secret paths, evaluated before any host rule. */
  private refuseProbes(pathPatterns: readonly string[]): void {
    new elbv2.ApplicationListenerRule(this.httpsListener, 'RefuseTraceRule', {
      listener: this.httpsListener,
      priority: 1,
      conditions: [elbv2.ListenerCondition.httpRequestMethods([...REFUSED_METHODS])],
      action: elbv2.ListenerAction.fixedResponse(405, {
        contentType: 'text/plain',
        messageBody: 'Method not allowed',
      }),
    });
    chunks(pathPatterns, VALUES_PER_CONDITION).forEach((patterns, i) => {
      new elbv2.ApplicationListenerRule(this.httpsListener, `RefusePaths${i + 1}Rule`, {
        listener: this.httpsListener,
        priority: 2 + i,
        conditions: [elbv2.ListenerCondition.pathPatterns([...patterns])],
        action: elbv2.ListenerAction.fixedResponse(404, {
          contentType: 'text/plain',
          messageBody: 'Not found',
        }),
      });
    });
  }

  /** The HTTPS URL of the app. */
  public get url(): string {
    return `https://${this.domainName}`;
  }
}

function validate(
  scope: Construct,
  props: TlsLoadBalancerProps,
  sslPolicy: string,
  createAliasRecord: boolean,
  hostNames: readonly string[],
): void {
  const problems = new Problems();
  validateOperatorAccess(problems, props, hostNames);
  problems.check(
    !Token.isUnresolved(sslPolicy) && !ALLOWED_SSL_POLICIES.includes(sslPolicy),
    `\`sslPolicy\` must be a policy that accepts only TLS 1.2 or newer, got '${sslPolicy}'; allowed: ${ALLOWED_SSL_POLICIES.join(', ')}`,
  );
  problems.add(
    ...secondsProblems(
      'idleTimeout',
      props.idleTimeout,
      ALB_IDLE_TIMEOUT_SECONDS,
      "ALB's connection idle timeout",
    ),
  );
  problems.check(
    !props.certificate && !props.hostedZone,
    '`hostedZone` or `certificate` is required: a certificate is either requested and DNS-validated in the hosted zone, or imported by ARN',
  );
  problems.check(
    createAliasRecord && !props.hostedZone,
    '`createAliasRecord` is true but no `hostedZone` was given to create the record in',
  );
  const aliases = props.domainAliases ?? [];
  const zoneName = props.hostedZone?.zoneName;
  for (const [name, domain] of [
    ['domainName', props.domainName] as const,
    ...aliases.map((alias) => ['domainAliases', alias] as const),
  ]) {
    if (Token.isUnresolved(domain)) {
      continue;
    }
    problems.check(
      !DOMAIN_NAME.test(domain),
      domain.startsWith('*.')
        ? `\`${name}\` must name one host, not a wildcard: the app's URL and its host rule need a real name, got '${domain}'`
        : `\`${name}\` must be a fully qualified lower-case domain name like 'schedule.example.com', got '${domain}'`,
    );
    problems.check(
      zoneName !== undefined &&
        !Token.isUnresolved(zoneName) &&
        domain !== zoneName &&
        !domain.endsWith(`.${zoneName}`),
      `\`${name}\` '${domain}' is not inside \`hostedZone\` '${zoneName}'`,
    );
  }
  problems.check(
    aliases.length > MAX_DOMAIN_ALIASES,
    `\`domainAliases\` may name at most ${MAX_DOMAIN_ALIASES} names (ACM puts at most 10 names on a certificate), got ${aliases.length}`,
  );
  const duplicates = [props.domainName, ...aliases].filter((d, i, all) => all.indexOf(d) !== i);
  problems.check(
    duplicates.length > 0,
    `\`domainAliases\` must not repeat a name or \`domainName\`, got '${duplicates.join("', '")}' twice`,
  );
  for (const pattern of props.refusedPathPatterns ?? []) {
    problems.check(
      !PATH_PATTERN.test(pattern),
      `\`refusedPathPatterns\` entries must be ALB path patterns: '/' then up to 127 of A-Z a-z 0-9 _ - . $ / ~ " ' @ : + & and the wildcards * ?, got '${pattern}'`,
    );
  }
  problems.throwIfAny(scope);
}

/** Problems with `operatorLogin`, `protectedPaths` and `protectWholeApp` (checklist C2). */
function validateOperatorAccess(
  problems: Problems,
  props: TlsLoadBalancerProps,
  hostNames: readonly string[],
): void {
  const login = props.operatorLogin;
  const paths = props.protectedPaths ?? [];
  const wholeApp = props.protectWholeApp ?? false;
  problems.check(
    login !== undefined && paths.length === 0 && !wholeApp,
    '`operatorLogin` is given but no `protectedPaths`: name the paths only operators use (e.g. CALCOM_OPERATOR_PATHS), or set `protectWholeApp`',
  );
  problems.check(
    login === undefined && paths.length > 0,
    `\`protectedPaths\` [${paths.join(', ')}] need an \`operatorLogin\` to sign operators in before they are forwarded`,
  );
  problems.check(
    login === undefined && wholeApp,
    '`protectWholeApp` needs an `operatorLogin` to sign users in before they are forwarded',
  );
  problems.check(
    wholeApp && paths.length > 0,
    '`protectWholeApp` already signs in every path: leave `protectedPaths` out',
  );
  for (const path of paths) {
    problems.check(
      !Token.isUnresolved(path) && !PATH_PATTERN.test(path),
      `\`protectedPaths\` entries must be ALB path patterns: '/' then up to 127 of A-Z a-z 0-9 _ - . $ / ~ " ' @ : + & and the wildcards * ?, got '${path}'`,
    );
  }
  const duplicates = paths.filter((p, i) => paths.indexOf(p) !== i);
  problems.check(
    duplicates.length > 0,
    `\`protectedPaths\` must not repeat a pattern, got '${duplicates.join("', '")}' twice`,
  );
  const refused = props.refusedPathPatterns ?? REFUSED_PATH_PATTERNS;
  const refusalRules = 1 + Math.ceil(refused.length / VALUES_PER_CONDITION);
  problems.check(
    login !== undefined && refusalRules >= PROTECTED_RULE_PRIORITY,
    `\`refusedPathPatterns\` may hold at most ${(PROTECTED_RULE_PRIORITY - 2) * VALUES_PER_CONDITION} patterns with an \`operatorLogin\` (their rules come before the sign-in rules at priority ${PROTECTED_RULE_PRIORITY}), got ${refused.length}`,
  );
  const callbacks = login?.callbackHostNames;
  const missing = callbacks ? hostNames.filter((h) => !Token.isUnresolved(h) && !callbacks.includes(h)) : [];
  problems.check(
    missing.length > 0,
    `\`operatorLogin\` has no callback URL for ${missing.map((h) => `'${h}'`).join(', ')}: give it every name of the load balancer (\`hostNames\`), or sign-ins there fail`,
  );
}

/**
 * Path patterns in groups that fit one rule beside its host names: at most three per condition, `room` values
 * and five wildcards per rule (ALB's quotas).
 */
function ruleChunks(patterns: readonly string[], room: number): string[][] {
  const size = Math.min(VALUES_PER_CONDITION, room);
  const groups: string[][] = [];
  let current: string[] = [];
  let wildcards = 0;
  for (const pattern of patterns) {
    const count = (pattern.match(/[*?]/g) ?? []).length;
    if (current.length === size || wildcards + count > WILDCARDS_PER_RULE) {
      groups.push(current);
      current = [];
      wildcards = 0;
    }
    current.push(pattern);
    wildcards += count;
  }
  if (current.length > 0) groups.push(current);
  return groups;
}

/** `values` in groups of at most `size`. */
function chunks<T>(values: readonly T[], size: number): T[][] {
  const groups: T[][] = [];
  for (let i = 0; i < values.length; i += size) {
    groups.push(values.slice(i, i + size));
  }
  return groups;
}

/** Whether `certificate` is requested from ACM by a resource of `scope`'s stack (so ACM renews it). */
function requestedInStack(certificate: acm.ICertificate, scope: Construct): boolean {
  return (
    certificate.node.defaultChild instanceof acm.CfnCertificate && Stack.of(certificate) === Stack.of(scope)
  );
}
