import { describe, expect, it } from 'vitest';
import { LINKS } from '../links';
import { preferringSecondary } from './aws-deps';

describe('the link reader of a Lambda', () => {
  it("takes the secondary region's own resource when a copy of a step carries it, else the link itself", () => {
    const links: Record<string, unknown> = {
      [LINKS.cache]: { host: 'primary-cache' },
      [LINKS.inSecondary(LINKS.cache)]: { host: 'secondary-cache' },
      [LINKS.ticketKey]: { arn: 'arn:aws:kms:ap-south-1:1:key/mrk-ticket' },
    };
    const read = preferringSecondary((name) => links[name]);
    expect(read(LINKS.cache)).toEqual({ host: 'secondary-cache' });
    expect(read(LINKS.ticketKey)).toEqual({ arn: 'arn:aws:kms:ap-south-1:1:key/mrk-ticket' });
    expect(read(LINKS.pseudonymKey)).toBeUndefined();
  });
});
