import { describe, expect, it } from 'vitest';
import { actionMatches, deniedRequests, isAllowed, resourceMatches } from './iam';

const table = 'arn:aws:dynamodb:ap-south-1:123456789012:table/bs-ledger';

describe('the IAM matcher of the AWS harness', () => {
  it('matches actions case-insensitively and with wildcards', () => {
    expect(actionMatches('dynamodb:GetItem', 'dynamodb:getitem')).toBe(true);
    expect(actionMatches('dynamodb:Get*', 'dynamodb:GetItem')).toBe(true);
    expect(actionMatches('dynamodb:Get*', 'dynamodb:PutItem')).toBe(false);
    expect(actionMatches('*', 'kms:Decrypt')).toBe(true);
    expect(actionMatches('kms:?ecrypt', 'kms:Decrypt')).toBe(true);
    expect(actionMatches('kms:Decrypt', 'kms:DecryptX')).toBe(false);
  });

  it('matches resources case-sensitively, with * across ARN segments and ? for one character', () => {
    expect(resourceMatches(table, table)).toBe(true);
    expect(resourceMatches(table.toUpperCase(), table)).toBe(false);
    expect(resourceMatches(`${table}/index/*`, `${table}/index/byBooth`)).toBe(true);
    expect(resourceMatches(`${table}/index/*`, table)).toBe(false);
    expect(
      resourceMatches(
        'arn:aws:iot:*:*:topic/bs/machines/*/control',
        'arn:aws:iot:ap-south-1:1:topic/bs/machines/m-1/control',
      ),
    ).toBe(true);
    expect(
      resourceMatches(
        'arn:aws:iot:*:*:topic/bs/machines/*/control',
        'arn:aws:iot:ap-south-1:1:topic/bs/machines/m-1/votes',
      ),
    ).toBe(false);
    expect(resourceMatches('arn:aws:sqs:ap-south-1:1:q?', 'arn:aws:sqs:ap-south-1:1:q1')).toBe(true);
    expect(resourceMatches('*', table)).toBe(true);
    // Regular-expression characters in an ARN are literal.
    expect(resourceMatches('arn:aws:s3:::a.b', 'arn:aws:s3:::aXb')).toBe(false);
  });

  it('allows a request only when one statement holds both its action and its resource', () => {
    const statements = [
      { actions: ['dynamodb:GetItem'], resources: [table] },
      { actions: ['dynamodb:PutItem'], resources: ['arn:aws:dynamodb:ap-south-1:123456789012:table/other'] },
    ];
    expect(isAllowed(statements, { action: 'dynamodb:GetItem', resource: table })).toBe(true);
    expect(isAllowed(statements, { action: 'dynamodb:PutItem', resource: table })).toBe(false);
    expect(isAllowed([], { action: 'dynamodb:GetItem', resource: table })).toBe(false);
  });

  it('lists each denied request once', () => {
    const denied = deniedRequests(
      [{ actions: ['dynamodb:GetItem'], resources: [table] }],
      [
        { action: 'dynamodb:GetItem', resource: table },
        { action: 'dynamodb:PutItem', resource: table },
        { action: 'dynamodb:PutItem', resource: table },
      ],
    );
    expect(denied).toEqual([{ action: 'dynamodb:PutItem', resource: table }]);
  });
});
