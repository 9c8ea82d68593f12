import { ArnFormat, RemovalPolicy, Stack, Token } from 'aws-cdk-lib';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as wafv2 from 'aws-cdk-lib/aws-wafv2';
import { Construct } from 'constructs';
import { LogEncryptionKey } from '../audit/log-encryption-key';
import { findingsReady, MaskingFindings, maskingPolicy } from '../audit/log-data-protection';
import {
  DEFAULT_LOG_RETENTION,
  DEFAULT_RATE_LIMIT,
  DEFAULT_SENSITIVE_PATH_RATE_LIMIT,
  DEFAULT_SENSITIVE_PATHS,
  MAX_RATE_LIMIT,
  MIN_RATE_LIMIT,
  SIGNUP_CHALLENGE_IMMUNITY,
  WAF_REDACTED_HEADERS,
} from '../private/defaults';
import { countryCodeProblems } from '../private/country-codes';
import { ipRangeProblems } from '../private/ip-ranges';
import { dataIdentifierProblems, DEFAULT_MASKED_DATA_IDENTIFIERS } from '../private/log-data-identifiers';
import { managedRuleGroupProblems } from '../private/managed-rule-groups';
import { Problems } from '../private/problems';

/** AWS managed rule groups that can be added on top of the defaults. */
export enum OptionalManagedRuleGroup {
  /** Requests that exploit Linux-specific vulnerabilities (LFI and the like). */
  LINUX = 'AWSManagedRulesLinuxRuleSet',
  /** Requests that exploit POSIX and Unix-like vulnerabilities. */
  UNIX = 'AWSManagedRulesUnixRuleSet',
  /** Requests that exploit PHP vulnerabilities. */
  PHP = 'AWSManagedRulesPHPRuleSet',
  /** Requests that exploit WordPress vulnerabilities. */
  WORDPRESS = 'AWSManagedRulesWordPressRuleSet',
  /** Requests that exploit Windows and PowerShell vulnerabilities. */
  WINDOWS = 'AWSManagedRulesWindowsRuleSet',
  /** Requests to administrative pages. */
  ADMIN_PROTECTION = 'AWSManagedRulesAdminProtectionRuleSet',
  /**
   * Bot Control (common level). Priced per request on top of the web ACL: see docs/cost.md.
   */
  BOT_CONTROL = 'AWSManagedRulesBotControlRuleSet',
}

/**
 * AWS managed rule groups every web ACL of this library carries (checklist C9). All are in the base price of
 * a web ACL (one rule each).
 */
export const DEFAULT_MANAGED_RULE_GROUPS: readonly string[] = [
  'AWSManagedRulesAmazonIpReputationList',
  'AWSManagedRulesAnonymousIpList',
  'AWSManagedRulesCommonRuleSet',
  'AWSManagedRulesKnownBadInputsRuleSet',
  'AWSManagedRulesSQLiRuleSet',
];

/**
 * The app's credential sign-in endpoint, as the AWS WAF account takeover prevention (ATP) rule group inspects it.
 * For Cal.com: `CALCOM_LOGIN_ENDPOINT`.
 * https://docs.aws.amazon.com/waf/latest/developerguide/waf-atp-rg-using.html
 */
export interface LoginEndpoint {
  /** Path the sign-in form posts the credentials to, e.g. `/api/auth/callback/credentials`. */
  readonly path: string;
  /** How the credentials are posted: `FORM_ENCODED` (an HTML form) or `JSON`. */
  readonly payloadType: 'FORM_ENCODED' | 'JSON';
  /**
   * The user name (an e-mail address: ATP's stolen-credential database holds e-mail addresses) field: the form
   * field's name for `FORM_ENCODED`, a JSON pointer such as `/email` for `JSON`.
   */
  readonly usernameField: string;
  /** The password field, named as `usernameField` is. */
  readonly passwordField: string;
}

