/**
 * A small AWS Backup on 127.0.0.1 that speaks its REST-JSON protocol for PutRestoreValidationResult
 * (`PUT /restore-jobs/{RestoreJobId}/validations`, answered 204), so the real `@aws-sdk/client-backup` client can
 * be tested end to end.
 */
import * as http from 'node:http';
import { LocalServer } from './local-server';

export interface ReportedValidation {
  readonly restoreJobId: string;
  readonly status: string;
  readonly message?: string;
}

export class BackupServer extends LocalServer {
  public readonly validations: ReportedValidation[] = [];

  protected answer(req: http.IncomingMessage, raw: string, res: http.ServerResponse): void {
    const match = /^\/restore-jobs\/([^/]+)\/validations$/.exec(req.url ?? '');
    if (req.method !== 'PUT' || !match) {
      res.writeHead(404, {
        'content-type': 'application/json',
        'x-amzn-errortype': 'ResourceNotFoundException',
      });
      res.end(JSON.stringify({ Message: `no route ${req.method} ${req.url}` }));
      return;
    }
    const body = JSON.parse(raw) as { ValidationStatus: string; ValidationStatusMessage?: string };
    this.validations.push({
      restoreJobId: decodeURIComponent(match[1]),
      status: body.ValidationStatus,
      message: body.ValidationStatusMessage,
    });
    res.writeHead(204);
    res.end();
  }
}
