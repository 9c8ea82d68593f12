import { Aws, Duration, Fn, RemovalPolicy, SecretValue, Stack, Token } from 'aws-cdk-lib';
import * as cognito from 'aws-cdk-lib/aws-cognito';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import * as elbv2Actions from 'aws-cdk-lib/aws-elasticloadbalancingv2-actions';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import {
  DEFAULT_OPERATOR_SESSION_TIMEOUT,
  MAX_OPERATOR_PASSWORD_LENGTH,
  MAX_OPERATOR_SESSION_TIMEOUT,
  MIN_OPERATOR_PASSWORD_LENGTH,
  OPERATOR_PASSWORD_HISTORY,
  OPERATOR_TEMPORARY_PASSWORD_VALIDITY,
} from '../private/defaults';
import { acknowledge } from '../compliance/acknowledgements';
import { Problems } from '../private/problems';

/**
 * Where ALB sends a user back after the identity provider signed them in: `https://<name>/oauth2/idpresponse`
 * for each name users reach the load balancer at. ALB serves this path itself.
 * https://docs.aws.amazon.com/elasticloadbalancing/latest/application/listener-authenticate-users.html
 */
export const ALB_IDP_RESPONSE_PATH = '/oauth2/idpresponse';

/**
 * A Cognito prefix domain: lower-case letters, digits and inner hyphens, 1 to 63 characters.
 * https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_CreateUserPoolDomain.html
 */
const DOMAIN_PREFIX = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;

/**
 * Words a Cognito prefix domain may not contain: AWS keeps them for its own names.
 * https://docs.aws.amazon.com/cognito/latest/developerguide/cognito-user-pools-assign-domain-prefix.html
 */
const RESERVED_PREFIX_WORDS: readonly string[] = ['aws', 'amazon', 'cognito'];

/** How an operator login answers a request without a session: send the browser to the sign-in page. */
const ON_UNAUTHENTICATED = elbv2.UnauthenticatedAction.AUTHENTICATE;

/** The scope ALB asks the identity provider for: an OpenID Connect sign-in, no more. */
const OPENID_SCOPE = 'openid';

/**
 * A sign-in the load balancer runs before it forwards a request (checklist C2): either the Cognito user pool of
 * `OperatorLogin`, or an OpenID Connect identity provider of the organization (`OperatorLogin.oidc(...)`).
 */
export interface IOperatorLogin {
  /** `cognito` for the user pool this library creates, `oidc` for an identity provider of the organization. */
  readonly kind: 'cognito' | 'oidc';

  /** How long the load balancer's session lasts before it asks the identity provider again. */
  readonly sessionTimeout: Duration;

  /**
   * The host names the identity provider sends users back to, when the stack configures them (Cognito). A load
   * balancer answering at another name could not complete a sign-in.
   */
  readonly callbackHostNames?: readonly string[];

  /**
   * An action that signs the user in (redirecting a browser without a session to the identity provider), then
   * forwards to `targetGroups`. The load balancer needs outbound HTTPS to the identity provider's token and
   * user-info endpoints; `TlsLoadBalancer` opens it.
   */
  authenticateThenForward(targetGroups: elbv2.IApplicationTargetGroup[]): elbv2.ListenerAction;
}

export interface OperatorLoginProps {
  /**
   * Every name users reach the load balancer at (`TlsLoadBalancer.hostNames`): each gets a callback URL
   * `https://<name>/oauth2/idpresponse` on the app client.
   */
  readonly hostNames: readonly string[];

  /**
   * Shortest password an operator may set; lower case, upper case, digits and symbols are always required.
   * @default 14
   */
  readonly minPasswordLength?: number;

  /**
   * How long the load balancer's session cookie lasts before the operator signs in again (at most 7 days).
   * @default Duration.hours(1)
   */
  readonly sessionTimeout?: Duration;

  /**
   * Cognito threat protection (compromised-credential checks, adaptive authentication, enforced): needs the
   * Plus feature plan, billed for every monthly active user with no free tier (see docs/operator-access.md).
   * @default false - the Essentials feature plan, no threat protection
   */
  readonly threatProtection?: boolean;

  /**
   * Prefix of the Cognito domain that hosts the sign-in pages (`<prefix>.auth.<region>.amazoncognito.com`):
   * lower-case letters, digits and hyphens, without `aws`, `amazon` or `cognito`, unique in the region.
   * @default - derived from the stack name plus the first block of the stack's id, e.g. `scheduling-operators-1a2b3c4d`
   */
  readonly domainPrefix?: string;
}