/** The app's self sign-up, for the sign-up challenge. For Cal.com: `CALCOM_SIGNUP_PATHS`. */
export interface SignupPaths {
  /** Path prefixes of the sign-up pages a browser loads (GET, HTML), e.g. `/signup`. */
  readonly pages: readonly string[];
  /** Path prefixes the sign-up form posts to, e.g. `/api/auth/signup`. */
  readonly api?: readonly string[];
}

export interface WebFirewallProps {
  /**
   * ARN of the resource to protect (an Application Load Balancer).
   * @default - not associated; call `associate()`
   */
  readonly resourceArn?: string;

  /**
   * Requests one client IP may send in 5 minutes before it is blocked.
   * @default 1000
   */
  readonly rateLimit?: number;

  /**
   * Requests one client IP may send in 5 minutes to `sensitivePaths` before it is blocked.
   * @default 100
   */
  readonly sensitivePathRateLimit?: number;

  /**
   * Path prefixes of sign-in, sign-up and booking endpoints, which get the stricter rate limit.
   * @default - Cal.com's: '/auth/', '/api/auth/', '/signup', '/api/book/', '/api/trpc/'
   */
  readonly sensitivePaths?: string[];

  /**
   * More AWS managed rule groups, in addition to the default five.
   * @default - none
   */
  readonly additionalManagedRuleGroups?: OptionalManagedRuleGroup[];

  /**
   * Client IP ranges (CIDR) that bypass the rate limits and managed rules, e.g. an office. Use sparingly: never a
   * /0, and together at most 1/256 of the IPv4 or IPv6 address space (one /8).
   * @default - none
   */
  readonly allowedIpRanges?: string[];

  /**
   * Client IP ranges (CIDR) that are always blocked; never a /0 (WAF IP sets refuse it).
   * @default - none
   */
  readonly blockedIpRanges?: string[];

  /**
   * Countries (ISO 3166-1 alpha-2 codes, e.g. `['KP', 'RU']`) whose requests are blocked.
   * @default - none
   */
  readonly blockedCountries?: string[];

  /**
   * How long WAF logs are kept (checklist C7).
   * @default logs.RetentionDays.THREE_MONTHS
   */
  readonly logRetention?: logs.RetentionDays;

  /**
   * Key that encrypts the WAF log group.
   * @default - a new KMS key with rotation enabled
   */
  readonly encryptionKey?: kms.IKey;

  /**
   * CloudWatch Logs managed data identifiers that the WAF log group masks as it ingests the logs (checklist C7),
   * by name: the region-independent ones of
   * https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/CWL-managed-data-identifiers.html
   * @default - EmailAddress, AwsSecretKey, OpenSshPrivateKey, PgpPrivateKey, PkcsPrivateKey and PuttyPrivateKey
   */
  readonly maskedDataIdentifiers?: string[];

  /**
   * Log group that receives the masking's audit findings (which log event held which kind of data, never the
   * data). A log group of another construct must admit the log delivery service (`MaskingFindings` does).
   * @default - a new `MaskingFindings` log group, encrypted with `encryptionKey` and kept for `logRetention`
   */
  readonly maskingFindingsLogGroup?: logs.ILogGroup;

  /**
   * Add the AWS WAF Fraud Control account takeover prevention rule group (`AWSManagedRulesATPRuleSet`) for this
   * sign-in endpoint: it checks posted credentials against stolen-credential lists and blocks IPs and sessions
   * that try many. Priced on top of the web ACL (a monthly subscription plus a fee per sign-in request
   * analyzed; see docs/operator-access.md). Only requests to `path` are sent to it.
   * @default - not added
   */
  readonly accountTakeoverPrevention?: LoginEndpoint;

  /**
   * Sign-up paths of an app that lets anyone sign up: a browser loading a sign-up page gets a silent WAF
   * challenge (a JavaScript proof that it is a browser), and a post to the sign-up API must carry the token the
   * page earned. WAF can only challenge GET requests that accept HTML, so the API is not challenged itself: a
   * post without a valid token gets the challenge page, which a script cannot pass.
   * @default - none: no challenge (leave out when sign-up is off in the app)
   */
  readonly signupPaths?: SignupPaths;
}

