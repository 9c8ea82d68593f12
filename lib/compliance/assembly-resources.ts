import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';

/** Where the code that created a resource is: a file and a line, as the CDK recorded it at synth. */
export interface SourceLocation {
  /** The file, as recorded (an absolute path when the app ran from source). */
  readonly file: string;
  readonly line: number;
  readonly column?: number;
}

/** One stack of a cloud assembly. */
export interface AssemblyStack {
  /** The stack's artifact id, e.g. `SecureScheduling`. */
  readonly id: string;
  /** Its template, relative to the top cloud assembly directory, e.g. `SecureScheduling.template.json`. */
  readonly templateFile: string;
  /** Its account and region, when the stack names them. */
  readonly account?: string;
  readonly region?: string;
}

/** Where a resource of the assembly is: its stack, its logical id in the template, and the code that made it. */
export interface ResourceLocation {
  readonly stack: AssemblyStack;
  readonly logicalId: string;
  /**
   * The first frame of the resource's creation trace that is in the app's own code (not in a package), when
   * the CDK recorded one; stack traces are on unless `aws:cdk:disable-creation-stack-traces` is set.
   */
  readonly source?: SourceLocation;
}

/** A CloudFormation template, as far as the reports read it. */
export interface TemplateResources {
  readonly Resources?: Readonly<
    Record<
      string,
      {
        readonly Type: string;
        readonly Properties?: Readonly<Record<string, unknown>>;
        readonly Metadata?: Readonly<Record<string, unknown>>;
      }
    >
  >;
}

interface ManifestArtifact {
  readonly type: string;
  readonly environment?: string;
  readonly properties?: { readonly templateFile?: string; readonly directoryName?: string };
  readonly metadata?: Readonly<Record<string, ReadonlyArray<{ type: string; data?: unknown }>>>;
  readonly additionalMetadataFile?: string;
}

const STACK_ARTIFACT = 'aws:cloudformation:stack';
const NESTED_ASSEMBLY_ARTIFACT = 'cdk:cloud-assembly';
const LOGICAL_ID = 'aws:cdk:logicalId';
const CREATION_STACK = 'aws:cdk:creationStack';

/** A frame of a creation trace: `new TlsLoadBalancer (/src/lib/ingress/tls-load-balancer.ts:253:25)`. */
const FRAME = /\((.+?):(\d+)(?::(\d+))?\)$/;

/**
 * The stacks and resources of a cloud assembly, read from its manifest and each stack's metadata (written by
 * every synth, so the reports can be rendered again later from the directory alone). Templates are read when
 * asked for, once each.
 */
export class AssemblyResources {
  /**
   * Reads the cloud assembly in `directory` and the assemblies nested in it (stages). An empty result when
   * the directory holds no cloud assembly.
   */
  public static read(directory: string): AssemblyResources {
    const stacks: AssemblyStack[] = [];
    const resources = new Map<string, ResourceLocation>();
    readAssembly(directory, '', stacks, resources);
    return new AssemblyResources(directory, stacks, resources);
  }

  private readonly texts = new Map<string, string | undefined>();
  private readonly templates = new Map<string, TemplateResources>();
  private readonly templateLines = new Map<string, ReadonlyMap<string, number>>();

  private constructor(
    /** The top cloud assembly directory. */
    public readonly directory: string,
    public readonly stacks: readonly AssemblyStack[],
    private readonly resources: ReadonlyMap<string, ResourceLocation>,
  ) {}

  /** Where the resource at construct path `constructPath` is, when the assembly has it. */
  public locate(constructPath: string): ResourceLocation | undefined {
    return this.resources.get(constructPath);
  }

  /** The construct path of each resource of `stack`, by logical id. */
  public pathsOf(stack: AssemblyStack): Map<string, string> {
    const paths = new Map<string, string>();
    for (const [constructPath, location] of this.resources) {
      if (location.stack === stack) paths.set(location.logicalId, constructPath);
    }
    return paths;
  }

  /** The template of `stack`, parsed; empty when the assembly no longer holds it. */
  public template(stack: AssemblyStack): TemplateResources {
    let template = this.templates.get(stack.templateFile);
    if (template === undefined) {
      const text = this.templateText(stack);
      template = text === undefined ? {} : (JSON.parse(text) as TemplateResources);
      this.templates.set(stack.templateFile, template);
    }
    return template;
  }

