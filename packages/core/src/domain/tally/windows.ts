/** The start of the window a time falls in; windows are aligned to the epoch. */
export function windowStartOf(timeMs: number, windowMs: number): number {
  return timeMs - (((timeMs % windowMs) + windowMs) % windowMs);
}

/** The distinct windows a set of bucket starts fall in, in order. */
export function windowsOf(bucketStarts: Iterable<number>, windowMs: number): number[] {
  const windows = new Set<number>();
  for (const bucket of bucketStarts) windows.add(windowStartOf(bucket, windowMs));
  return [...windows].sort((a, b) => a - b);
}
