/**
 * Reads certificates from AWS Certificate Manager for the assessment. Used by the `cert-check` command and
 * by the certificate monitor's Lambda function; the client is passed in, so credentials, region and endpoint
 * come from the standard AWS SDK configuration chain of whoever builds it.
 */
import {
  ACMClient,
  CertificateDetail,
  CertificateSummary,
  DescribeCertificateCommand,
  KeyAlgorithm,
  paginateListCertificates,
} from '@aws-sdk/client-acm';
import { certificateCovers, nameCovers } from './assessment';

/**
 * Every key algorithm ACM knows. ListCertificates returns only RSA 1024 and RSA 2048 certificates unless
 * asked for the others, which would hide an ECDSA or RSA 4096 certificate from the search.
 */
export const ALL_KEY_TYPES: readonly KeyAlgorithm[] = Object.values(KeyAlgorithm);

/** AWS could not be asked: no credentials, access denied, throttled past the retries, unreachable. */
export class AwsUnavailableError extends Error {
  constructor(
    message: string,
    /** The SDK's error name, e.g. `AccessDeniedException`. */
    public readonly errorName: string,
  ) {
    super(message);
    this.name = 'AwsUnavailableError';
  }
}

/** The certificates of the account and region that may serve `domain`, and how many were listed in all. */
export interface CertificateSearch {
  readonly listed: number;
  readonly candidates: CertificateDetail[];
}

/**
 * Lists every certificate of the client's account and region (all pages, all key types) and describes those
 * whose names could cover `domain`. A summary lists at most a hundred names; one that has more is described
 * to be sure.
 */
export async function findCertificates(client: ACMClient, domain: string): Promise<CertificateSearch> {
  const maybe: CertificateSummary[] = [];
  let listed = 0;
  try {
    for await (const page of paginateListCertificates(
      { client, pageSize: 100 },
      { Includes: { keyTypes: [...ALL_KEY_TYPES] } },
    )) {
      for (const summary of page.CertificateSummaryList ?? []) {
        listed++;
        const names = [summary.DomainName ?? '', ...(summary.SubjectAlternativeNameSummaries ?? [])];
        if (summary.HasAdditionalSubjectAlternativeNames || names.some((n) => nameCovers(n, domain))) {
          maybe.push(summary);
        }
      }
    }
  } catch (error) {
    throw unavailable(error, 'list the certificates');
  }
  const candidates: CertificateDetail[] = [];
  for (const summary of maybe) {
    const detail = summary.CertificateArn
      ? await describeCertificate(client, summary.CertificateArn)
      : undefined;
    // A certificate deleted between the two calls is simply no longer a candidate.
    if (detail && certificateCovers(detail, domain)) {
      candidates.push(detail);
    }
  }
  return { listed, candidates };
}

/** Describes one certificate; `undefined` when ACM has no certificate with that ARN. */
export async function describeCertificate(
  client: ACMClient,
  certificateArn: string,
): Promise<CertificateDetail | undefined> {
  try {
    const out = await client.send(new DescribeCertificateCommand({ CertificateArn: certificateArn }));
    return out.Certificate;
  } catch (error) {
    if ((error as Error).name === 'ResourceNotFoundException') {
      return undefined;
    }
    throw unavailable(error, `describe ${certificateArn}`);
  }
}

/** Wraps what the SDK threw in words that say what could not be done and why. */
function unavailable(error: unknown, doing: string): AwsUnavailableError {
  const e = error as Error & { $metadata?: { attempts?: number } };
  const attempts = e.$metadata?.attempts;
  const after = attempts && attempts > 1 ? ` after ${attempts} attempts` : '';
  return new AwsUnavailableError(`could not ${doing}${after}: ${e.name}: ${e.message}`, e.name);
}

/** Pattern of an ACM certificate ARN; the region is its fourth field. */
export const CERTIFICATE_ARN =
  /^arn:aws[a-z-]*:acm:([a-z]{2}(?:-gov)?-[a-z]+-\d):(\d{12}):certificate\/[\w-]+$/;