/** An OpenID Connect identity provider of the organization, which must itself require a second factor. */
export interface OidcOperatorLoginProps {
  /** The identity provider's issuer identifier, an `https://` URL. */
  readonly issuer: string;
  /** Its authorization endpoint, an `https://` URL. */
  readonly authorizationEndpoint: string;
  /** Its token endpoint, an `https://` URL; the load balancer calls it. */
  readonly tokenEndpoint: string;
  /** Its user-info endpoint, an `https://` URL; the load balancer calls it. */
  readonly userInfoEndpoint: string;
  /** The client id of the app registered at the identity provider for the load balancer. */
  readonly clientId: string;
  /**
   * The secret that holds the client secret, as its whole SecretString. It reaches the listener rule as a
   * CloudFormation dynamic reference, resolved at deploy time, never as text in the template.
   */
  readonly clientSecret: secretsmanager.ISecret;
  /**
   * Claims asked of the identity provider, space-separated; must include `openid`.
   * @default 'openid'
   */
  readonly scope?: string;
  /**
   * How long the load balancer's session cookie lasts before the operator signs in again (at most 7 days).
   * @default Duration.hours(1)
   */
  readonly sessionTimeout?: Duration;
}

/**
 * The sign-in of the operators, required by the load balancer in front of the paths only administrators use
 * (checklist C2). By default a Cognito user pool of this stack: MFA required with an authenticator app (TOTP; no
 * SMS), passwords of 14+ characters of four classes that may not repeat the last 24, no self sign-up (an
 * administrator creates each operator, who gets an invitation by email), account recovery by email only, a
 * Cognito prefix domain for the sign-in pages, and an app client for the load balancer (client secret,
 * authorization code grant, `openid`, one callback URL per host name). The pool is retained and protected from
 * deletion: it holds the operators' enrolled second factors.
 *
 * For an organization whose identity provider already requires MFA, `OperatorLogin.oidc(...)` uses that provider
 * instead; no user pool is created.
 */
export class OperatorLogin extends Construct implements IOperatorLogin {
  /**
   * An OpenID Connect identity provider of the organization instead of a user pool. The provider must require a
   * second factor itself: the load balancer cannot tell (see docs/operator-access.md for how a reviewer checks).
   */
  public static oidc(props: OidcOperatorLoginProps): IOperatorLogin {
    return new OidcOperatorLogin(props);
  }

  public readonly kind = 'cognito' as const;
  /** The user pool of the operators. */
  public readonly userPool: cognito.UserPool;
  /** The app client the load balancer signs operators in with. */
  public readonly userPoolClient: cognito.UserPoolClient;
  /** The Cognito prefix domain of the sign-in pages. */
  public readonly userPoolDomain: cognito.UserPoolDomain;
  /** How long the load balancer's session lasts. */
  public readonly sessionTimeout: Duration;
  /** The names the app client accepts callbacks at. */
  public readonly callbackHostNames: readonly string[];
  /** Whether the pool is on the Plus plan with threat protection enforced. */
  public readonly threatProtection: boolean;

