import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';

/** What one synth's `validation-report.json` says, in numbers. */
export interface ValidationSummary {
  /** Path of the report, or undefined when synth wrote none (nothing was reported). */
  readonly reportPath?: string;
  /** Violations that fail synth (severity error or fatal), as `pack: rule` entries, one per violating resource. */
  readonly failures: readonly string[];
  /** Violations reported as warnings. */
  readonly warnings: readonly string[];
}

/** The severity the report records for a plugin's own (here: the verdict, which reports nothing to fix). */
const CUSTOM_SEVERITY = 'custom';

interface ReportFile {
  readonly pluginReports: ReadonlyArray<{
    readonly pluginName: string;
    readonly violations: ReadonlyArray<{
      readonly ruleName: string;
      readonly severity?: string;
      readonly violatingConstructs?: readonly unknown[];
      readonly violatingResources?: readonly unknown[];
    }>;
  }>;
}

/**
 * Reads the validation report the CDK writes into a cloud assembly. Under the CDK CLI, the app itself does not
 * fail on findings (the CLI does, after reading this report), so the app reads it to tell the truth. A
 * violation of a severity of the plugin's own (the compliance verdict) is neither a failure nor a warning.
 */
export function summarizeValidationReport(assemblyDirectory: string): ValidationSummary {
  const reportPath = path.join(assemblyDirectory, 'validation-report.json');
  if (!existsSync(reportPath)) {
    return { failures: [], warnings: [] };
  }
  const report = JSON.parse(readFileSync(reportPath, 'utf8')) as ReportFile;
  const failures: string[] = [];
  const warnings: string[] = [];
  for (const plugin of report.pluginReports) {
    for (const violation of plugin.violations) {
      if (violation.severity === CUSTOM_SEVERITY) continue;
      const where = violation.violatingConstructs ?? violation.violatingResources ?? [undefined];
      const entry = `${plugin.pluginName}: ${violation.ruleName}`;
      const target = violation.severity === 'warning' || violation.severity === 'info' ? warnings : failures;
      for (let i = 0; i < Math.max(1, where.length); i++) {
        target.push(entry);
      }
    }
  }
  return { reportPath, failures, warnings };
}
