/**
 * `secure-scheduling cert-check`: the pipeline's preflight before `cdk deploy`. Finds the ACM certificates
 * that may serve the domain (or takes the one named by ARN), describes and assesses them (checklist C1).
 */
import { parseArgs } from 'node:util';
import { ACMClient } from '@aws-sdk/client-acm';
import { AwsUnavailableError, CERTIFICATE_ARN, describeCertificate, findCertificates } from './acm-lookup';
import { assessCertificates, DEFAULT_CERTIFICATE_POLICY } from './assessment';
import { CommandIo, EXIT_CODES, printResult, printUnavailable, UsageError } from './check-output';

export const CERT_CHECK_USAGE =
  'usage: secure-scheduling cert-check --domain <name> [--region <region>] [--arn <certificate arn>] [--min-days <n>] [--json]';

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
  let values;
  try {
    ({ values } = parseArgs({
      args,
      options: {
        domain: { type: 'string' },
        region: { type: 'string' },
        arn: { type: 'string' },
        'min-days': { type: 'string' },
        json: { type: 'boolean', default: false },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
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
    io.err(`secure-scheduling: ${(error as Error).message}\n${CERT_CHECK_USAGE}`);
    return EXIT_CODES.USAGE;
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
