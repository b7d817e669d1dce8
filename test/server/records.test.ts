import { completeFlow } from '../support/component-driver';
import { CONSENT, startHarness, type Harness } from '../support/harness';
import { recordId } from '../../server/lifecycle/states';

type Answer = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
const DAY = 24 * 60 * 60 * 1000;

let h: Harness;
beforeEach(async () => {
  h = await startHarness();
});
afterEach(async () => {
  await h.close();
});

async function verify(openid: string, outcome = 'SUCCESS'): Promise<Answer> {
  const token = await h.call<Answer>(
    'getBizToken',
    { ...CONSENT, mode: 'idcard', idcardName: '李四', idcardNumber: '11010519491231002X' },
    openid,
  );
  await completeFlow(h.sandbox.url, token.bizToken, outcome);
  await h.call('getResult', { bizToken: token.bizToken }, openid);
  return token;
}

describe('listVerifications', () => {
  it('lists only the caller’s own records, newest first, masked and paged', async () => {
    const a = await verify('o-a', 'SUCCESS');
    const b = await verify('o-a', 'PASS_LIVING_NOT_THE_SAME');
    await verify('o-b');
    const first = await h.call<Answer>('listVerifications', { pageSize: 1 }, 'o-a');
    expect(first).toMatchObject({ ok: true, page: 0, pageSize: 1, hasMore: true });
    expect(first.items).toEqual([
      expect.objectContaining({
        bizNo: b.bizNo,
        outcome: 'not_same_person',
        status: 'finished',
        resultMessage: 'PASS_LIVING_NOT_THE_SAME',
        maskedName: '李*',
        maskedIdNumber: '1101**********002X',
      }),
    ]);
    const second = await h.call<Answer>('listVerifications', { page: 1, pageSize: 1 }, 'o-a');
    expect(second.items.map((i: Answer) => i.bizNo)).toEqual([a.bizNo]);
    expect(second.hasMore).toBe(false);
    expect(JSON.stringify([first, second])).not.toMatch(/李四|11010519491231002X/);
  });

  it('refuses a user naming someone else; the console may list anyone', async () => {
    await verify('o-a');
    expect((await h.call<Answer>('listVerifications', { openid: 'o-a' }, 'o-b')).error.code).toBe(
      'FORBIDDEN',
    );
    expect((await h.call<Answer>('listVerifications', { openid: 'o-a' }, null)).items).toHaveLength(1);
    expect((await h.call<Answer>('listVerifications', {}, null)).items).toHaveLength(1);
  });

  it.each([[{ page: -1 }], [{ pageSize: 0 }], [{ pageSize: 51 }], [{ page: 'x' }], ['nope']])(
    'refuses %j',
    async (event) => {
      expect((await h.call<Answer>('listVerifications', event, 'o-a')).error.code).toBe('INVALID_EVENT');
    },
  );
});

describe('deleteVerification', () => {
  it('deletes the caller’s own record, never another user’s', async () => {
    const mine = await verify('o-a');
    expect((await h.call<Answer>('deleteVerification', { bizNo: mine.bizNo }, 'o-b')).error.code).toBe(
      'NOT_FOUND',
    );
    expect(await h.record(mine.bizNo, 'o-a')).toBeDefined();
    expect(await h.call('deleteVerification', { bizNo: mine.bizNo }, 'o-a')).toEqual({
      ok: true,
      deleted: true,
    });
    expect(await h.record(mine.bizNo, 'o-a')).toBeUndefined();
    expect((await h.call<Answer>('getResult', { bizToken: mine.bizToken }, 'o-a')).error.code).toBe(
      'NOT_FOUND',
    );
  });
});

describe('evidence images and purge', () => {
  it('keeps images only with FACEID_KEEP_IMAGES=1, never returns them, and deletes them with the record', async () => {
    const plain = await verify('o-a');
    expect(await h.record(plain.bizNo, 'o-a')).not.toHaveProperty('imageFileIDs');

    process.env.FACEID_KEEP_IMAGES = '1';
    const kept = await verify('o-a');
    const record = await h.record(kept.bizNo, 'o-a');
    if (record?.status !== 'finished' || !record.imageFileIDs) throw new Error('no evidence kept');
    expect(record.imageFileIDs).toEqual(
      expect.arrayContaining([
        expect.stringMatching(
          new RegExp(`faceid-evidence/${recordId('o-a', kept.bizNo)}/1-[0-9a-f]{12}/image_best\\.jpg$`),
        ),
      ]),
    );
    const stored = h.cloud.cloudbase.readFile(record.imageFileIDs[0]);
    expect(stored?.subarray(0, 2)).toEqual(Buffer.from([0xff, 0xd8]));
    const again = await h.call<Answer>('getResult', { bizToken: kept.bizToken }, 'o-a');
    expect(JSON.stringify(again)).not.toMatch(/faceid-evidence|image_best/);

    await h.call('deleteVerification', { bizNo: kept.bizNo }, 'o-a');
    expect(h.cloud.cloudbase.readFile(record.imageFileIDs[0])).toBeUndefined();
  });

  it('purges records older than FACEID_RETENTION_DAYS with their images, from the timer only', async () => {
    process.env.FACEID_KEEP_IMAGES = '1';
    const old = await verify('o-a');
    const fresh = await verify('o-a');
    const oldRecord = await h.record(old.bizNo, 'o-a');
    if (oldRecord?.status !== 'finished' || !oldRecord.imageFileIDs) throw new Error('no evidence kept');
    await h.ageRecord(old.bizNo, { createdAt: Date.now() - 31 * DAY }, 'o-a');
    await h.ageRecord(fresh.bizNo, { createdAt: Date.now() - 29 * DAY }, 'o-a');

    expect((await h.call<Answer>('purgeVerifications', {}, 'o-a')).error.code).toBe('FORBIDDEN');
    expect(await h.call<Answer>('purgeVerifications', {}, null)).toMatchObject({ ok: true, deleted: 1 });
    expect(await h.record(old.bizNo, 'o-a')).toBeUndefined();
    expect(await h.record(fresh.bizNo, 'o-a')).toBeDefined();
    expect(h.cloud.cloudbase.readFile(oldRecord.imageFileIDs[0])).toBeUndefined();

    process.env.FACEID_RETENTION_DAYS = '7';
    expect(await h.call<Answer>('purgeVerifications', {}, null)).toMatchObject({ ok: true, deleted: 1 });
    process.env.FACEID_RETENTION_DAYS = 'forever';
    expect((await h.call<Answer>('purgeVerifications', {}, null)).error).toMatchObject({
      code: 'CONFIG_INVALID',
      param: 'FACEID_RETENTION_DAYS',
    });
  });
});

