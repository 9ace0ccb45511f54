import {
  type MessageAttributeValue,
  PublishCommand,
  type PublishCommandInput,
  type SNSClient,
} from '@aws-sdk/client-sns';
import { DependencyError } from '../../errors';
import type { MessageAttribute, Notification, Notifier } from '../../ports/notifier';

/**
 * The SNS request for a notification: one message with a body per protocol (`MessageStructure:
 * json`: the SMS text for `sms`, the full text for `email`) and the attributes officers'
 * filter policies select on. Exported for its shape test.
 */
export function publishInputOf(topicArn: string, n: Notification): PublishCommandInput {
  const attributes: Record<string, MessageAttributeValue> = {};
  for (const [name, value] of Object.entries(n.attributes)) attributes[name] = attributeOf(value);
  // Critical alerts must not wait behind marketing traffic.
  attributes['AWS.SNS.SMS.SMSType'] = { DataType: 'String', StringValue: 'Transactional' };
  return {
    TopicArn: topicArn,
    Subject: n.subject,
    MessageStructure: 'json',
    Message: JSON.stringify({ default: n.sms, sms: n.sms, email: n.email, 'email-json': n.email }),
    MessageAttributes: attributes,
  };
}

function attributeOf(value: MessageAttribute): MessageAttributeValue {
  return typeof value === 'string'
    ? { DataType: 'String', StringValue: value }
    : { DataType: 'String.Array', StringValue: JSON.stringify(value) };
}

/** Officer notifications through one SNS topic; officers subscribe with filter policies. */
export class SnsNotifier implements Notifier {
  constructor(
    private readonly client: SNSClient,
    private readonly topicArn: string,
  ) {}

  async publish(notification: Notification): Promise<string> {
    const response = await this.client.send(new PublishCommand(publishInputOf(this.topicArn, notification)));
    if (response.MessageId === undefined) throw new DependencyError('sns', 'publish returned no message id');
    return response.MessageId;
  }
}
