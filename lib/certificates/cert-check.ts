/**
 * `secure-scheduling cert-check`: the pipeline's preflight before `cdk deploy`. Finds the ACM certificates
 * that may serve the domain (or takes the one named by ARN), describes and assesses them (checklist C1).
 */
import { ACMClient } from '@aws-sdk/client-acm';
import {
  Command,
  CommandIo,
  parseCommandLine,
  printUsageError,
  usageLine,
  UsageError,
  wantsJson,
} from '../private/command-line';
import { AwsUnavailableError, CERTIFICATE_ARN, describeCertificate, findCertificates } from './acm-lookup';
import { assessCertificates, DEFAULT_CERTIFICATE_POLICY } from './assessment';
import { printResult, printUnavailable } from './check-output';

const CERT_CHECK_OPTIONS = {
  domain: {
    type: 'string',
    value: '<name>',
    required: true,
    description: 'Required. The name users reach the app at.',
  },
  region: {
    type: 'string',
    value: '<region>',
    description:
      "Region of the certificates. Default: the region of --arn, else the AWS SDK's configured region.",
  },
  arn: {
    type: 'string',
    value: '<certificate arn>',
    description: 'Check this certificate only, instead of searching.',
  },
  'min-days': {
    type: 'string',
    value: '<n>',
    description: `Fewer days left than this is CERT_EXPIRING. Default ${DEFAULT_CERTIFICATE_POLICY.minDaysLeft}.`,
  },
  json: { type: 'boolean', description: 'Print the result as one JSON document on standard output.' },
} as const;

/** `cert-check` as the CLI runs it: its options, its help and its run. */
export const CERT_CHECK_COMMAND: Command<typeof CERT_CHECK_OPTIONS> = {
  name: 'cert-check',
  summary: 'Before a deploy: finds the ACM certificates that may serve the domain and checks them.',
  exitCodes: '0 healthy, 1 findings, 2 bad usage, 3 AWS could not be asked',
  options: CERT_CHECK_OPTIONS,
  run: (args, io) => certCheck(args, io),
};

export const CERT_CHECK_USAGE = usageLine(CERT_CHECK_COMMAND);

/** What `cert-check` was asked. */
export interface CertCheckOptions {
  readonly domain: string;
  readonly region?: string;
  readonly arn?: string;
  readonly minDays: number;
  readonly json: boolean;
}

const DOMAIN_NAME = /^(\*\.)?([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}\.?$/i;
const REGION = /^[a-z]{2}(-gov)?-[a-z]+-\d$/;

/** Parses a non-negative whole number of days, as `--min-days` takes it. */
export function parseMinDays(value: string | undefined, fallback: number): number {
  if (value === undefined) {
    return fallback;
  }
  if (!/^\d{1,4}$/.test(value)) {
    throw new UsageError(`--min-days must be a whole number of days between 0 and 9999, got '${value}'`);
  }
  return Number(value);
}

/** Reads `cert-check`'s arguments; throws `UsageError` naming the option at fault. */
export function parseCertCheckArgs(args: string[]): CertCheckOptions {
  const { values } = parseCommandLine(CERT_CHECK_COMMAND, args);
  const problems: string[] = [];
  if (values.domain === undefined) {
    problems.push('--domain is required');
  } else if (!DOMAIN_NAME.test(values.domain)) {
    problems.push(`--domain must be a DNS name like schedule.example.com, got '${values.domain}'`);
  }
  if (values.region !== undefined && !REGION.test(values.region)) {
    problems.push(`--region must be an AWS region name like eu-west-1, got '${values.region}'`);
  }
  if (values.arn !== undefined && !CERTIFICATE_ARN.test(values.arn)) {
    problems.push(
      `--arn must be an ACM certificate ARN like arn:aws:acm:eu-west-1:111111111111:certificate/<id>, got '${values.arn}'`,
    );
  }
  let minDays = DEFAULT_CERTIFICATE_POLICY.minDaysLeft;
  try {
    minDays = parseMinDays(values['min-days'], minDays);
  } catch (error) {
    problems.push((error as Error).message);
  }
  if (problems.length > 0) {
    throw new UsageError(problems.join('; '));
  }
  return {
    domain: values.domain!,
    region: values.region,
    arn: values.arn,
    minDays,
    json: values.json ?? false,
  };
}

/**
 * Runs `cert-check` and returns its exit code. The ACM client takes credentials, region and endpoint from
 * the standard AWS SDK configuration chain; `--region`, else the region of `--arn`, overrides only the region.
 */
export async function certCheck(args: string[], io: CommandIo, now: Date = new Date()): Promise<number> {
  let options: CertCheckOptions;
  try {
    options = parseCertCheckArgs(args);
  } catch (error) {
    return printUsageError((error as Error).message, CERT_CHECK_USAGE, wantsJson(args), io);
  }
  const region = options.region ?? (options.arn ? CERTIFICATE_ARN.exec(options.arn)?.[1] : undefined);
  const client = new ACMClient(region ? { region } : {});
  const policy = { ...DEFAULT_CERTIFICATE_POLICY, minDaysLeft: options.minDays };
  try {
    let result;
    if (options.arn) {
      const detail = await describeCertificate(client, options.arn);
      result = assessCertificates(detail ? [detail] : [], options.domain, { policy, now, searched: false });
      if (!detail) {
        result = {
          ...result,
          findings: [
            {
              id: 'CERT_NOT_FOUND' as const,
              severity: 'error' as const,
              message: `ACM has no certificate ${options.arn} (deleted, or in another account or region)`,
              certificateArn: options.arn,
            },
          ],
        };
      }
    } else {
      const search = await findCertificates(client, options.domain);
      result = assessCertificates(search.candidates, options.domain, {
        policy,
        now,
        searched: true,
        listed: search.listed,
      });
    }
    return printResult(result, options.json, io, `certificate for ${options.domain}`);
  } catch (error) {
    if (error instanceof AwsUnavailableError || isSdkConfigurationError(error)) {
      return printUnavailable((error as Error).message, options.json, io);
    }
    throw error;
  } finally {
    client.destroy();
  }
}

/** Errors the SDK raises before sending anything: no region, no credentials. */
function isSdkConfigurationError(error: unknown): boolean {
  const name = (error as Error)?.name ?? '';
  const message = (error as Error)?.message ?? '';
  return name === 'CredentialsProviderError' || /region is missing|could not load credentials/i.test(message);
}
