import { ConfigError } from '@ballotstream/core';
import { type EventType, findEvent } from '@ballotstream/events';
import type { Trigger } from './trigger-types';

/** The part of a trigger the publish check needs: whose step it is and what it may publish. */
export type DeclaredStep = Pick<Trigger, 'name' | 'publishes'>;

/** The variables that name a deployed function's step and the events its trigger declares. */
export const STEP_VARIABLES = { name: 'BALLOTSTREAM_STEP', publishes: 'BALLOTSTREAM_PUBLISHES' } as const;

/**
 * What `stacks/` puts in a step's Lambda environment so the function knows its declaration
 * without loading the trigger table (which names every handler): its name and its events, as JSON.
 */
export function stepEnvironment(step: DeclaredStep): Record<string, string> {
  return {
    [STEP_VARIABLES.name]: step.name,
    [STEP_VARIABLES.publishes]: JSON.stringify(step.publishes),
  };
}

const read = new Map<string, DeclaredStep>();

/**
 * The step an environment names, as `stepEnvironment` wrote it; undefined when it names none (the
 * local runtime and tests, which hand each invocation its step instead). The same variables give
 * the same object, so a step's app is built once. Half a declaration, or an event the catalogue
 * does not hold, is a deployment fault and throws.
 */
export function stepOfEnvironment(
  env: Readonly<Record<string, string | undefined>> = process.env,
): DeclaredStep | undefined {
  const name = env[STEP_VARIABLES.name];
  const publishes = env[STEP_VARIABLES.publishes];
  if (name === undefined && publishes === undefined) return undefined;
  if (name === undefined || name === '' || publishes === undefined) {
    throw new ConfigError(
      `${STEP_VARIABLES.name} and ${STEP_VARIABLES.publishes} are set together or not at all`,
    );
  }
  const key = `${name}\n${publishes}`;
  const known = read.get(key);
  if (known !== undefined) return known;
  const step: DeclaredStep = { name, publishes: declaredEvents(name, publishes) };
  read.set(key, step);
  return step;
}

function declaredEvents(step: string, json: string): readonly EventType[] {
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch {
    value = undefined;
  }
  if (!Array.isArray(value)) {
    throw new ConfigError(`${STEP_VARIABLES.publishes} of ${step} is not a JSON list of event types`);
  }
  for (const type of value) {
    if (typeof type !== 'string' || findEvent(type) === undefined) {
      throw new ConfigError(
        `${STEP_VARIABLES.publishes} of ${step} names ${String(type)}, not an event of the catalogue`,
      );
    }
  }
  return value as EventType[];
}
