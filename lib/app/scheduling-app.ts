import { Duration } from 'aws-cdk-lib';
import {
  CALCOM_DEFAULT_IMAGE,
  CALCOM_HEALTH_CHECK_GRACE,
  CALCOM_PREPARED_PATHS,
  CALCOM_START_COMMAND,
  CALCOM_WRITABLE_PATHS,
  DEFAULT_CONTAINER_USER,
} from '../private/defaults';
import {
  CALCOM_LOGIN_ENDPOINT,
  CALCOM_OPERATOR_PATHS,
  CALCOM_SIGNUP_PATHS,
} from '../ingress/calcom-operator-paths';
import { SecureSchedulingError } from '../errors';
import { LoginEndpoint, SignupPaths } from '../ingress/web-firewall';
import { calComIntegrationDomainNames } from '../network/integration-domains';

/** A secret the construct generates in Secrets Manager and hands to the container as an environment variable. */
export interface GeneratedSecret {
  /** Length of the random value. */
  readonly length: number;
  /** What the app uses it for; becomes the secret's description. */
  readonly description: string;
}

/**
 * How an app that reads one PostgreSQL URL (rather than libpq's PGHOST, PGUSER, ... variables) gets it. The
 * container starts a small shell step that composes the URL from the injected variables, then runs the
 * image's own start command, so the password is read from Secrets Manager when the task starts and never
 * appears in a template or a task definition.
 */
export interface DatabaseUrlWiring {
  /** Environment variables that receive the `postgresql://...?sslmode=require` URL, e.g. `DATABASE_URL`. */
  readonly urlVariables: readonly string[];
  /** Environment variables that receive `host:port`, e.g. for a wait-for-the-database step. */
  readonly hostPortVariables?: readonly string[];
  /** The image's own start command (its CMD), run with `exec` once the URL is set. */
  readonly startCommand: string;
}

/**
 * What runs in the container: the image and how the app inside it is configured. Use `SchedulingApp.calCom()`
 * for Cal.com or `SchedulingApp.container()` for any image that serves HTTP.
 */
export interface SchedulingAppDefinition {
  /** Short name used in descriptions and log stream prefixes. */
  readonly name: string;
  /**
   * The image, pinned to a version tag or digest (never `latest`). An Amazon ECR reference
   * (`<account>.dkr.ecr.<region>.amazonaws.com/<name>:<tag>` or `@sha256:...`) gets pull access granted for that
   * repository only; any other registry must be public.
   */
  readonly imageReference: string;
  /** Port the app listens on for plain HTTP inside the VPC. */
  readonly containerPort: number;
  /** Non-secret settings. */
  readonly environment: Readonly<Record<string, string>>;
  /** Secrets generated for the app, by environment variable name. */
  readonly generatedSecrets: Readonly<Record<string, GeneratedSecret>>;
  /** Path the load balancer probes; must answer 200 without a session. */
  readonly healthCheckPath: string;
  /**
   * Paths that must be writable, starting empty (a scratch volume is mounted at each); the rest of the file system
   * is read-only.
   */
  readonly writablePaths: readonly string[];
  /**
   * Directories of the image the app writes into when it starts (for example to put its real URL into build
   * output). Before the app starts, a preparation container of the same image, running as `user` with no Linux
   * capabilities and a read-only root, copies each into a task volume; the app then mounts that volume, writable,
   * at the same path, and the root file system stays read-only. The image needs `/bin/sh` and `cp`.
   * @default - none
   */
  readonly preparedPaths?: readonly string[];
  /**
   * Hand each task volume to `user` before anything else starts. Fargate creates bind mount volumes owned by root
   * with mode 0755, so a non-root app could not write to them otherwise; the step is a container of the same image
   * that runs `chown` as root with CAP_CHOWN as its only capability, on the empty volumes, and exits. Turn it off
   * only for an image whose Dockerfile declares each path as a `VOLUME` owned by its user (Fargate then copies
   * that directory and its ownership into the volume), or whose image has no `chown`.
   * @default true
   */
  readonly chownVolumes?: boolean;
  /**
   * How long a new task of this app may take to pass its first health checks (migrations included). The
   * service's own `healthCheckGracePeriod`, when given, wins.
   * @default - two minutes
   */
  readonly healthCheckGracePeriod?: Duration;
  /** User (uid:gid) the app runs as: never root. */
  readonly user: string;
  /** How the app reads a database URL, when it does; apps that read libpq's PG* variables need nothing. */
  readonly databaseUrl?: DatabaseUrlWiring;
  /**
   * The app's administration and setup paths (ALB path patterns), which only operators use: the stack puts a
   * sign-in with a second factor in front of them (checklist C2).
   * @default - none: the stack then needs `protectWholeApp` or its own `operatorPaths`
   */
  readonly operatorPaths?: readonly string[];
  /**
   * Domains the app's integrations call (calendars, video, payments), allowed by the outbound DNS firewall
   * besides the AWS endpoints (checklist C8).
   * @default - none
   */
  readonly outboundDomains?: readonly string[];
  /** Where the app's sign-in form posts credentials, for AWS WAF account-takeover prevention. @default - none */
  readonly loginEndpoint?: LoginEndpoint;
  /** The app's self sign-up pages and API, for a WAF challenge. @default - none */
  readonly signupPaths?: SignupPaths;
}

