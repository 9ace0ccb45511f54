import { z } from 'zod';
import { idSchema } from './common';

/** Query of `GET /turnout`: the whole country, or one region. */
export const turnoutQuerySchema = z.object({ regionId: idSchema.optional() });
export type TurnoutQuery = z.infer<typeof turnoutQuerySchema>;

/** Query of `GET /booths`: near a point (`lat,lon`), or matching words, within a region or constituency. */
export const boothSearchQuerySchema = z
  .object({
    near: z
      .string()
      .regex(/^-?\d{1,2}(\.\d+)?,-?\d{1,3}(\.\d+)?$/, 'must be "lat,lon" in decimal degrees')
      .transform((s) => {
        const [lat, lon] = s.split(',').map(Number) as [number, number];
        return { lat, lon };
      })
      .refine((p) => Math.abs(p.lat) <= 90 && Math.abs(p.lon) <= 180, 'is not a point on Earth')
      .optional(),
    q: z.string().trim().min(1, 'must not be empty').max(100, 'must be at most 100 characters').optional(),
    regionId: idSchema.optional(),
    constituencyId: idSchema.optional(),
    limit: z.coerce.number().int().min(1).max(500).default(20),
    /** The `next` of the page before: booths listed after this booth id. */
    after: idSchema.optional(),
  })
  .refine((q) => q.after === undefined || q.near === undefined, {
    message: 'cannot be used with near: the nearest booths come in one page',
    path: ['after'],
  });
export type BoothSearchQuery = z.infer<typeof boothSearchQuerySchema>;

/** Query of `GET /constituencies`. */
export const constituenciesQuerySchema = z.object({ regionId: idSchema.optional() });

/** Query of `GET /candidates`: the constituency is required. */
export const candidatesQuerySchema = z.object({ constituencyId: idSchema });

/** Query of `GET /machines`: an officer's own region, or any (national roles). */
export const machinesQuerySchema = z.object({ regionId: idSchema.optional() });

/** Path of `GET /machines/{machineId}`. */
export const machinePathSchema = z.object({ machineId: idSchema });
