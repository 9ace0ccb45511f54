import { z } from 'zod';
import { epochMsSchema, idSchema, isoTimeSchema } from './common';
import { defineEvent } from './define';

const source = 'ballotstream.tally';

export const tallyMaterialised = defineEvent({
  type: 'tally.materialised',
  source,
  version: 1,
  description: 'The scheduler materialised the tally of one window from the vote stores.',
  schema: z.object({
    electionId: idSchema,
    windowStart: epochMsSchema,
    windowEnd: epochMsSchema,
    votes: z.number().int().nonnegative(),
    agreement: z.enum(['agree', 'diverged', 'primary-only', 'secondary-only']),
    /** Votes copied from one region into the other before this tally (a region that was down). */
    backfilled: z.number().int().nonnegative().optional(),
    materialisedAt: isoTimeSchema,
  }),
});

export const tallyDiverged = defineEvent({
  type: 'tally.diverged',
  source,
  version: 1,
  description: 'The two regions disagree on a window beyond the votes still in flight.',
  schema: z.object({
    electionId: idSchema,
    windowStart: epochMsSchema,
    windowEnd: epochMsSchema,
    primaryVotes: z.number().int().nonnegative().nullable(),
    secondaryVotes: z.number().int().nonnegative().nullable(),
    detectedAt: isoTimeSchema,
  }),
});