/** Options of the Cal.com preset. */
export interface CalComOptions {
  /** HTTPS URL users reach Cal.com at, e.g. `https://schedule.example.com`. */
  readonly publicUrl: string;
  /**
   * Cal.com image, pinned by tag or digest. Cal.com bakes its public URL into the build: for production, build
   * the image for your URL and push it to your registry (see docs/constructs.md).
   * @default - `calcom/cal.com:v5.5.0` from Docker Hub
   */
  readonly image?: string;
  /**
   * More non-secret settings for Cal.com (e.g. `EMAIL_FROM`). Telemetry stays off.
   * @default - none
   */
  readonly environment?: Record<string, string>;
}

/** Options for any container image that serves HTTP. */
export interface ContainerAppOptions {
  /** Short name of the app. */
  readonly name: string;
  /** Image reference, pinned by tag or digest, e.g. `ghcr.io/acme/booking@sha256:...`. */
  readonly image: string;
  /** Port the app listens on. */
  readonly containerPort: number;
  /**
   * Non-secret settings.
   * @default - none
   */
  readonly environment?: Record<string, string>;
  /**
   * Secrets to generate, by environment variable name.
   * @default - none
   */
  readonly generatedSecrets?: Record<string, GeneratedSecret>;
  /**
   * Path the load balancer probes.
   * @default '/'
   */
  readonly healthCheckPath?: string;
  /**
   * Writable paths (scratch volumes).
   * @default ['/tmp']
   */
  readonly writablePaths?: string[];
  /**
   * Image directories copied into writable task volumes before the app starts (see
   * `SchedulingAppDefinition.preparedPaths`).
   * @default - none
   */
  readonly preparedPaths?: string[];
  /**
   * Hand the task volumes to `user` before the app starts (see `SchedulingAppDefinition.chownVolumes`).
   * @default true
   */
  readonly chownVolumes?: boolean;
  /**
   * How long a new task may take to pass its first health checks.
   * @default - two minutes
   */
  readonly healthCheckGracePeriod?: Duration;
  /**
   * User (uid:gid) the app runs as.
   * @default '1000:1000'
   */
  readonly user?: string;
  /**
   * How the app reads a database URL.
   * @default - none: the app reads libpq's PGHOST, PGPORT, PGDATABASE, PGUSER, PGPASSWORD and PGSSLMODE
   */
  readonly databaseUrl?: DatabaseUrlWiring;
  /** Administration paths behind the operator sign-in (see `SchedulingAppDefinition.operatorPaths`). @default - none */
  readonly operatorPaths?: string[];
  /** Domains the app's integrations call (see `SchedulingAppDefinition.outboundDomains`). @default - none */
  readonly outboundDomains?: string[];
}