/**
 * A regional WAFv2 web ACL for the load balancer (checklist C9): AWS managed rule groups for common exploits,
 * known bad inputs, SQL injection, IP reputation and anonymizing networks; a per-IP rate limit with a stricter
 * one on sign-in and booking paths; optional IP allow and block lists and country blocking; CloudWatch metrics
 * on every rule; and logs in an encrypted log group with the authorization and cookie headers redacted
 * (checklist C7).
 */
export class WebFirewall extends Construct {
  /** The web ACL. */
  public readonly webAcl: wafv2.CfnWebACL;
  /**
   * Log group that receives the WAF logs; its name starts with `aws-waf-logs-` as WAF requires. It masks email
   * addresses and credentials as it ingests them (checklist C7).
   */
  public readonly logGroup: logs.LogGroup;
  /** Log group that receives the audit findings of the WAF log group's masking. */
  public readonly maskingFindingsLogGroup: logs.ILogGroup;
  /** The logging configuration. */
  public readonly loggingConfiguration: wafv2.CfnLoggingConfiguration;
  /** Metric name prefix of every rule's CloudWatch metric. */
  public readonly metricPrefix: string;

  constructor(scope: Construct, id: string, props: WebFirewallProps = {}) {
    super(scope, id);

    const rateLimit = props.rateLimit ?? DEFAULT_RATE_LIMIT;
    const sensitivePathRateLimit = props.sensitivePathRateLimit ?? DEFAULT_SENSITIVE_PATH_RATE_LIMIT;
    const sensitivePaths = props.sensitivePaths ?? [...DEFAULT_SENSITIVE_PATHS];
    const logRetention = props.logRetention ?? DEFAULT_LOG_RETENTION;
    validate(this, props, rateLimit, sensitivePathRateLimit, sensitivePaths, logRetention);

    this.metricPrefix = `${Stack.of(this).stackName}-${id}`.replace(/[^A-Za-z0-9_-]/g, '-').slice(0, 100);
    const visibility = (name: string): wafv2.CfnWebACL.VisibilityConfigProperty => ({
      cloudWatchMetricsEnabled: true,
      sampledRequestsEnabled: true,
      metricName: `${this.metricPrefix}-${name}`.slice(0, 128),
    });

    const rules: wafv2.CfnWebACL.RuleProperty[] = [];
    const addRule = (rule: Omit<wafv2.CfnWebACL.RuleProperty, 'priority' | 'visibilityConfig'>) =>
      rules.push({ ...rule, priority: rules.length, visibilityConfig: visibility(rule.name) });

    const allowSets = props.allowedIpRanges?.length ? this.ipSets('Allowed', props.allowedIpRanges) : [];
    const blockSets = props.blockedIpRanges?.length ? this.ipSets('Blocked', props.blockedIpRanges) : [];

    if (blockSets.length) {
      addRule({
        name: 'BlockedIpRanges',
        action: { block: {} },
        statement: anyOf(blockSets.map(ipSetMatch)),
      });
    }
    if (allowSets.length) {
      addRule({
        name: 'AllowedIpRanges',
        action: { allow: {} },
        statement: anyOf(allowSets.map(ipSetMatch)),
      });
    }
    if (props.blockedCountries?.length) {
      addRule({
        name: 'BlockedCountries',
        action: { block: {} },
        statement: { geoMatchStatement: { countryCodes: props.blockedCountries } },
      });
    }
    // Rate limits before the managed rule groups, so that every request a client sends counts towards its limit.
    addRule({
      name: 'RateLimitSensitivePaths',
      action: { block: {} },
      statement: {
        rateBasedStatement: {
          limit: sensitivePathRateLimit,
          aggregateKeyType: 'IP',
          evaluationWindowSec: 300,
          scopeDownStatement: anyOf(
            sensitivePaths.map((path) => ({
              byteMatchStatement: {
                fieldToMatch: { uriPath: {} },
                positionalConstraint: 'STARTS_WITH',
                searchString: path,
                textTransformations: [{ priority: 0, type: 'LOWERCASE' }],
              },
            })),
          ),
        },
      },
    });
    addRule({
      name: 'RateLimitPerIp',
      action: { block: {} },
      statement: {
        rateBasedStatement: { limit: rateLimit, aggregateKeyType: 'IP', evaluationWindowSec: 300 },
      },
    });

    // Sign-up by scripts: challenge the page (GET, HTML: the only requests WAF can challenge), then demand the
    // token it earned on the post. https://docs.aws.amazon.com/waf/latest/developerguide/waf-captcha-and-challenge-best-practices.html
    if (props.signupPaths) {
      const challengeConfig = {
        immunityTimeProperty: { immunityTime: SIGNUP_CHALLENGE_IMMUNITY.toSeconds() },
      };
      addRule({
        name: 'SignupPageChallenge',
        action: { challenge: {} },
        challengeConfig,
        statement: {
          andStatement: {
            statements: [
              anyOf(props.signupPaths.pages.map(pathStartsWith)),
              methodIs('GET'),
              {
                byteMatchStatement: {
                  fieldToMatch: { singleHeader: { Name: 'accept' } },
                  positionalConstraint: 'CONTAINS',
                  searchString: 'text/html',
                  textTransformations: [{ priority: 0, type: 'LOWERCASE' }],
                },
              },
            ],
          },
        },
      });
      if (props.signupPaths.api?.length) {
        addRule({
          name: 'SignupApiToken',
          action: { challenge: {} },
          challengeConfig,
          statement: {
            andStatement: {
              statements: [anyOf(props.signupPaths.api.map(pathStartsWith)), methodIs('POST')],
            },
          },
        });
      }
    }

    // Of the managed groups, the reputation lists come first: they are cheap and drop known-bad sources
    // before any deeper inspection.
    const managed = [...DEFAULT_MANAGED_RULE_GROUPS, ...(props.additionalManagedRuleGroups ?? [])];
    for (const name of managed) {
      addRule({
        name,
        overrideAction: { none: {} },
        statement: { managedRuleGroupStatement: { vendorName: 'AWS', name } },
      });
    }

    // Credential stuffing against the sign-in: only posts to the sign-in path reach the (per-request priced)
    // rule group. https://docs.aws.amazon.com/waf/latest/developerguide/waf-atp-rg-using.html
    const login = props.accountTakeoverPrevention;
    if (login) {
      addRule({
        name: ATP_RULE_GROUP,
        overrideAction: { none: {} },
        statement: {
          managedRuleGroupStatement: {
            vendorName: 'AWS',
            name: ATP_RULE_GROUP,
            managedRuleGroupConfigs: [
              {
                awsManagedRulesAtpRuleSet: {
                  loginPath: login.path,
                  requestInspection: {
                    payloadType: login.payloadType,
                    usernameField: { identifier: login.usernameField },
                    passwordField: { identifier: login.passwordField },
                  },
                },
              },
            ],
            scopeDownStatement: {
              andStatement: {
                statements: [
                  {
                    byteMatchStatement: {
                      fieldToMatch: { uriPath: {} },
                      positionalConstraint: 'EXACTLY',
                      searchString: login.path,
                      textTransformations: [{ priority: 0, type: 'NONE' }],
                    },
                  },
                  methodIs('POST'),
                ],
              },
            },
          },
        },
      });
    }

    this.webAcl = new wafv2.CfnWebACL(this, 'Resource', {
      scope: 'REGIONAL',
      defaultAction: { allow: {} },
      description: 'secure-scheduling: managed rule groups, rate limits and IP filters in front of the app',
      visibilityConfig: visibility('WebAcl'),
      rules,
    });

    const encryptionKey =
      props.encryptionKey ?? new LogEncryptionKey(this, 'LogKey', { description: 'Encrypts WAF logs' }).key;
    this.maskingFindingsLogGroup =
      props.maskingFindingsLogGroup ??
      new MaskingFindings(this, 'MaskingFindings', { encryptionKey, retention: logRetention }).logGroup;
    this.logGroup = new logs.LogGroup(this, 'LogGroup', {
      // WAF delivers only to log groups whose name starts with this prefix.
      logGroupName: `aws-waf-logs-${this.metricPrefix}`.slice(0, 512),
      retention: logRetention,
      encryptionKey,
      removalPolicy: RemovalPolicy.RETAIN,
      // The query string is redacted before WAF writes; what is left (the URI path, headers such as referer,
      // the ATP rule group's user name field in its findings) can still carry an email address. CloudWatch Logs
      // masks it as it ingests WAF's records, as for any log group:
      // https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/mask-sensitive-log-data.html
      dataProtectionPolicy: maskingPolicy(
        props.maskedDataIdentifiers ?? DEFAULT_MASKED_DATA_IDENTIFIERS,
        this.maskingFindingsLogGroup,
      ),
    });
    this.logGroup.node.addDependency(findingsReady(this.maskingFindingsLogGroup));
    this.loggingConfiguration = new wafv2.CfnLoggingConfiguration(this, 'Logging', {
      resourceArn: this.webAcl.attrArn,
      // WAF wants the log group ARN without the trailing ':*'.
      logDestinationConfigs: [
        Stack.of(this).formatArn({
          service: 'logs',
          resource: 'log-group',
          resourceName: this.logGroup.logGroupName,
          arnFormat: ArnFormat.COLON_RESOURCE_NAME,
        }),
      ],
      // Credentials and session cookies never reach the logs, nor query strings, which carry booking links,
      // reset tokens and email addresses (checklist C7); the load balancer's access logs keep full URIs for 90
      // days. https://docs.aws.amazon.com/waf/latest/developerguide/logging-management.html (redacting fields)
      redactedFields: [
        ...WAF_REDACTED_HEADERS.map((name) => ({ singleHeader: { Name: name } })),
        { queryString: {} },
      ],
    });

    if (props.resourceArn) {
      this.associate(props.resourceArn);
    }
  }