describe('purge of many records', () => {
  it('deletes 120 old records with their photos in deleteFile calls of at most 50 files (CloudBase refuses more)', async () => {
    const old = Date.now() - 31 * DAY;
    const photos: string[] = [];
    for (let i = 0; i < 120; i++) {
      const bizNo = `fidold${String(i).padStart(3, '0')}`;
      const fileID = await h.putFile(`faceid/o-a/${bizNo}.jpg`, Buffer.from([0xff, 0xd8, i]));
      photos.push(fileID);
      await h.putRecord({
        _id: bizNo,
        bizNo,
        openid: 'o-a',
        mode: 'reference',
        provider: 'fidlite',
        status: 'failed',
        errorCode: 'UPSTREAM_ERROR',
        attempt: 1,
        createdAt: old,
        endedAt: old,
        photoFileIDs: [fileID],
      });
    }
    h.cloud.cloudbase.resetRequestCounts();
    expect(await h.call<Answer>('purgeVerifications', {}, null)).toMatchObject({ ok: true, deleted: 120 });
    expect(photos.filter((fileID) => h.cloud.cloudbase.readFile(fileID) !== undefined)).toEqual([]);
    expect(h.cloud.cloudbase.requestCounts()['storage.batchDeleteFile']).toBeGreaterThanOrEqual(3);
  });
});

describe('rate limit on getBizToken', () => {
  it('allows FACEID_RATE_LIMIT tokens per user per window, counted in the store, with a clear message', async () => {
    process.env.FACEID_RATE_LIMIT = '2/600';
    for (let i = 0; i < 2; i++)
      expect((await h.call<Answer>('getBizToken', { ...CONSENT, ...CONSENT, mode: 'ocr' }, 'o-a')).ok).toBe(
        true,
      );
    const third = await h.call<Answer>('getBizToken', { ...CONSENT, ...CONSENT, mode: 'ocr' }, 'o-a');
    expect(third.error).toMatchObject({ code: 'RATE_LIMITED', retryable: true });
    expect(third.error.message).toMatch(/^发起认证过于频繁，请 \d+ 分钟后再试$/);
    expect(h.upstream.calls('/lite/v1/get_biz_token')).toHaveLength(2);
    expect((await h.call<Answer>('getBizToken', { ...CONSENT, ...CONSENT, mode: 'ocr' }, 'o-b')).ok).toBe(
      true,
    );
    expect((await h.call<Answer>('getBizToken', { ...CONSENT, ...CONSENT, mode: 'ocr' }, null)).ok).toBe(
      true,
    );
  });

  it('defaults to 5 per 600 s and does not count a repeated bizNo or invalid input', async () => {
    delete process.env.FACEID_RATE_LIMIT;
    for (let i = 0; i < 3; i++)
      await h.call(
        'getBizToken',
        { ...CONSENT, mode: 'idcard', idcardName: '李四', idcardNumber: 'bad' },
        'o-a',
      );
    for (let i = 0; i < 3; i++)
      expect(
        (await h.call<Answer>('getBizToken', { ...CONSENT, ...CONSENT, mode: 'ocr', bizNo: 'same-1' }, 'o-a'))
          .ok,
      ).toBe(true);
    for (let i = 0; i < 4; i++)
      expect((await h.call<Answer>('getBizToken', { ...CONSENT, ...CONSENT, mode: 'ocr' }, 'o-a')).ok).toBe(
        true,
      );
    expect(
      (await h.call<Answer>('getBizToken', { ...CONSENT, ...CONSENT, mode: 'ocr' }, 'o-a')).error.code,
    ).toBe('RATE_LIMITED');
  });

  it('refuses a malformed FACEID_RATE_LIMIT as configuration', async () => {
    process.env.FACEID_RATE_LIMIT = 'lots';
    expect(
      (await h.call<Answer>('getBizToken', { ...CONSENT, ...CONSENT, mode: 'ocr' }, 'o-a')).error,
    ).toMatchObject({
      code: 'CONFIG_INVALID',
      param: 'FACEID_RATE_LIMIT',
    });
    expect(h.upstream.requests).toHaveLength(0);
  });
});
