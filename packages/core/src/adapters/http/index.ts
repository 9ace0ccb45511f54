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
  type RetryPolicy,
  retryAfterMs,
  staticApiKey,
} from './external-api';
export { BIOMETRIC_API, type BiometricsTimings, HttpBiometrics } from './http-biometrics';
export { HttpVoterRegistry, VOTER_REGISTRY_API, type VoterRegistryTimings } from './http-voter-registry';
