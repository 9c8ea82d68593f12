import {
  asList,
  CfnTemplate,
  DeployTimeFinding,
  finding,
  literalString,
  propsOf,
  resourcesOfType,
} from '../template';

/** Every mount point of a container names a volume that its task definition declares. */
export function containerMountVolumes(template: CfnTemplate): DeployTimeFinding[] {
  return resourcesOfType(template, 'AWS::ECS::TaskDefinition').flatMap(([id, resource]) => {
    const props = propsOf(resource);
    const volumes = new Set(asList(props.Volumes).map((v) => literalString((v as { Name?: unknown }).Name)));
    return asList(props.ContainerDefinitions).flatMap((container) => {
      const { Name, MountPoints } = container as { Name?: unknown; MountPoints?: unknown };
      return asList(MountPoints)
        .map((m) => literalString((m as { SourceVolume?: unknown }).SourceVolume))
        .filter((volume): volume is string => volume !== undefined && !volumes.has(volume))
        .map((volume) =>
          finding(
            id,
            `container ${String(Name)} mounts volume '${volume}', which the task definition does not declare`,
          ),
        );
    });
  });
}
