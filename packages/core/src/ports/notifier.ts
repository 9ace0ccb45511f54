/** A message attribute as SNS carries it; an array becomes a `String.Array`. */
export type MessageAttribute = string | readonly string[];

/** One officer notification: a short SMS text, a full email, and the attributes filter policies match. */
export interface Notification {
  /** The email subject (SNS allows 100 ASCII characters). */
  readonly subject: string;
  /** At most 160 characters: what, where, what to do. */
  readonly sms: string;
  readonly email: string;
  /** `region`, `severity`, `officers`, …: subscriptions' filter policies select on these. */
  readonly attributes: Readonly<Record<string, MessageAttribute>>;
}

/** Officer notifications (an SNS topic in AWS; an outbox, and optionally SMTP, locally). */
export interface Notifier {
  /** Publishes one notification; resolves with the message id once the topic accepted it. */
  publish(notification: Notification): Promise<string>;
}
