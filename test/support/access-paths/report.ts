/**
 * The matrix for people: one line per path (terminal), a Markdown table (docs/access-paths.md), and the list
 * of what failed.
 */
import { MatrixRow, Verdict } from './types';

const mark = (v: Verdict) =>
  v.decision === 'Allowed' ? 'allowed' : v.decision === 'Unevaluated' ? 'NOT EVALUATED' : 'denied';

/** The rows that fail: a denied or unevaluated path, or an allowed twin. */
export function matrixFailures(rows: readonly MatrixRow[]): string[] {
  const failures: string[] = [];
  for (const row of rows) {
    if (row.verdict.decision !== 'Allowed') {
      failures.push(
        `${row.path.description} [${row.path.request.action}]: ${mark(row.verdict)}: ${row.verdict.deciding}`,
      );
    }
    for (const twin of row.twins) {
      if (twin.verdict.decision === 'Allowed' || twin.verdict.decision === 'Unevaluated') {
        failures.push(
          `${row.path.description} [${row.path.request.action}], twin "${twin.label}": ${twin.verdict.decision === 'Allowed' ? 'ALLOWED' : 'NOT EVALUATED'}: ${twin.verdict.deciding}`,
        );
      }
    }
  }
  return failures;
}

/** Plain text, one block per path. */
export function formatMatrix(rows: readonly MatrixRow[]): string {
  return rows
    .map((row) => {
      const twins = row.twins.map((t) => `${t.label}: ${mark(t.verdict)}`).join('; ');
      return [
        `${row.proven ? 'ok  ' : 'FAIL'} ${row.path.kind}: ${row.path.description}`,
        `     ${row.path.request.principal} → ${row.path.request.action} → ${row.path.request.resource}`,
        `     ${mark(row.verdict)}: ${row.verdict.deciding}`,
        ...(row.verdict.standIn.length > 0 ? [`     stand-in: ${row.verdict.standIn.join('; ')}`] : []),
        `     twins: ${twins || 'none'}`,
      ].join('\n');
    })
    .join('\n');
}

const cell = (text: string) => text.replace(/\|/g, '\\|').replace(/\n/g, ' ');

/** A Markdown table of the matrix (the principal and the resource's ARN too, with `arns`). */
export function markdownTable(rows: readonly MatrixRow[], { arns = false } = {}): string {
  const lines = [
    `| Kind | Path | ${arns ? 'Principal → action → resource' : 'Action'} | Decision | Deciding statement | Negative twins | Proven |`,
    '| --- | --- | --- | --- | --- | --- | --- |',
  ];
  for (const row of rows) {
    const r = row.path.request;
    const request = arns ? `\`${r.principal}\` → \`${r.action}\` → \`${r.resource}\`` : `\`${r.action}\``;
    const twins = row.twins.map((t) => `${t.label}: ${mark(t.verdict)}`).join('; ') || 'none';
    lines.push(
      `| ${row.path.kind} | ${cell(row.path.description)} | ${cell(request)} | ${mark(row.verdict)} | ${cell(row.verdict.deciding)} | ${cell(twins)} | ${row.proven ? 'yes' : '**no**'} |`,
    );
  }
  return lines.join('\n');
}
