/** A dependency failed in a way the domain did not foresee (a store down, a timeout). */
export class DependencyError extends Error {
  override readonly name = 'DependencyError';
  constructor(
    readonly dependency: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(`${dependency}: ${message}`, options);
  }
}

/** Configuration is missing or wrong; the process cannot start. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}
