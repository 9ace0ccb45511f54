/// <reference path="./.sst/platform/config.d.ts" />

export default $config({
  async app(input) {
    // The primary region and the removal policy come from the stage's election blueprint.
    const { loadInfraBlueprint } = await import('./stacks/lib/blueprint');
    const { appSettings } = await import('./stacks/lib/app');
    const stage = input?.stage ?? 'local';
    return appSettings(stage, loadInfraBlueprint(stage, process.cwd()));
  },
  async run() {
    const { deployStage } = await import('./stacks');
    return deployStage();
  },
});
