import {
  asList,
  CfnTemplate,
  DeployTimeFinding,
  finding,
  literalNumber,
  literalString,
  propsOf,
  resourcesOfType,
} from '../template';

const GIB = 1024;

/** The memory sizes (MiB) Fargate offers with each task CPU size (CPU units). */
export const FARGATE_MEMORY_BY_CPU: ReadonlyMap<number, readonly number[]> = new Map([
  [256, [512, 1024, 2048]],
  [512, [1, 2, 3, 4].map((g) => g * GIB)],
  [1024, [2, 3, 4, 5, 6, 7, 8].map((g) => g * GIB)],
  [2048, range(4, 16, 1).map((g) => g * GIB)],
  [4096, range(8, 30, 1).map((g) => g * GIB)],
  [8192, range(16, 60, 4).map((g) => g * GIB)],
  [16384, range(32, 120, 8).map((g) => g * GIB)],
]);

/** The numbers from `from` to `to` in steps of `step`. */
function range(from: number, to: number, step: number): number[] {
  return Array.from({ length: Math.floor((to - from) / step) + 1 }, (_, i) => from + i * step);
}

/** A task size written in CPU units or vCPU ("1 vCPU"), or MiB or GB ("2 GB"), as a number of units or MiB. */
function size(value: unknown, unit: RegExp): number | undefined {
  const text = literalString(value);
  const bigUnit = text?.match(unit);
  if (bigUnit) return Math.round(Number(bigUnit[1]) * 1024);
  return literalNumber(value);
}

/** A task definition that may run on Fargate asks for a CPU and memory combination Fargate offers. */
export function fargateTaskSize(template: CfnTemplate): DeployTimeFinding[] {
  return resourcesOfType(template, 'AWS::ECS::TaskDefinition').flatMap(([id, resource]) => {
    const props = propsOf(resource);
    if (!asList(props.RequiresCompatibilities).includes('FARGATE')) return [];
    const cpu = size(props.Cpu, /^\s*([\d.]+)\s*vcpu\s*$/i);
    const memory = size(props.Memory, /^\s*([\d.]+)\s*gb\s*$/i);
    if (cpu === undefined || memory === undefined) {
      return props.Cpu === undefined || props.Memory === undefined
        ? [finding(id, 'a Fargate task definition needs both a task-level Cpu and Memory')]
        : [];
    }
    const offered = FARGATE_MEMORY_BY_CPU.get(cpu);
    if (!offered) {
      return [
        finding(
          id,
          `Cpu ${cpu} is not a Fargate size; Fargate offers ${[...FARGATE_MEMORY_BY_CPU.keys()].join(', ')}`,
        ),
      ];
    }
    return offered.includes(memory)
      ? []
      : [
          finding(
            id,
            `Memory ${memory} MiB is not offered with Cpu ${cpu}; Fargate offers ${offered[0]} to ${offered[offered.length - 1]} MiB in its steps`,
          ),
        ];
  });
}
