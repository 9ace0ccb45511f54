import type { Trigger } from '@ballotstream/functions/triggers';

/**
 * The IAM side of the port catalogue (`@ballotstream/functions/catalogue`): each port's entry
 * says which statements a trigger's Lambda needs, and `statementsFor` gathers them. Re-exported
 * here, where `stacks/` has always found them.
 */
export {
  type ExternalApiName,
  type Region,
  type ResourceArns,
  type Statement,
  statementsFor,
  UNSCOPED_ACTIONS,
  type VoteStoreArns,
} from '@ballotstream/functions/catalogue';

/** Whether a step runs inside the VPC: only steps that reach the voter cache do. */
export function needsVpc(trigger: Trigger): boolean {
  return trigger.reaches?.cache === true;
}
