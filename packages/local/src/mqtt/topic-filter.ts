/** Whether an MQTT topic matches a filter with `+` (one level) and `#` (the rest) wildcards. */
export function topicMatches(filter: string, topic: string): boolean {
  const f = filter.split('/');
  const t = topic.split('/');
  for (let i = 0; i < f.length; i++) {
    const part = f[i];
    if (part === '#') return i === f.length - 1;
    if (i >= t.length) return false;
    if (part !== '+' && part !== t[i]) return false;
  }
  return f.length === t.length;
}

/** The n-th level of a topic, 1-based, as IoT SQL's `topic(n)`; empty when it has fewer levels. */
export function topicLevel(topic: string, level: number): string {
  return topic.split('/')[level - 1] ?? '';
}
