import { formatReceipt, receiptParamsSchema } from '@ballotstream/events';
import { describeIssues, InvalidInputError } from '../shared/errors';
import { httpRoute, json } from '../shared/http';

/** `GET /receipts/{code}`: whether a vote with this printed receipt was recorded; yes or no only. */
export const handler = httpRoute({ name: 'checkReceipt' }, async ({ params, app }) => {
  const parsed = receiptParamsSchema.safeParse(params);
  if (!parsed.success) throw new InvalidInputError('path', describeIssues(parsed.error));
  const code = parsed.data.code;
  const recorded = await app.citizen.receiptRecorded(code);
  return json(200, { receipt: formatReceipt(code), recorded });
});
