import type { InfraBlueprint } from './blueprint';

/** Stages whose data outlives `sst remove`: production, and every stage named `election-*`. */
export function isProtectedStage(stage: string): boolean {
  return stage === 'production' || stage.startsWith('election-');
}

/** The SST app settings of a stage: removal policy and protection, and the primary region as default provider. */
export function appSettings(stage: string, blueprint: InfraBlueprint) {
  const isProtected = isProtectedStage(stage);
  return {
    name: 'ballotstream',
    home: 'aws' as const,
    removal: isProtected ? ('retain' as const) : ('remove' as const),
    protect: isProtected,
    providers: { aws: { region: blueprint.aws.primaryRegion } },
  };
}
