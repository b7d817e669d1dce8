import { appendFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startCloudBase, LOCK_FILE } from '../../dev/cloudbase';
import { sdkOverStandIn, type SdkOverStandIn } from '../support/cloudbase';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Any = any;

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));
const tempDir = (): string => {
  const dir = mkdtempSync(join(tmpdir(), 'cloudbase-'));
  dirs.push(dir);
  return dir;
};

describe('the CloudBase stand-in through the real wx-server-sdk', () => {
  let cloud: SdkOverStandIn;
  let db: Any;
  beforeEach(async () => {
    cloud = await sdkOverStandIn({ collections: ['things'] });
    db = cloud.sdk.database();
  });
  afterEach(() => cloud.close());

  it('answers where().update() with the number of documents changed, and merges nested objects by dot path', async () => {
    const things = db.collection('things');
    await things.add({ data: { _id: 'a', kind: 'x', n: 1, nested: { keep: 1, change: 1 } } });
    await things.add({ data: { _id: 'b', kind: 'x', n: 5, nested: { keep: 2, change: 2 } } });
    await things.add({ data: { _id: 'c', kind: 'y', n: 9 } });
    const answer = await things.where({ kind: 'x' }).update({ data: { nested: { change: 7 } } });
    expect(answer.stats).toEqual({ updated: 2 });
    const { data } = await things.where({ kind: 'x' }).orderBy('n', 'asc').get();
    expect(data.map((d: Any) => d.nested)).toEqual([
      { keep: 1, change: 7 },
      { keep: 2, change: 7 },
    ]);
    // The same values again change nothing, and CloudBase counts what changed.
    expect((await things.where({ kind: 'x' }).update({ data: { nested: { change: 7 } } })).stats).toEqual({
      updated: 0,
    });
  });

  it('replaces with command.set, clears with command.remove, adds with command.inc', async () => {
    const things = db.collection('things');
    await things.add({ data: { _id: 'a', nested: { keep: 1 }, gone: true, n: 1 } });
    await things.doc('a').update({
      data: { nested: db.command.set({ fresh: 2 }), gone: db.command.remove(), n: db.command.inc(2) },
    });
    expect((await things.doc('a').get()).data).toEqual({ _id: 'a', nested: { fresh: 2 }, n: 3 });
  });

  it('queries with comparison commands, order, skip, limit and count', async () => {
    const things = db.collection('things');
    for (let i = 1; i <= 6; i++) await things.add({ data: { _id: `t${i}`, at: 1_800_000_000_000 + i } });
    const page = await things
      .where({ at: db.command.lt(1_800_000_000_005) })
      .orderBy('at', 'desc')
      .skip(1)
      .limit(2)
      .get();
    expect(page.data.map((d: Any) => d._id)).toEqual(['t3', 't2']);
    expect((await things.where({ at: db.command.gte(1_800_000_000_003) }).count()).total).toBe(4);
  });

  it('fails a repeated _id with E11000, errCode -502001', async () => {
    const things = db.collection('things');
    await things.add({ data: { _id: 'a' } });
    await expect(things.add({ data: { _id: 'a' } })).rejects.toMatchObject({
      errCode: -502001,
      message: expect.stringContaining('E11000 duplicate key'),
    });
  });

  it('refuses, as MongoDB does, a field name starting with $ at any depth, by add, set or update', async () => {
    const things = db.collection('things');
    await expect(things.add({ data: { _id: 'd1', nested: { $where: 'x' } } })).rejects.toMatchObject({
      errCode: -502001,
      message: expect.stringContaining(
        "The dollar ($) prefixed field '$where' in 'nested.$where'",
      ) as unknown,
    });
    await things.add({ data: { _id: 'd2', n: 1 } });
    await expect(things.doc('d2').set({ data: { list: [{ $gt: 1 }] } })).rejects.toMatchObject({
      errCode: -502001,
    });
    await expect(things.doc('d2').update({ data: { extra: { $ref: 'x' } } })).rejects.toMatchObject({
      errCode: -502001,
    });
    expect((await things.get()).data).toEqual([{ _id: 'd2', n: 1 }]);
  });

  it('refuses a document over 16 MB, and keeps one just under', async () => {
    const things = db.collection('things');
    const mb = 1024 * 1024;
    await expect(things.add({ data: { _id: 'big', blob: 'x'.repeat(16 * mb) } })).rejects.toMatchObject({
      errCode: -502001,
      message: expect.stringMatching(/BSONObj size: \d+ .* is invalid/) as unknown,
    });
    await things.add({ data: { _id: 'fits', blob: 'x'.repeat(16 * mb - 1024) } });
    await expect(things.doc('fits').update({ data: { more: 'x'.repeat(2048) } })).rejects.toMatchObject({
      errCode: -502001,
    });
    expect((await things.where({ _id: 'big' }).count()).total).toBe(0);
    expect((await things.doc('fits').get()).data.more).toBeUndefined();
  });

  it('refuses, in the SDK, a query whose values are all undefined', () => {
    expect(() => db.collection('things').where({ bizToken: undefined })).toThrow(
      '查询参数对象值不能均为undefined',
    );
  });

  it('answers a collection that was never created with -502005', async () => {
    await expect(db.collection('missing').get()).rejects.toMatchObject({ errCode: -502005 });
  });

  it('fails the next request of an action with an injected fault, through its control API', async () => {
    const res = await fetch(`${cloud.cloudbase.url}/__cloudbase/faults`, {
      method: 'POST',
      body: JSON.stringify({ action: 'database.getDocument', code: 'DATABASE_REQUEST_FAILED', times: 1 }),
    });
    expect(res.status).toBe(200);
    await expect(db.collection('things').get()).rejects.toMatchObject({ errCode: -502001 });
    await expect(db.collection('things').get()).resolves.toMatchObject({ data: [] });
    const stats = (await (await fetch(`${cloud.cloudbase.url}/__cloudbase/stats`)).json()) as Any;
    expect(stats.requests['database.getDocument']).toBe(2);
    const bad = await fetch(`${cloud.cloudbase.url}/__cloudbase/latency`, {
      method: 'POST',
      body: JSON.stringify({ ms: -1 }),
    });
    expect(bad.status).toBe(400);
  });

  it('stores, downloads and deletes files as cloud storage does', async () => {
    const { fileID } = await cloud.sdk.uploadFile({
      cloudPath: 'faceid/o-1/a.jpg',
      fileContent: Buffer.from('jpeg'),
    });
    // The bucket is named after the environment, as CloudBase's are: hex of "lo", the id, the account.
    expect(cloud.cloudbase.envId).toBe('local-dev-0a1b2c');
    expect(fileID).toBe('cloud://local-dev-0a1b2c.6c6f-local-dev-0a1b2c-1300000000/faceid/o-1/a.jpg');
    expect((await cloud.sdk.downloadFile({ fileID })).fileContent.toString()).toBe('jpeg');
    const deleted = (await cloud.sdk.deleteFile({ fileList: [fileID, `${fileID}.gone`] })) as Any;
    expect(deleted.fileList.map((f: Any) => f.status)).toEqual([0, -503003]);
    await expect(cloud.sdk.downloadFile({ fileID })).rejects.toThrow('storage file not exists');
  });

  it('refuses a deleteFile naming more than 50 files, as CloudBase does ("一次最多 50 个"), deleting none', async () => {
    const fileList = Array.from({ length: 51 }, (_, i) =>
      cloud.cloudbase.putFile(`faceid/o-1/${i}.jpg`, Buffer.from('jpeg')),
    );
    await expect(cloud.sdk.deleteFile({ fileList })).rejects.toMatchObject({
      errMsg: expect.stringContaining('at most 50 files'),
    });
    expect(fileList.every((fileID) => cloud.cloudbase.readFile(fileID) !== undefined)).toBe(true);
    const deleted = (await cloud.sdk.deleteFile({ fileList: fileList.slice(0, 50) })) as Any;
    expect(deleted.fileList.filter((f: Any) => f.status === 0)).toHaveLength(50);
  });

  it('refuses an unsigned or tampered file URL', async () => {
    cloud.cloudbase.putFile('faceid/o-1/a.jpg', Buffer.from('jpeg'));
    const res = await fetch(
      `${cloud.cloudbase.url}/cos/faceid/o-1/a.jpg?sign=${'0'.repeat(64)}&t=${Date.now() + 9e5}`,
    );
    expect(res.status).toBe(403);
  });
});

