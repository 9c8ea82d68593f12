/**
 * What a code scanner needs of a SARIF 2.1.0 log (the schema's required members, and what GitHub code scanning
 * requires to place a result): problems found, or none.
 */
export function sarifProblems(log: unknown): string[] {
  const problems: string[] = [];
  const sarif = log as {
    $schema?: unknown;
    version?: unknown;
    runs?: Array<{
      tool?: { driver?: { name?: unknown; rules?: Array<{ id?: unknown }> } };
      results?: Array<{
        ruleId?: unknown;
        ruleIndex?: unknown;
        level?: unknown;
        message?: { text?: unknown };
        locations?: Array<{
          physicalLocation?: {
            artifactLocation?: { uri?: unknown; uriBaseId?: unknown };
            region?: { startLine?: unknown };
          };
        }>;
      }>;
    }>;
  };
  if (sarif.version !== '2.1.0') problems.push(`version is ${String(sarif.version)}`);
  if (typeof sarif.$schema !== 'string' || !/sarif.*2\.1\.0/.test(sarif.$schema))
    problems.push('no 2.1.0 $schema');
  if (!Array.isArray(sarif.runs) || sarif.runs.length === 0) return [...problems, 'no runs'];
  sarif.runs.forEach((run, r) => {
    const driver = run.tool?.driver;
    if (typeof driver?.name !== 'string') problems.push(`run ${r}: no tool.driver.name`);
    const ids = (driver?.rules ?? []).map((rule) => rule.id);
    if (ids.some((id) => typeof id !== 'string')) problems.push(`run ${r}: a rule without an id`);
    if (new Set(ids).size !== ids.length) problems.push(`run ${r}: rule ids repeat`);
    (run.results ?? []).forEach((result, i) => {
      const where = `run ${r} result ${i}`;
      if (typeof result.ruleId !== 'string' || !ids.includes(result.ruleId)) {
        problems.push(`${where}: ruleId ${String(result.ruleId)} is not a rule of the driver`);
      } else if (result.ruleIndex !== undefined && ids[result.ruleIndex as number] !== result.ruleId) {
        problems.push(`${where}: ruleIndex does not point at its rule`);
      }
      if (!['none', 'note', 'warning', 'error'].includes(result.level as string)) {
        problems.push(`${where}: level ${String(result.level)}`);
      }
      if (typeof result.message?.text !== 'string' || result.message.text === '') {
        problems.push(`${where}: no message text`);
      }
      if (!Array.isArray(result.locations) || result.locations.length === 0) {
        problems.push(`${where}: no locations`);
      }
      for (const location of result.locations ?? []) {
        const { artifactLocation, region } = location.physicalLocation ?? {};
        const uri = artifactLocation?.uri;
        if (typeof uri !== 'string' || uri === '') problems.push(`${where}: no artifact uri`);
        else if (/^[a-z][a-z0-9+.-]*:/i.test(uri) === (artifactLocation?.uriBaseId !== undefined)) {
          problems.push(`${where}: ${uri} is absolute with a uriBaseId, or relative without one`);
        } else if (uri.startsWith('/') || uri.startsWith('..')) {
          problems.push(`${where}: ${uri} is not relative to the repository`);
        }
        if (region && !(Number.isInteger(region.startLine) && (region.startLine as number) >= 1)) {
          problems.push(`${where}: startLine ${String(region.startLine)}`);
        }
      }
    });
  });
  return problems;
}
