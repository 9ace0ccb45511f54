import { z } from 'zod';

/**
 * The IoT Jobs MQTT topics of one thing (IoT Core's reserved `$aws/things/<thing>/jobs/...`):
 * the service announces the next job on `notify-next`, a device asks for it on `start-next`
 * (answered on `start-next/accepted`) and reports progress on `<jobId>/update`.
 */
export const jobTopics = {
  root: (thing: string) => `$aws/things/${thing}/jobs`,
  notifyNext: (thing: string) => `$aws/things/${thing}/jobs/notify-next`,
  startNext: (thing: string) => `$aws/things/${thing}/jobs/start-next`,
  startNextAccepted: (thing: string) => `$aws/things/${thing}/jobs/start-next/accepted`,
  update: (thing: string, jobId: string) => `$aws/things/${thing}/jobs/${jobId}/update`,
};

/** The job document of a gateway update: what to fetch. In AWS the URLs are S3 pre-signed placeholders. */
export const updateJobDocumentSchema = z.object({
  operation: z.literal('ballotstream.gateway-update'),
  version: z.string().regex(/^\d+\.\d+\.\d+$/),
  manifestUrl: z.string().min(1),
  artifactUrl: z.string().min(1),
});
export type UpdateJobDocument = z.infer<typeof updateJobDocumentSchema>;

/** A job execution's status, as IoT Jobs names them. */
export const executionStatusSchema = z.enum([
  'QUEUED',
  'IN_PROGRESS',
  'SUCCEEDED',
  'FAILED',
  'REJECTED',
  'TIMED_OUT',
  'CANCELED',
  'REMOVED',
]);
export type ExecutionStatus = z.infer<typeof executionStatusSchema>;

/** A job execution as `notify-next` and `start-next/accepted` carry it. */
export const jobExecutionSchema = z.looseObject({
  jobId: z.string().min(1),
  thingName: z.string().optional(),
  status: executionStatusSchema,
  queuedAt: z.number(),
  lastUpdatedAt: z.number().optional(),
  versionNumber: z.number().int(),
  executionNumber: z.number().int().optional(),
  jobDocument: z.unknown(),
});
export type JobExecution = z.infer<typeof jobExecutionSchema>;

/** What `notify-next` and `start-next/accepted` hold: the next execution, or none. */
export const nextExecutionSchema = z.looseObject({
  timestamp: z.number(),
  execution: jobExecutionSchema.optional(),
});

/** A device's report on `<jobId>/update`; IoT Jobs keeps `statusDetails` as strings of up to 1,024 characters. */
export const executionUpdateSchema = z.looseObject({
  status: z.enum(['IN_PROGRESS', 'SUCCEEDED', 'FAILED', 'REJECTED']),
  statusDetails: z.record(z.string(), z.string().max(1024)).optional(),
  clientToken: z.string().optional(),
});
export type ExecutionUpdate = z.infer<typeof executionUpdateSchema>;
