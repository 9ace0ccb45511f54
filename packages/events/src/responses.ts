import { z } from 'zod';
import { alertSchema } from './alerts';
import { closeStatusSchema } from './close-of-poll';
import { epochMsSchema } from './common';
import { geoPointSchema } from './registry';
import { ticketStatusSchema } from './verification';

// The bodies the HTTP API answers with, as the web apps and integrators read them. Objects are
// not strict: a field added to an answer does not break a reader that does not know it yet.

const lonLatRingSchema = z.array(z.tuple([z.number(), z.number()]));

/** A booth as `GET /booths` lists it: its place, geofence and the voters registered there. */
export const boothListingSchema = z.object({
  boothId: z.string(),
  name: z.string(),
  nameHi: z.string().optional(),
  address: z.string(),
  constituencyId: z.string(),
  constituencyName: z.string().optional(),
  constituencyNameHi: z.string().optional(),
  regionId: z.string(),
  location: geoPointSchema.optional(),
  geofence: lonLatRingSchema.optional(),
  distanceKm: z.number().optional(),
  electorate: z.number().int().nonnegative().optional(),
});
export type BoothListing = z.infer<typeof boothListingSchema>;

/** Answer of `GET /booths`: one page; `next`, while there is more, is the `after` of the next page. */
export const boothsResponseSchema = z.object({
  booths: z.array(boothListingSchema),
  next: z.string().optional(),
});

/** Answer of `GET /constituencies`. */
export const constituenciesResponseSchema = z.object({
  constituencies: z.array(
    z.object({
      constituencyId: z.string(),
      name: z.string(),
      nameHi: z.string().optional(),
      regionId: z.string(),
    }),
  ),
});
export type ConstituencyListing = z.infer<typeof constituenciesResponseSchema>['constituencies'][number];

/** A candidate as `GET /candidates` lists it: name and party, nothing else. */
export const candidateListingSchema = z.object({
  candidateId: z.string(),
  name: z.string(),
  nameHi: z.string().optional(),
  party: z.string(),
  partyHi: z.string().optional(),
  ballotOrder: z.number().int(),
});
export type CandidateListing = z.infer<typeof candidateListingSchema>;

/** Answer of `GET /candidates?constituencyId=`. */
export const candidatesResponseSchema = z.object({
  constituencyId: z.string(),
  candidates: z.array(candidateListingSchema),
});

/** The states the map shows a machine in, the most urgent first. */
export const machineStateSchema = z.enum(['blocked', 'off-geofence', 'offline', 'voting', 'idle']);
export type MachineViewState = z.infer<typeof machineStateSchema>;

/** A machine as the map shows it. */
export const machineViewSchema = z.object({
  machineId: z.string(),
  boothId: z.string(),
  constituencyId: z.string(),
  regionId: z.string(),
  state: machineStateSchema,
  blocked: z.boolean(),
  position: geoPointSchema.optional(),
  positionFrom: z.enum(['gps', 'booth', 'unknown']),
  lastSeenAt: epochMsSchema.optional(),
});
export type MachineView = z.infer<typeof machineViewSchema>;

/** Answer of `GET /machines`. */
export const machinesResponseSchema = z.object({
  regionId: z.string().nullable(),
  machines: z.array(machineViewSchema),
});

/** One line of a machine's recent history; Defender behaviours carry their metric. */
export const machineEventSchema = z.object({
  type: z.string(),
  at: epochMsSchema,
  summary: z.string(),
  behaviour: z.string().optional(),
  metricValue: z.number().optional(),
  threshold: z.number().optional(),
});

/** The latest check of a machine's signed result record against what the cloud stored. */
export const resultStatusSchema = z.object({
  verified: z.boolean(),
  voteCount: z.number().int(),
  storedVotes: z.number().int(),
  problems: z.array(z.string()),
  checkedAt: z.string(),
});
export type ResultStatus = z.infer<typeof resultStatusSchema>;

/** Answer of `GET /machines/{machineId}`. */
export const machineDetailResponseSchema = z.object({
  machine: machineViewSchema,
  booth: z
    .object({
      boothId: z.string(),
      name: z.string(),
      location: geoPointSchema,
      geofence: lonLatRingSchema,
    })
    .optional(),
  trail: z.array(geoPointSchema.extend({ at: epochMsSchema })),
  events: z.array(machineEventSchema),
  defender: z.array(machineEventSchema),
  result: resultStatusSchema.optional(),
});
export type MachineDetail = z.infer<typeof machineDetailResponseSchema>;