  constructor(scope: Construct, id: string, props: OperatorLoginProps) {
    super(scope, id);

    const minPasswordLength = props.minPasswordLength ?? MIN_OPERATOR_PASSWORD_LENGTH;
    this.sessionTimeout = props.sessionTimeout ?? DEFAULT_OPERATOR_SESSION_TIMEOUT;
    this.threatProtection = props.threatProtection ?? false;
    this.callbackHostNames = [...props.hostNames];
    const problems = new Problems();
    problems.check(
      !Token.isUnresolved(minPasswordLength) &&
        (!Number.isInteger(minPasswordLength) ||
          minPasswordLength < MIN_OPERATOR_PASSWORD_LENGTH ||
          minPasswordLength > MAX_OPERATOR_PASSWORD_LENGTH),
      `\`minPasswordLength\` must be an integer between ${MIN_OPERATOR_PASSWORD_LENGTH} and ${MAX_OPERATOR_PASSWORD_LENGTH} (checklist C2), got ${minPasswordLength}`,
    );
    checkSessionTimeout(problems, this.sessionTimeout);
    problems.check(
      props.hostNames.length === 0,
      '`hostNames` must name at least one host: the app client needs a callback URL per name the load balancer answers at',
    );
    const badHosts = props.hostNames.filter((h) => !Token.isUnresolved(h) && !/^[a-z0-9.-]+$/.test(h));
    problems.check(
      badHosts.length > 0,
      `\`hostNames\` must be lower-case host names like 'schedule.example.com', got ${badHosts.map((h) => `'${h}'`).join(', ')}`,
    );
    if (props.domainPrefix !== undefined && !Token.isUnresolved(props.domainPrefix)) {
      problems.add(...domainPrefixProblems(props.domainPrefix));
    }
    problems.throwIfAny(this);

    this.userPool = new cognito.UserPool(this, 'UserPool', {
      // Operators are created by an administrator (docs/operator-access.md), never by themselves.
      selfSignUpEnabled: false,
      signInAliases: { email: true },
      signInCaseSensitive: false,
      autoVerify: { email: true },
      userInvitation: {
        emailSubject: 'Your operator account for the scheduling app',
        emailBody:
          'An operator account was created for you. User name: {username}. Temporary password: {####}. ' +
          'At the first sign-in you choose a new password and enrol an authenticator app; it is asked for at every sign-in.',
      },
      mfa: cognito.Mfa.REQUIRED,
      // An authenticator app only: SMS codes can be intercepted (SIM swap) and cost per message.
      mfaSecondFactor: { sms: false, otp: true, email: false },
      passwordPolicy: {
        minLength: minPasswordLength,
        requireLowercase: true,
        requireUppercase: true,
        requireDigits: true,
        requireSymbols: true,
        passwordHistorySize: OPERATOR_PASSWORD_HISTORY,
        tempPasswordValidity: OPERATOR_TEMPORARY_PASSWORD_VALIDITY,
      },
      accountRecovery: cognito.AccountRecovery.EMAIL_ONLY,
      featurePlan: this.threatProtection ? cognito.FeaturePlan.PLUS : cognito.FeaturePlan.ESSENTIALS,
      standardThreatProtectionMode: this.threatProtection
        ? cognito.StandardThreatProtectionMode.FULL_FUNCTION
        : undefined,
      // The pool holds every operator and their enrolled authenticators: never deleted with the stack.
      deletionProtection: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    if (!this.threatProtection) {
      // The Plus plan's threat protection is an opt-in (priced per MAU): reported, with what stands instead.
      acknowledge(this.userPool, 'operatorUserPoolEssentials');
    }

    const domainPrefix = props.domainPrefix ?? derivedDomainPrefix(Stack.of(this));
    this.userPoolDomain = this.userPool.addDomain('Domain', { cognitoDomain: { domainPrefix } });

    this.userPoolClient = this.userPool.addClient('LoadBalancerClient', {
      // ALB exchanges the authorization code itself and authenticates with the client secret.
      generateSecret: true,
      authFlows: { userSrp: true },
      oAuth: {
        flows: { authorizationCodeGrant: true },
        scopes: [cognito.OAuthScope.OPENID],
        callbackUrls: this.callbackHostNames.map((host) => `https://${host}${ALB_IDP_RESPONSE_PATH}`),
      },
      supportedIdentityProviders: [cognito.UserPoolClientIdentityProvider.COGNITO],
      preventUserExistenceErrors: true,
      enableTokenRevocation: true,
      idTokenValidity: Duration.hours(1),
      accessTokenValidity: Duration.hours(1),
      // Cognito's shortest refresh token is an hour; no longer than the load balancer's session.
      refreshTokenValidity: Duration.seconds(Math.max(3600, this.sessionTimeout.toSeconds())),
    });
  }

  public authenticateThenForward(targetGroups: elbv2.IApplicationTargetGroup[]): elbv2.ListenerAction {
    return new elbv2Actions.AuthenticateCognitoAction({
      userPool: this.userPool,
      userPoolClient: this.userPoolClient,
      userPoolDomain: this.userPoolDomain,
      scope: OPENID_SCOPE,
      sessionTimeout: this.sessionTimeout,
      onUnauthenticatedRequest: ON_UNAUTHENTICATED,
      // TlsLoadBalancer opens outbound HTTPS once, for every login kind.
      allowHttpsOutbound: false,
      next: elbv2.ListenerAction.forward(targetGroups),
    });
  }

  /** The sign-in page's base URL, `https://<prefix>.auth.<region>.amazoncognito.com`. */
  public get signInBaseUrl(): string {
    return this.userPoolDomain.baseUrl();
  }
}

/** `OperatorLogin.oidc(...)`: the organization's identity provider, through ALB's authenticate-oidc action. */
class OidcOperatorLogin implements IOperatorLogin {
  public readonly kind = 'oidc' as const;
  public readonly sessionTimeout: Duration;
  private readonly scope: string;

  constructor(private readonly props: OidcOperatorLoginProps) {
    this.sessionTimeout = props.sessionTimeout ?? DEFAULT_OPERATOR_SESSION_TIMEOUT;
    this.scope = props.scope ?? OPENID_SCOPE;
    const problems = new Problems();
    for (const name of ['issuer', 'authorizationEndpoint', 'tokenEndpoint', 'userInfoEndpoint'] as const) {
      const value = props[name];
      problems.check(
        !Token.isUnresolved(value) && !isHttpsUrl(value),
        `\`${name}\` must be an https:// URL (ALB talks to the identity provider over TLS only), got '${value}'`,
      );
    }
    problems.check(
      !Token.isUnresolved(props.clientId) && props.clientId.trim() === '',
      '`clientId` must name the client registered at the identity provider, got an empty string',
    );
    problems.check(
      !Token.isUnresolved(this.scope) && !this.scope.split(' ').includes(OPENID_SCOPE),
      `\`scope\` must include 'openid' (an OpenID Connect sign-in), got '${this.scope}'`,
    );
    checkSessionTimeout(problems, this.sessionTimeout);
    problems.throwIfAny(props.clientSecret);
  }

  public authenticateThenForward(targetGroups: elbv2.IApplicationTargetGroup[]): elbv2.ListenerAction {
    return elbv2.ListenerAction.authenticateOidc({
      issuer: this.props.issuer,
      authorizationEndpoint: this.props.authorizationEndpoint,
      tokenEndpoint: this.props.tokenEndpoint,
      userInfoEndpoint: this.props.userInfoEndpoint,
      clientId: this.props.clientId,
      // `{{resolve:secretsmanager:...}}`: CloudFormation reads the secret at deploy time.
      clientSecret: SecretValue.secretsManager(this.props.clientSecret.secretArn),
      scope: this.scope,
      sessionTimeout: this.sessionTimeout,
      onUnauthenticatedRequest: ON_UNAUTHENTICATED,
      allowHttpsOutbound: false,
      next: elbv2.ListenerAction.forward(targetGroups),
    });
  }
}

function checkSessionTimeout(problems: Problems, timeout: Duration): void {
  const millis = timeout.toMilliseconds();
  problems.check(
    !Token.isUnresolved(millis) &&
      (millis < 1000 || millis % 1000 !== 0 || millis > MAX_OPERATOR_SESSION_TIMEOUT.toMilliseconds()),
    `\`sessionTimeout\` must be whole seconds between 1 second and 7 days (ALB's limit), got ${timeout.toHumanString()}`,
  );
}

function isHttpsUrl(value: string): boolean {
  try {
    return new URL(value).protocol === 'https:';
  } catch {
    return false;
  }
}

/** What is wrong with a Cognito prefix domain, as messages naming the prop. */
export function domainPrefixProblems(prefix: string): string[] {
  const problems: string[] = [];
  if (!DOMAIN_PREFIX.test(prefix)) {
    problems.push(
      `\`domainPrefix\` must be 1 to 63 lower-case letters, digits and hyphens, not starting or ending with a hyphen, got '${prefix}'`,
    );
  }
  const reserved = RESERVED_PREFIX_WORDS.filter((word) => prefix.includes(word));
  if (reserved.length > 0) {
    problems.push(
      `\`domainPrefix\` must not contain ${reserved.map((w) => `'${w}'`).join(', ')} (reserved by AWS), got '${prefix}'`,
    );
  }
  return problems;
}

/**
 * `<stack name, slugged, without reserved words>-operators-<first block of the stack's UUID>`: readable, stable
 * for the life of the stack, and unique in the region without a lookup (prefix domains are global per region).
 */
function derivedDomainPrefix(stack: Stack): string {
  const name = Token.isUnresolved(stack.stackName) ? '' : stack.stackName.toLowerCase();
  const slug =
    RESERVED_PREFIX_WORDS.reduce((s, word) => s.split(word).join('-'), name)
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-+|-+$/g, '')
      .slice(0, 40)
      .replace(/-+$/, '') || 'scheduling';
  // arn:aws:cloudformation:<region>:<account>:stack/<name>/<uuid>: the first 8 hex digits of the uuid.
  const uuid = Fn.select(2, Fn.split('/', Aws.STACK_ID));
  return Fn.join('', [`${slug}-operators-`, Fn.select(0, Fn.split('-', uuid))]);
}
