import { type Trigger, triggers } from '@ballotstream/functions/triggers';
import { loadInfraBlueprint } from './lib/blueprint';
import type { Region } from './lib/permissions';

/** The stage being deployed, its blueprint, and a provider for each of its two regions. */
export const stage = $app.stage;
export const blueprint = loadInfraBlueprint(stage, process.cwd());
export const regions: Record<Region, string> = {
  primary: blueprint.aws.primaryRegion,
  secondary: blueprint.aws.secondaryRegion,
};

/** The secondary region's provider; resources there take `{ provider: secondary }`. */
export const secondary = new aws.Provider('Secondary', { region: regions.secondary });

/** Resource options that put a resource in a region. */
export function inRegion(region: Region): { provider?: aws.Provider } {
  return region === 'secondary' ? { provider: secondary } : {};
}

/** Every trigger of the table, typed as the union stacks/ switches over. */
export const allTriggers: readonly Trigger[] = triggers;

/** Whether this stage keeps its data when removed (see `sst.config.ts`). */
export const keepsData = $app.removal !== 'remove';

/** The account the stage deploys into, for ARNs that must be spelled out (IoT policy resources). */
export const account = aws.getCallerIdentityOutput({}).accountId;