describe('the stand-in refuses requests a real environment would refuse', () => {
  it('for another environment, or signed with another key pair', async () => {
    const cloud = await sdkOverStandIn({ collections: ['things'] });
    try {
      process.env.TCB_ENV = 'another-env';
      await expect(cloud.sdk.database().collection('things').get()).rejects.toMatchObject({
        errCode: -501001,
      });
      process.env.TCB_ENV = cloud.cloudbase.envId;
      process.env.TENCENTCLOUD_SECRETID = 'AKIDsomeoneelse';
      await expect(cloud.sdk.database().collection('things').get()).rejects.toThrow('AuthFailure');
    } finally {
      await cloud.close();
    }
  });
});

describe('the stand-in data folder', () => {
  it('keeps data across restarts, appending one journal line per write and compacting at start', async () => {
    const dir = tempDir();
    let cloud = await sdkOverStandIn({ dataDir: dir, collections: ['things'] });
    const journal = join(dir, 'database.journal');
    try {
      const things = (cloud.sdk.database() as Any).collection('things');
      await things.add({ data: { _id: 'a', n: 0 } });
      const before = readFileSync(journal);
      for (let i = 0; i < 5; i++)
        await things.doc('a').update({ data: { n: (cloud.sdk.database() as Any).command.inc(1) } });
      const after = readFileSync(journal);
      expect(after.subarray(0, before.length)).toEqual(before);
      expect(after.toString().trim().split('\n')).toHaveLength(
        before.toString().trim().split('\n').length + 5,
      );
      cloud.cloudbase.putFile('faceid/o-1/a.jpg', Buffer.from('jpeg'));
    } finally {
      await cloud.close();
    }
    // A torn last line, as a crash mid-write leaves it, is ignored.
    appendFileSync(journal, '{"collection":"things","put":{"_id":"b",');
    cloud = await sdkOverStandIn({ dataDir: dir });
    try {
      const things = (cloud.sdk.database() as Any).collection('things');
      expect((await things.get()).data).toEqual([{ _id: 'a', n: 5 }]);
      expect(cloud.cloudbase.readFile(cloud.cloudbase.putFile('faceid/o-1/b.jpg', Buffer.from('b')))).toEqual(
        Buffer.from('b'),
      );
      // Compacted: the collection and one line for the document, not its six writes.
      const lines = readFileSync(journal, 'utf8').trim().split('\n');
      expect(lines.filter((line) => line.includes('"things"'))).toHaveLength(2);
    } finally {
      await cloud.close();
    }
  });

  it('is served by one process at a time', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, LOCK_FILE), JSON.stringify({ pid: process.ppid, url: 'http://127.0.0.1:9' }));
    await expect(startCloudBase({ dataDir: dir })).rejects.toThrow(
      `in use by the CloudBase stand-in of process ${process.ppid}`,
    );
  });
});