  /** The line (from 1) of the template of `stack` where the resource `logicalId` starts. */
  public templateLine(stack: AssemblyStack, logicalId: string): number | undefined {
    let lines = this.templateLines.get(stack.templateFile);
    if (lines === undefined) {
      lines = resourceLines(this.templateText(stack) ?? '');
      this.templateLines.set(stack.templateFile, lines);
    }
    return lines.get(logicalId);
  }

  private templateText(stack: AssemblyStack): string | undefined {
    if (!this.texts.has(stack.templateFile)) {
      const file = path.join(this.directory, stack.templateFile);
      this.texts.set(stack.templateFile, existsSync(file) ? readFileSync(file, 'utf8') : undefined);
    }
    return this.texts.get(stack.templateFile);
  }
}

function readAssembly(
  top: string,
  prefix: string,
  stacks: AssemblyStack[],
  resources: Map<string, ResourceLocation>,
): void {
  const directory = path.join(top, prefix);
  const manifestFile = path.join(directory, 'manifest.json');
  if (!existsSync(manifestFile)) return;
  const manifest = JSON.parse(readFileSync(manifestFile, 'utf8')) as {
    artifacts?: Record<string, ManifestArtifact>;
  };
  for (const [id, artifact] of Object.entries(manifest.artifacts ?? {})) {
    if (artifact.type === NESTED_ASSEMBLY_ARTIFACT && artifact.properties?.directoryName) {
      readAssembly(top, path.join(prefix, artifact.properties.directoryName), stacks, resources);
      continue;
    }
    if (artifact.type !== STACK_ARTIFACT || !artifact.properties?.templateFile) continue;
    const [account, region] = (/^aws:\/\/([^/]+)\/(.+)$/.exec(artifact.environment ?? '') ?? []).slice(1);
    const stack: AssemblyStack = {
      id,
      templateFile: toPosix(path.join(prefix, artifact.properties.templateFile)),
      ...(account && !account.startsWith('unknown-') ? { account } : {}),
      ...(region && !region.startsWith('unknown-') ? { region } : {}),
    };
    stacks.push(stack);
    const metadata =
      artifact.metadata ??
      (artifact.additionalMetadataFile && existsSync(path.join(directory, artifact.additionalMetadataFile))
        ? (JSON.parse(readFileSync(path.join(directory, artifact.additionalMetadataFile), 'utf8')) as Record<
            string,
            ReadonlyArray<{ type: string; data?: unknown }>
          >)
        : {});
    for (const [key, entries] of Object.entries(metadata)) {
      const logicalId = entries.find((e) => e.type === LOGICAL_ID)?.data;
      if (typeof logicalId !== 'string') continue;
      const trace = entries.find((e) => e.type === CREATION_STACK)?.data;
      const source = Array.isArray(trace) ? firstOwnFrame(trace) : undefined;
      resources.set(key.replace(/^\//, ''), { stack, logicalId, ...(source ? { source } : {}) });
    }
  }
}

/**
 * The first frame of a creation trace in the app's own code. aws-cdk-lib already folds frames of packages and
 * of Node.js into lines such as `...new Bucket2 in aws-cdk-lib...`, which name no file.
 */
function firstOwnFrame(trace: readonly unknown[]): SourceLocation | undefined {
  for (const frame of trace) {
    const match = typeof frame === 'string' ? FRAME.exec(frame) : null;
    if (!match || /[\\/]node_modules[\\/]|^node:/.test(match[1])) continue;
    return { file: match[1], line: Number(match[2]), ...(match[3] ? { column: Number(match[3]) } : {}) };
  }
  return undefined;
}

/**
 * The line of each resource in a template as the CDK writes it (one space of indentation a level): a
 * resource's key is on a line of its own, two spaces in, inside `"Resources"`.
 */
function resourceLines(text: string): Map<string, number> {
  const lines = new Map<string, number>();
  let inResources = false;
  text.split('\n').forEach((line, index) => {
    if (/^ "Resources": \{/.test(line)) {
      inResources = true;
    } else if (inResources && /^ \}/.test(line)) {
      inResources = false;
    } else if (inResources) {
      const key = /^ {2}"([^"]+)": \{/.exec(line);
      if (key) lines.set(key[1], index + 1);
    }
  });
  return lines;
}

function toPosix(file: string): string {
  return file.split(path.sep).join('/');
}
