/**
 * A small AWS Secrets Manager on 127.0.0.1 that speaks its JSON protocol (`X-Amz-Target:
 * secretsmanager.GetSecretValue`), with version stages, so the real `@aws-sdk/client-secrets-manager` client
 * can be tested end to end.
 */
import * as http from 'node:http';
import { LocalServer } from './local-server';

export class SecretsManagerServer extends LocalServer {
  /** Secret values by ARN and then by stage (`AWSCURRENT`, `AWSPREVIOUS`). */
  public readonly secrets = new Map<string, Record<string, Record<string, string>>>();
  /** Every request as `<target> <SecretId> <VersionStage>`. */
  public readonly calls: string[] = [];

  protected answer(req: http.IncomingMessage, raw: string, res: http.ServerResponse): void {
    const target = String(req.headers['x-amz-target']);
    const { SecretId, VersionStage = 'AWSCURRENT' } = JSON.parse(raw) as {
      SecretId: string;
      VersionStage?: string;
    };
    this.calls.push(`${target} ${SecretId} ${VersionStage}`);
    const value = this.secrets.get(SecretId)?.[VersionStage];
    res.setHeader('content-type', 'application/x-amz-json-1.1');
    if (target !== 'secretsmanager.GetSecretValue' || !value) {
      res.statusCode = 400;
      res.end(
        JSON.stringify({
          __type: 'ResourceNotFoundException',
          message: `Secrets Manager can't find the specified secret value for staging label: ${VersionStage}`,
        }),
      );
      return;
    }
    res.end(
      JSON.stringify({
        ARN: SecretId,
        Name: SecretId,
        SecretString: JSON.stringify(value),
        VersionId: `v-${VersionStage}`,
        VersionStages: [VersionStage],
      }),
    );
  }
}
