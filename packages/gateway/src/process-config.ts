import { z } from 'zod';

/** What a gateway process reads from its config file: who it is, its keys and where it talks. */
export const gatewayProcessConfigSchema = z.object({
  stage: z.string().min(1),
  machineId: z.string().min(1),
  boothId: z.string().min(1),
  electionId: z.string().min(1),
  constituencyId: z.string().min(1),
  /** PKCS#8 PEM of the machine's Ed25519 signing key. */
  privateKeyPem: z.string().min(1),
  mqttUrl: z.string().min(1),
  /** The secondary region's broker(s), to fail over to. */
  fallbackMqttUrls: z.array(z.string().min(1)).optional(),
  failover: z
    .object({
      unreachableMs: z.number().int().positive().optional(),
      ackTimeoutMs: z.number().int().positive().optional(),
      probePrimaryEveryMs: z.number().int().positive().optional(),
    })
    .optional(),
  tls: z.object({ certPem: z.string(), keyPem: z.string(), caPem: z.string() }).optional(),
  bucketMs: z.number().int().positive(),
  queueDir: z.string().min(1),
  window: z.number().int().positive().optional(),
  paceMs: z.number().int().nonnegative().optional(),
  /** The booth's poll hours (epoch ms): an update that waits for the close of poll needs them. */
  pollHours: z.object({ opensAt: z.number(), closesAt: z.number() }).optional(),
  /** Over-the-air updates: the host's install folder and the election's code-signing public key (PEM). */
  ota: z.object({ dir: z.string().min(1), codeSigningPublicKeyPem: z.string().min(1) }).optional(),
  /** Casts happen at this time offset from the wall clock (a simulated booth clock). */
  clockOffsetMs: z.number().int().optional(),
});
export type GatewayProcessConfig = z.infer<typeof gatewayProcessConfigSchema>;