  /** Protects another regional resource (an Application Load Balancer) with this web ACL. */
  public associate(resourceArn: string, id = 'Association'): wafv2.CfnWebACLAssociation {
    return new wafv2.CfnWebACLAssociation(this, id, { resourceArn, webAclArn: this.webAcl.attrArn });
  }

  private ipSets(prefix: string, ranges: string[]): wafv2.CfnIPSet[] {
    const v4 = ranges.filter((r) => !r.includes(':'));
    const v6 = ranges.filter((r) => r.includes(':'));
    const sets: wafv2.CfnIPSet[] = [];
    if (v4.length) {
      sets.push(
        new wafv2.CfnIPSet(this, `${prefix}Ipv4`, {
          scope: 'REGIONAL',
          ipAddressVersion: 'IPV4',
          addresses: v4,
        }),
      );
    }
    if (v6.length) {
      sets.push(
        new wafv2.CfnIPSet(this, `${prefix}Ipv6`, {
          scope: 'REGIONAL',
          ipAddressVersion: 'IPV6',
          addresses: v6,
        }),
      );
    }
    return sets;
  }
}

/** The account takeover prevention managed rule group of AWS WAF Fraud Control. */
export const ATP_RULE_GROUP = 'AWSManagedRulesATPRuleSet';

function pathStartsWith(path: string): wafv2.CfnWebACL.StatementProperty {
  return {
    byteMatchStatement: {
      fieldToMatch: { uriPath: {} },
      positionalConstraint: 'STARTS_WITH',
      searchString: path,
      textTransformations: [{ priority: 0, type: 'NONE' }],
    },
  };
}

