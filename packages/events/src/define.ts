import type { z } from 'zod';

/** One entry of the event catalogue: what happened, who says so, and the shape of its detail. */
export interface EventDefinition<TType extends string = string, TSchema extends z.ZodType = z.ZodType> {
  readonly type: TType;
  readonly source: string;
  readonly version: number;
  readonly description: string;
  readonly schema: TSchema;
}

/** The detail an event carries once parsed. */
export type DetailOf<D extends EventDefinition> = z.output<D['schema']>;

/** Declares a catalogue event; the type is `<entity>.<past-verb>` unless AWS names it. */
export function defineEvent<const TType extends string, TSchema extends z.ZodType>(
  definition: EventDefinition<TType, TSchema>,
): EventDefinition<TType, TSchema> {
  return Object.freeze(definition);
}
