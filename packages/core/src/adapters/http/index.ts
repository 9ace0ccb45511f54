export {
  enrolmentRequestSchema,
  enrolmentSchema,
  matchRequestSchema,
  matchResultSchema,
  problemSchema,
  registeredVoterSchema,
  VOTER_NOT_FOUND,
} from './contracts';
export {
  type ApiKeySource,
  callName,
  ExternalApi,
  ExternalApiError,
  type ExternalApiFailure,
  type ExternalApiOptions,
  RETRY_POLICY,
  type RetryPolicy,
  retryAfterMs,
  staticApiKey,
} from './external-api';
export { BIOMETRIC_API, BIOMETRICS_TIMINGS, type BiometricsTimings, HttpBiometrics } from './http-biometrics';
export {
  HttpVoterRegistry,
  VOTER_REGISTRY_API,
  VOTER_REGISTRY_TIMINGS,
  type VoterRegistryTimings,
} from './http-voter-registry';
