/**
 * The local host answers the mini-program's wx.cloud file calls as CloudBase does under the storage permission
 * cloudbaserc.json declares: no client reads, a person writes and deletes only files they uploaded.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { startCloudBase, type CloudBaseStandIn } from '../../dev/cloudbase';
import { createLocalHost, storageCheck } from '../../dev/local-cloud/host';
import type { LocalCloud } from '../../dev/local-cloud';
import { readManifest } from '../../pipeline/functions-manifest';

const ALICE = 'o-local-alice0001';
const BOB = 'o-local-bob000001';

let cloudbase: CloudBaseStandIn;
let server: http.Server;
let base: string;
beforeAll(async () => {
  cloudbase = await startCloudBase({});
  const cloud = {
    cloudbase,
    putFile: (cloudPath: string, content: Buffer) => cloudbase.putFile(cloudPath, content),
  } as unknown as LocalCloud;
  const host = createLocalHost({ cloud });
  server = http.createServer((req, res) => {
    void host.handle(req, res, new URL(req.url ?? '/', 'http://127.0.0.1'));
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await new Promise((done) => server.close(done));
  await cloudbase.close();
});

const as = (openid: string) => ({ cookie: `mp_openid=${openid}` });

async function upload(openid: string, cloudPath: string, body: string): Promise<Response> {
  return fetch(`${base}/api/uploadFile?cloudPath=${encodeURIComponent(cloudPath)}`, {
    method: 'POST',
    headers: as(openid),
    body,
  });
}

describe('the local host under the declared storage permission', () => {
  it('lets a person upload, never download, and overwrite or delete only what they uploaded', async () => {
    const up = await upload(ALICE, 'faceid/a/ref-1.jpg', 'alice');
    expect(up.status).toBe(200);
    const { fileID } = (await up.json()) as { fileID: string };

    expect((await upload(BOB, 'faceid/a/ref-1.jpg', 'bob')).status).toBe(403);
    expect(cloudbase.readFile(fileID)?.toString()).toBe('alice');
    expect((await upload(ALICE, 'faceid/a/ref-1.jpg', 'alice 2')).status).toBe(200);

    for (const reader of [ALICE, BOB]) {
      const down = await fetch(`${base}/api/downloadFile?fileID=${encodeURIComponent(fileID)}`, {
        headers: as(reader),
      });
      expect([down.status, ((await down.json()) as { errCode: number }).errCode]).toEqual([403, -503002]);
    }

    const evidence = cloudbase.putFile('faceid-evidence/biz-1/image_best.jpg', Buffer.from('by a function'));
    expect((await upload(ALICE, 'faceid-evidence/biz-1/image_best.jpg', 'x')).status).toBe(403);
    const remove = async (openid: string) =>
      (
        (await (
          await fetch(`${base}/api/deleteFile`, {
            method: 'POST',
            headers: { ...as(openid), 'content-type': 'application/json' },
            body: JSON.stringify({ fileList: [fileID, evidence] }),
          })
        ).json()) as { fileList: { status: number }[] }
      ).fileList.map((f) => f.status);
    expect(await remove(BOB)).toEqual([-503002, -503002]);
    expect(await remove(ALICE)).toEqual([0, -503002]);
    expect(cloudbase.readFile(fileID)).toBeUndefined();
    expect(cloudbase.readFile(evidence)?.toString()).toBe('by a function');
  });

  it('evaluates the permission cloudbaserc.json declares, and refuses a rule it cannot evaluate', () => {
    const check = storageCheck(readManifest().storage);
    expect([check('read', ALICE, ALICE), check('write', ALICE, ALICE), check('write', BOB, ALICE)]).toEqual([
      false,
      true,
      false,
    ]);
    expect(storageCheck({ acl: 'READONLY' })('read', BOB, ALICE)).toBe(true);
    expect(() => storageCheck({ acl: 'CUSTOM', rule: { read: 'auth != null', write: false } })).toThrow(
      'cannot evaluate',
    );
  });
});
