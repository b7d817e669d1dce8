/**
 * The server domains a mini-program must list in 开发管理 → 开发设置 → 服务器域名 and 业务域名, from the deployment's
 * configuration: which FaceID product runs, its region and hosts, the return page and the privacy policy's address.
 * The cloud functions' own calls (wx.cloud) need no domain.
 */
import { readConfig, type Env } from '../../server/config';
import { liteHost } from '../../server/providers/megvii-lite';
import { OVERSEAS_DEFAULT_BASE_URL } from '../../server/providers/megvii-overseas';

/** The host Megvii's mini-program component calls (docs/providers.md#doc-component-protocol). */
export const COMPONENT_HOST = 'https://openapi.faceid.com';

/** One domain of a list and why it is there. */
interface Domain {
  origin: string;
  why: string;
}

/** The domain lists of 开发设置, each sorted and without duplicates. */
export interface DomainLists {
  /** request 合法域名 */
  request: Domain[];
  /** uploadFile 合法域名 */
  uploadFile: Domain[];
  /** downloadFile 合法域名 */
  downloadFile: Domain[];
  /** 业务域名 (web-view) */
  business: Domain[];
}

/** The lists by their name in 开发设置. */
export const DOMAIN_LISTS = {
  request: 'request 合法域名',
  uploadFile: 'uploadFile 合法域名',
  downloadFile: 'downloadFile 合法域名',
  business: '业务域名',
} as const;

const originOf = (url: string): string => new URL(url).origin;

/**
 * The domains the mini-program needs for this configuration. `privacyPolicy` is the mini-program's own setting
 * (miniprogram/services/support.ts): an https address is opened in web-view.
 */
export function domainLists(env: Env, privacyPolicy: string): DomainLists {
  const config = readConfig(env);
  const lists: DomainLists = { request: [], uploadFile: [], downloadFile: [], business: [] };
  const add = (list: keyof DomainLists, url: string, why: string) => {
    const origin = originOf(url);
    if (!lists[list].some((domain) => domain.origin === origin)) lists[list].push({ origin, why });
  };
  switch (config.FACEID_PROVIDER) {
    case 'fidlite':
      add('request', COMPONENT_HOST, "Megvii's FaceID component: its steps (get_config, confirm, cancel)");
      add('uploadFile', COMPONENT_HOST, "Megvii's FaceID component: ID-card photos and the face video");
      break;
    case 'megvii-lite':
    case 'megvii-overseas': {
      const host =
        config.FACEID_BASE_URL ??
        (config.FACEID_PROVIDER === 'megvii-lite' ? liteHost(config) : OVERSEAS_DEFAULT_BASE_URL);
      add('business', host, "FaceID's H5 verification page, opened in web-view");
      add(
        'business',
        config.FACEID_RETURN_URL,
        'the return page FaceID sends the person back to (FACEID_RETURN_URL)',
      );
      break;
    }
    case 'megvii-app':
    case 'megvii-raw':
      // App SDK products: the mini-program pages never open them, so they need no domain.
      break;
    case 'wechat':
      // api.weixin.qq.com is called by the cloud functions only; wx.requestFacialVerify is WeChat's own: none.
      break;
  }
  if (/^https:\/\//.test(privacyPolicy)) add('business', privacyPolicy, 'the full privacy policy (web-view)');
  for (const list of Object.values(lists) as Domain[][])
    list.sort((a, b) => a.origin.localeCompare(b.origin));
  return lists;
}
