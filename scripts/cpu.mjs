// CPU time of child processes, for the benchmarks. Linux counts a child's CPU (and that of the children it
// waited for) into its parent's cutime and cstime once the parent has waited for it, so the difference of
// /proc/self/stat before and after a synchronous spawn is that command's whole CPU time: the CLI, the app
// it starts, and anything they start.
import { readFileSync } from 'node:fs';

const TICK_SECONDS = 0.01; // USER_HZ is 100 on Linux

/** CPU seconds of the children this process has waited for so far, or undefined off Linux. */
export function childrenCpuSeconds() {
  let stat;
  try {
    stat = readFileSync('/proc/self/stat', 'utf8');
  } catch {
    return undefined;
  }
  // Fields after the command name: state is field 3, cutime 16, cstime 17 (1-based, man 5 proc).
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[16 - 3]) + Number(fields[17 - 3])) * TICK_SECONDS;
}

/** Median of a non-empty list of numbers. */
export function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}