/** Answer of `POST /machines/{machineId}/block` and `/unblock`. */
export const blockResponseSchema = z.object({
  machineId: z.string(),
  blocked: z.boolean(),
  changed: z.boolean(),
});

/** Answer of `GET /alerts`. */
export const alertsResponseSchema = z.object({ alerts: z.array(alertSchema) });

/** Answer of `POST /alerts/{alertId}/ack`. */
export const ackResponseSchema = z.object({ alert: alertSchema, changed: z.boolean() });

/** Answer of `GET /turnout`: votes per tally window and the running total. */
export const turnoutResponseSchema = z.object({
  electionId: z.string(),
  regionId: z.string().optional(),
  totalVotes: z.number().int().nonnegative(),
  points: z.array(
    z.object({
      windowStart: epochMsSchema,
      votes: z.number().int().nonnegative(),
      cumulative: z.number().int().nonnegative(),
    }),
  ),
  /** The same per constituency of the scope: running totals at the windows it had votes in. */
  constituencies: z
    .array(
      z.object({
        constituencyId: z.string(),
        points: z.array(z.object({ windowStart: epochMsSchema, cumulative: z.number().int().nonnegative() })),
      }),
    )
    .default([]),
  closesAt: z.string().optional(),
});
export type TurnoutResponse = z.infer<typeof turnoutResponseSchema>;

/** One candidate's votes in one scope (a constituency, a region or the country). */
export const tallyLineSchema = z.object({
  scope: z.string(),
  candidateId: z.string(),
  votes: z.number().int().nonnegative(),
});
export type TallyLine = z.infer<typeof tallyLineSchema>;

/** Answer of `GET /tallies` and `GET /monitor/tallies`. */
export const tallyReportSchema = z.object({
  electionId: z.string(),
  level: z.enum(['constituency', 'region', 'country']),
  totalVotes: z.number().int().nonnegative(),
  lines: z.array(tallyLineSchema),
});
export type TallyReport = z.infer<typeof tallyReportSchema>;

/** What the last tally run found for one window. */
export const windowStatusSchema = z.object({
  windowStart: epochMsSchema,
  windowEnd: epochMsSchema,
  votes: z.number().int().nonnegative(),
  agreement: z.enum(['agree', 'diverged', 'primary-only', 'secondary-only']),
  materialisedAt: z.string(),
});
export type WindowStatusView = z.infer<typeof windowStatusSchema>;

/** Answer of `GET /tallies/windows`. */
export const windowsResponseSchema = z.object({
  electionId: z.string(),
  windows: z.array(windowStatusSchema),
});

const closeCountsSchema = z.object({
  expected: z.number().int().nonnegative(),
  reconciled: z.number().int().nonnegative(),
  disagreeing: z.number().int().nonnegative(),
  missing: z.number().int().nonnegative(),
});
export type CloseCountsView = z.infer<typeof closeCountsSchema>;

/** Answer of `GET /close/rollup`: machines reconciled per booth, constituency, region and nation. */
export const closeRollupSchema = z.object({
  electionId: z.string(),
  regionId: z.string().optional(),
  closesAt: z.string().optional(),
  nation: closeCountsSchema,
  regions: z.array(closeCountsSchema.extend({ regionId: z.string() })),
  constituencies: z.array(closeCountsSchema.extend({ constituencyId: z.string(), regionId: z.string() })),
  booths: z.array(
    closeCountsSchema.extend({ boothId: z.string(), constituencyId: z.string(), regionId: z.string() }),
  ),
  unreconciled: z.array(
    z.object({
      machineId: z.string(),
      boothId: z.string(),
      constituencyId: z.string(),
      regionId: z.string(),
      status: closeStatusSchema,
      problems: z.array(z.string()),
      exception: z.string().optional(),
    }),
  ),
});
export type CloseRollupView = z.infer<typeof closeRollupSchema>;

/** Answer of `GET /close/certification` and `GET /results/certification`. */
export const certificationReportSchema = z.object({
  electionId: z.string(),
  certified: z.number().int().nonnegative(),
  pending: z.number().int().nonnegative(),
  allCertifiedAt: z.string().optional(),
  constituencies: z.array(
    z.object({
      constituencyId: z.string(),
      regionId: z.string(),
      name: z.string(),
      status: z.enum(['certified', 'pending']),
      certifiedAt: z.string().optional(),
    }),
  ),
});
export type CertificationReportView = z.infer<typeof certificationReportSchema>;

/** Answer of `GET /tickets/{ticketId}/status`. */
export const ticketStatusResponseSchema = z.object({ ticketId: z.string(), status: ticketStatusSchema });
