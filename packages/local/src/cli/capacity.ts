import {
  type CapacityInput,
  capacityAssumptions,
  planCapacity,
  renderCapacityPlan,
} from '@ballotstream/core';
import { loadBlueprint, pollHoursOf } from '@ballotstream/core/blueprint';
import { triggers } from '@ballotstream/functions/triggers';
import { numberFlag, type ParsedArgs, stringFlag, UsageError } from './args';
import { renderFanOut, voteFanOut } from './vote-fan-out';

/**
 * `ballotstream capacity --config <blueprint>` or `--voters N --booths N --hours H --peak-factor F
 * [--turnout T] [--machines-per-booth M]`: prints peak rates, what each AWS service must be sized
 * or raised to, the quotas that exceeds, and the day's cost, with every assumption; then what one
 * vote causes in AWS (every queue, event and invocation, from the trigger table) per million votes.
 */
export async function capacity(args: ParsedArgs): Promise<void> {
  const configPath = stringFlag(args, 'config');
  let input: CapacityInput;
  if (configPath !== undefined) {
    const blueprint = loadBlueprint(configPath);
    input = {
      ...blueprint.scale,
      hours: pollHoursOf(blueprint),
      peakFactor: numberFlag(args, 'peak-factor', blueprint.scale.peakFactor),
    };
    process.stdout.write(`${blueprint.name} (${configPath})\n\n`);
  } else {
    if (!args.flags.has('voters') || !args.flags.has('booths'))
      throw new UsageError(
        'usage: ballotstream capacity --config <file> | --voters N --booths N [--hours 11] [--peak-factor 3] [--turnout 1]',
      );
    input = {
      voters: numberFlag(args, 'voters', 0),
      turnout: numberFlag(args, 'turnout', 1),
      booths: numberFlag(args, 'booths', 0),
      machinesPerBooth: numberFlag(args, 'machines-per-booth', 1),
      hours: numberFlag(args, 'hours', 11),
      peakFactor: numberFlag(args, 'peak-factor', 3),
    };
  }
  for (const [name, value] of Object.entries(input))
    if (typeof value === 'number' && !(value > 0)) throw new UsageError(`${name} must be a positive number`);
  if (input.turnout > 1) throw new UsageError('turnout is a fraction between 0 and 1');
  const fanOut = voteFanOut(triggers, capacityAssumptions.verificationsPerVote);
  const assumptions = {
    ...capacityAssumptions,
    eventsPerVote: fanOut.events,
    putEventsCallsPerVote: fanOut.putEventsCalls,
    crossRegionEventsPerVote: fanOut.crossRegionEvents,
    lambdaInvocationsPerVote: fanOut.lambdaInvocations,
    sqsRequestsPerVote: fanOut.sqsRequests,
  };
  process.stdout.write(`${renderCapacityPlan(planCapacity(input, assumptions), assumptions)}\n\n`);
  process.stdout.write(`${renderFanOut(fanOut, capacityAssumptions.prices, 'us-east-1')}\n`);
}