/** Ready-made app definitions. */
export class SchedulingApp {
  /**
   * Cal.com, the reference scheduling app: port 3000, NEXTAUTH_SECRET and CALENDSO_ENCRYPTION_KEY generated in
   * Secrets Manager, telemetry off.
   */
  public static calCom(options: CalComOptions): SchedulingAppDefinition {
    const image = options.image ?? CALCOM_DEFAULT_IMAGE;
    const preset: Record<string, string> = {
      NEXT_PUBLIC_WEBAPP_URL: options.publicUrl,
      NEXTAUTH_URL: `${options.publicUrl}/api/auth`,
      CALCOM_TELEMETRY_DISABLED: '1',
      NEXT_TELEMETRY_DISABLED: '1',
      NODE_ENV: 'production',
      // The root file system is read-only: tools that keep caches under $HOME (yarn, npm) use the scratch volume.
      HOME: '/tmp',
    };
    // Refused rather than replaced: a value the caller wrote never disappears without a word.
    const clashes = Object.keys(options.environment ?? {}).filter((n) => Object.hasOwn(preset, n));
    if (clashes.length > 0) {
      throw new SecureSchedulingError('INVALID_PROP', [
        `\`environment\` must not set ${clashes.join(', ')}: SchedulingApp.calCom() sets ${clashes.length === 1 ? 'it' : 'them'} (the public URL from \`publicUrl\`, telemetry off, production mode, HOME on the scratch volume)`,
      ]);
    }
    return {
      name: 'calcom',
      imageReference: image,
      containerPort: 3000,
      environment: { ...options.environment, ...preset },
      generatedSecrets: {
        NEXTAUTH_SECRET: { length: 48, description: 'Signs Cal.com session tokens (NEXTAUTH_SECRET)' },
        // Cal.com encrypts stored calendar and app credentials with this AES-256 key: 32 characters.
        CALENDSO_ENCRYPTION_KEY: {
          length: 32,
          description: 'Encrypts credentials Cal.com stores (CALENDSO_ENCRYPTION_KEY)',
        },
      },
      healthCheckPath: '/auth/login',
      writablePaths: [...CALCOM_WRITABLE_PATHS],
      // The start script rewrites the build-time URL in these with `sed -i` (docs/first-deploy.md).
      preparedPaths: [...CALCOM_PREPARED_PATHS],
      // The first start applies every migration to an empty database.
      healthCheckGracePeriod: CALCOM_HEALTH_CHECK_GRACE,
      user: DEFAULT_CONTAINER_USER,
      // Prisma reads DATABASE_URL (and DATABASE_DIRECT_URL for migrations); the image's start script waits
      // for DATABASE_HOST before migrating.
      databaseUrl: {
        urlVariables: ['DATABASE_URL', 'DATABASE_DIRECT_URL'],
        hostPortVariables: ['DATABASE_HOST'],
        startCommand: CALCOM_START_COMMAND,
      },
      operatorPaths: [...CALCOM_OPERATOR_PATHS],
      outboundDomains: calComIntegrationDomainNames(),
      loginEndpoint: CALCOM_LOGIN_ENDPOINT,
      signupPaths: CALCOM_SIGNUP_PATHS,
    };
  }

  /** Any container image that serves HTTP on one port. */
  public static container(options: ContainerAppOptions): SchedulingAppDefinition {
    return {
      name: options.name,
      imageReference: options.image,
      containerPort: options.containerPort,
      environment: options.environment ?? {},
      generatedSecrets: options.generatedSecrets ?? {},
      healthCheckPath: options.healthCheckPath ?? '/',
      writablePaths: options.writablePaths ?? ['/tmp'],
      preparedPaths: options.preparedPaths,
      chownVolumes: options.chownVolumes,
      healthCheckGracePeriod: options.healthCheckGracePeriod,
      user: options.user ?? DEFAULT_CONTAINER_USER,
      databaseUrl: options.databaseUrl,
      operatorPaths: options.operatorPaths,
      outboundDomains: options.outboundDomains,
    };
  }
}
