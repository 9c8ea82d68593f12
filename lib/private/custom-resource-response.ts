/** What a custom resource's function answers CloudFormation. */
export interface CustomResourceAnswer {
  readonly Status: 'SUCCESS' | 'FAILED';
  readonly Reason?: string;
  readonly Data?: Record<string, string>;
}

/** The parts of a custom resource event the answer names. */
export interface CustomResourceRequest {
  readonly ResponseURL: string;
  readonly StackId: string;
  readonly RequestId: string;
  readonly LogicalResourceId: string;
}

/** The part of a CloudFormation custom resource request the library's deploy-time functions read. */
export interface CustomResourceEvent extends CustomResourceRequest {
  readonly RequestType: 'Create' | 'Update' | 'Delete';
  readonly PhysicalResourceId?: string;
  readonly ResourceProperties: Record<string, string>;
}

/**
 * PUTs the answer to the pre-signed URL CloudFormation gave, with an empty content type, as it expects
 * (CloudFormation User Guide, crpg-ref-responses.html). Shared by the library's deploy-time functions.
 */
export async function respondToCloudFormation(
  event: CustomResourceRequest,
  physicalResourceId: string,
  answer: CustomResourceAnswer,
): Promise<void> {
  const body = JSON.stringify({
    ...answer,
    Reason: answer.Reason ?? 'See the function log',
    PhysicalResourceId: physicalResourceId,
    StackId: event.StackId,
    RequestId: event.RequestId,
    LogicalResourceId: event.LogicalResourceId,
    NoEcho: false,
  });
  const response = await fetch(event.ResponseURL, { method: 'PUT', headers: { 'content-type': '' }, body });
  if (!response.ok) {
    throw new Error(`CloudFormation's response URL answered ${response.status}`);
  }
}
