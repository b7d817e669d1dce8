/** WeChat access tokens in the CloudBase collection faceid_tokens: one document per AppID, shared by instances. */
import type { AccessTokenStore, StoredAccessToken } from '../providers/wechat';
import { isDuplicateKey, type CloudDatabase } from './cloudbase';

/** Name of the CloudBase collection keeping WeChat access tokens (ADMINONLY: a token is a credential). */
export const TOKENS_COLLECTION = 'faceid_tokens';

/** The access-token store over the functions' database. */
export class CloudAccessTokenStore implements AccessTokenStore {
  constructor(private readonly db: CloudDatabase) {}

  private get collection() {
    return this.db.collection(TOKENS_COLLECTION);
  }

  async read(appid: string): Promise<StoredAccessToken | undefined> {
    const { data } = await this.collection.where({ _id: appid }).limit(1).get();
    const doc = data[0];
    return typeof doc?.accessToken === 'string' && typeof doc.expiresAt === 'number'
      ? { accessToken: doc.accessToken, expiresAt: doc.expiresAt }
      : undefined;
  }

  async write(appid: string, token: StoredAccessToken): Promise<void> {
    const data = { accessToken: token.accessToken, expiresAt: token.expiresAt };
    const { stats } = await this.collection.where({ _id: appid }).update({ data });
    if (stats.updated > 0) return;
    try {
      await this.collection.add({ data: { _id: appid, ...data } });
    } catch (err) {
      if (!isDuplicateKey(err)) throw err;
      await this.collection.where({ _id: appid }).update({ data });
    }
  }
}
