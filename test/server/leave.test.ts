/**
 * A flow the person leaves half-way (leaveVerification, through the built bundles on the CloudBase stand-in): the
 * record says so, only its owner can say so, and the person and the operator both see it.
 */
import { CONSENT, startHarness, type Harness } from '../support/harness';

type Answer = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const ID = { mode: 'idcard', idcardName: '张三', idcardNumber: '11010519491231002X' };

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(() => h.close());

async function issue(bizNo: string, openid: string): Promise<Answer> {
  const issued = await h.call<Answer>('getBizToken', { ...CONSENT, ...ID, bizNo }, openid);
  expect(issued.ok).toBe(true);
  return issued;
}

describe('leaveVerification', () => {
  it('marks the person’s own issued record left, keeps its token, and costs no FaceID call', async () => {
    const issued = await issue('order-left-1', 'o-left-1');
    const before = h.traffic().faceid;
    const answer = await h.call<Answer>('leaveVerification', { bizToken: issued.bizToken }, 'o-left-1');
    expect(answer).toMatchObject({
      ok: true,
      bizNo: 'order-left-1',
      status: 'issued',
      leftAt: expect.any(Number),
    });
    expect(h.traffic().faceid).toBe(before);
    expect(await h.record('order-left-1', 'o-left-1')).toMatchObject({
      status: 'issued',
      bizToken: issued.bizToken,
      leftAt: answer.leftAt,
    });
    // "My verifications" lists it as left, resumable with its own token until the server's expiry.
    const mine = await h.call<Answer>('listVerifications', {}, 'o-left-1');
    expect(mine.items).toEqual([
      expect.objectContaining({
        bizNo: 'order-left-1',
        status: 'issued',
        leftAt: answer.leftAt,
        expiresAt: issued.expiresAt,
        resumeToken: issued.client.token,
      }),
    ]);
    // Coming back with the same bizNo gets the same token: nothing is bought again.
    const again = await h.call<Answer>(
      'getBizToken',
      { ...CONSENT, ...ID, bizNo: 'order-left-1' },
      'o-left-1',
    );
    expect(again).toMatchObject({ ok: true, bizToken: issued.bizToken });
  });

  it('refuses another user’s token as not found and leaves that record untouched', async () => {
    const theirs = await issue('order-left-2', 'o-left-2');
    expect(
      await h.call<Answer>('leaveVerification', { bizToken: theirs.bizToken }, 'o-left-3'),
    ).toMatchObject({
      ok: false,
      error: { code: 'NOT_FOUND' },
    });
    const record = await h.record('order-left-2', 'o-left-2');
    expect(record).toMatchObject({ status: 'issued' });
    expect(record).not.toHaveProperty('leftAt');
  });

  it('refuses a missing or malformed token with its code, before any database request', async () => {
    const before = h.traffic();
    expect(await h.call<Answer>('leaveVerification', {}, 'o-left-1')).toMatchObject({
      ok: false,
      error: { code: 'MISSING_ARGUMENTS', param: 'bizToken' },
    });
    expect(await h.call<Answer>('leaveVerification', { bizToken: 'a b' }, 'o-left-1')).toMatchObject({
      ok: false,
      error: { code: 'INVALID_EVENT', param: 'bizToken' },
    });
    expect(h.traffic()).toEqual(before);
  });

  it('the operator’s list (the console) shows the record left', async () => {
    const issued = await issue('order-left-4', 'o-left-4');
    await h.call<Answer>('leaveVerification', { bizToken: issued.bizToken }, 'o-left-4');
    const listed = await h.call<Answer>('listVerifications', { openid: 'o-left-4' }, null);
    expect(listed.items).toEqual([
      expect.objectContaining({ bizNo: 'order-left-4', status: 'issued', leftAt: expect.any(Number) }),
    ]);
  });
});
