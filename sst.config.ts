/// <reference path="./.sst/platform/config.d.ts" />

// Stages whose data outlives a `sst remove`: their tables, vote stores and keys are retained and protected.
const PROTECTED_STAGES = ['production'];

export default $config({
  async app(input) {
    const { loadInfraBlueprint } = await import('./stacks/lib/blueprint');
    const stage = input?.stage ?? 'local';
    const blueprint = loadInfraBlueprint(stage, process.cwd());
    const isProtected = PROTECTED_STAGES.includes(stage) || stage.startsWith('election-');
    return {
      name: 'ballotstream',
      home: 'aws',
      removal: isProtected ? 'retain' : 'remove',
      protect: isProtected,
      providers: { aws: { region: blueprint.aws.primaryRegion } },
    };
  },
  async run() {
    const { deployStage } = await import('./stacks');
    return deployStage();
  },
});