function methodIs(method: string): wafv2.CfnWebACL.StatementProperty {
  return {
    byteMatchStatement: {
      fieldToMatch: { method: {} },
      positionalConstraint: 'EXACTLY',
      searchString: method,
      textTransformations: [{ priority: 0, type: 'NONE' }],
    },
  };
}

function ipSetMatch(set: wafv2.CfnIPSet): wafv2.CfnWebACL.StatementProperty {
  return { ipSetReferenceStatement: { arn: set.attrArn } };
}

/** WAF's OR statement needs two or more operands; one statement stands alone. */
function anyOf(statements: wafv2.CfnWebACL.StatementProperty[]): wafv2.CfnWebACL.StatementProperty {
  return statements.length === 1 ? statements[0] : { orStatement: { statements } };
}

function validate(
  scope: Construct,
  props: WebFirewallProps,
  rateLimit: number,
  sensitivePathRateLimit: number,
  sensitivePaths: string[],
  logRetention: logs.RetentionDays,
): void {
  const problems = new Problems();
  problems.range('rateLimit', rateLimit, MIN_RATE_LIMIT, MAX_RATE_LIMIT, 'requests per 5 minutes');
  problems.range(
    'sensitivePathRateLimit',
    sensitivePathRateLimit,
    MIN_RATE_LIMIT,
    MAX_RATE_LIMIT,
    'requests per 5 minutes',
  );
  problems.check(
    !Token.isUnresolved(rateLimit) &&
      !Token.isUnresolved(sensitivePathRateLimit) &&
      sensitivePathRateLimit > rateLimit,
    `\`sensitivePathRateLimit\` (${sensitivePathRateLimit}) must not be higher than \`rateLimit\` (${rateLimit}): sign-in and booking paths get the stricter limit`,
  );
  problems.check(
    sensitivePaths.length === 0 || sensitivePaths.some((p) => !p.startsWith('/')),
    `\`sensitivePaths\` must be one or more path prefixes starting with '/', got [${sensitivePaths.join(', ')}]`,
  );
  // The rule lower-cases the request's path before comparing, so a prefix with a capital letter never matches.
  const capitalized = sensitivePaths.filter((p) => !Token.isUnresolved(p) && p !== p.toLowerCase());
  problems.check(
    capitalized.length > 0,
    `\`sensitivePaths\` must be lower case (requests are compared by their lower-cased path), got ${capitalized.map((p) => `'${p}'`).join(', ')}`,
  );
  problems.add(...ipRangeProblems('allowedIpRanges', props.allowedIpRanges ?? [], true));
  problems.add(...ipRangeProblems('blockedIpRanges', props.blockedIpRanges ?? [], false));
  problems.add(...countryCodeProblems('blockedCountries', props.blockedCountries ?? []));
  problems.add(
    ...managedRuleGroupProblems(
      'additionalManagedRuleGroups',
      props.additionalManagedRuleGroups ?? [],
      Object.values(OptionalManagedRuleGroup),
    ),
  );
  problems.retention('logRetention', logRetention);
  problems.add(
    ...dataIdentifierProblems(
      'maskedDataIdentifiers',
      props.maskedDataIdentifiers ?? DEFAULT_MASKED_DATA_IDENTIFIERS,
    ),
  );
  const login = props.accountTakeoverPrevention;
  if (login) {
    problems.check(
      !login.path.startsWith('/'),
      `\`accountTakeoverPrevention.path\` must be the sign-in path, starting with '/', got '${login.path}'`,
    );
    for (const name of ['usernameField', 'passwordField'] as const) {
      const value = login[name];
      problems.check(
        login.payloadType === 'JSON' ? !/^\/\S+$/.test(value) : !/^[^/\s]\S*$/.test(value),
        login.payloadType === 'JSON'
          ? `\`accountTakeoverPrevention.${name}\` must be a JSON pointer like '/email' for a JSON payload, got '${value}'`
          : `\`accountTakeoverPrevention.${name}\` must be a form field name like 'email' for a form-encoded payload, got '${value}'`,
      );
    }
  }
  const signup = props.signupPaths;
  if (signup) {
    const all = [...signup.pages, ...(signup.api ?? [])];
    problems.check(
      signup.pages.length === 0 || all.some((p) => !p.startsWith('/')),
      `\`signupPaths\` must name one or more sign-up pages, and every path must start with '/', got pages [${signup.pages.join(', ')}], api [${(signup.api ?? []).join(', ')}]`,
    );
  }
  problems.throwIfAny(scope);
}
