/**
 * WeChat's privacy authorization and the camera and microphone permissions, as the preview's wx models them
 * (PrivacyAuthorize.html, wx.authorize, wx.openSetting). The state comes from the preview's address:
 * `?privacy=unagreed` (the guide not agreed to yet) or `?privacy=undeclared` (scoped calls fail with errno 112),
 * `?camera=` / `?record=` `denied` (said no to before) or `ask` (never asked; default: allowed), `?sdk=<version>`
 * (the base library, default 3.8.12).
 */
import { showModal, showToast } from './ui';
import type { Dict, WxFailure } from './types';

type Answer = { event?: string; buttonId?: string };
type Listener = (resolve: (answer: Answer) => void, info: Dict) => void;

const SCOPES: Record<string, { param: string; label: string }> = {
  'scope.camera': { param: 'camera', label: '摄像头' },
  'scope.record': { param: 'record', label: '麦克风' },
};

function param(name: string): string {
  return new URLSearchParams(location.search).get(name) ?? '';
}

const state = {
  agreed: !['unagreed', 'undeclared'].includes(param('privacy')),
  declared: param('privacy') !== 'undeclared',
  auth: {} as Record<string, boolean>,
  tapped: new Set<string>(),
  listener: undefined as Listener | undefined,
};
for (const [scope, { param: name }] of Object.entries(SCOPES)) {
  const value = param(name);
  if (value === 'denied') state.auth[scope] = false;
  else if (value !== 'ask') state.auth[scope] = true;
}

function failure(errMsg: string, errno?: number): WxFailure {
  return errno === undefined ? { errMsg } : { errMsg, errno };
}

/** The base library's version (`?sdk=`). */
export function sdkVersion(): string {
  return /^\d+(\.\d+)*$/.test(param('sdk')) ? param('sdk') : '3.8.12';
}

/** A tap on an agreePrivacyAuthorization button: WeChat records the agreement and remembers the button. */
export function agreeByButton(id: string): void {
  state.agreed = true;
  state.tapped.add(id);
}

/** WeChat's privacy check before a privacy-scoped interface runs. */
async function privacyGate(api: string): Promise<void> {
  if (!state.declared) throw failure(`${api}:fail api scope is not declared in the privacy agreement`, 112);
  if (state.agreed) return;
  const listener = state.listener;
  if (listener) {
    const answer = await new Promise<Answer>((resolve) =>
      listener(
        (a) => {
          if (a.event !== 'exposureAuthorization') resolve(a);
        },
        { referrer: api },
      ),
    );
    if (answer.event === 'agree' && state.tapped.has(String(answer.buttonId))) {
      state.agreed = true;
      return;
    }
  }
  throw failure(`${api}:fail privacy permission is not authorized`, 104);
}

/** A scope: said no to fails at once; never asked, WeChat asks the person. */
async function scopeGate(api: string, scope: string): Promise<void> {
  if (state.auth[scope] === undefined) {
    const { confirm } = await showModal({
      title: `申请使用你的${SCOPES[scope]?.label ?? scope}`,
      content: '（预览中模拟微信的授权弹窗）',
      cancelText: '拒绝',
      confirmText: '允许',
    });
    state.auth[scope] = confirm;
  }
  if (!state.auth[scope]) throw failure(`${api}:fail auth deny`);
}

/** The checks WeChat makes before chooseMedia / chooseImage / chooseVideo open. */
export async function guardMedia(api: string, o: Dict): Promise<void> {
  await privacyGate(api);
  const sources = (o.sourceType as string[] | undefined) ?? ['album', 'camera'];
  const types = (o.mediaType as string[] | undefined) ?? [api === 'chooseVideo' ? 'video' : 'image'];
  if (!sources.includes('camera')) return;
  await scopeGate(api, 'scope.camera');
  if (types.includes('video')) await scopeGate(api, 'scope.record');
}

/** The privacy and permission interfaces of wx. */
export function privacyApis(asyncApi: (api: string, impl: (o: Dict) => unknown) => unknown): Dict {
  return {
    getPrivacySetting: asyncApi('getPrivacySetting', () => ({
      needAuthorization: !state.agreed,
      privacyContractName: '《实名人脸核身隐私保护指引》',
    })),
    openPrivacyContract: asyncApi('openPrivacyContract', () => {
      showToast({ title: '微信的隐私保护指引页（预览中无法打开）', icon: 'none', duration: 2000 });
    }),
    onNeedPrivacyAuthorization: (listener: Listener) => {
      state.listener = listener;
    },
    requirePrivacyAuthorize: asyncApi('requirePrivacyAuthorize', () =>
      privacyGate('requirePrivacyAuthorize'),
    ),
    getSetting: asyncApi('getSetting', () => ({ authSetting: { ...state.auth } })),
    authorize: asyncApi('authorize', async (o) => {
      await privacyGate('authorize');
      await scopeGate('authorize', String(o.scope));
    }),
    openSetting: asyncApi('openSetting', async () => {
      for (const scope of Object.keys(state.auth)) {
        const { confirm } = await showModal({
          title: `设置：${SCOPES[scope]?.label ?? scope}`,
          content: state.auth[scope] ? '现在：允许' : '现在：不允许',
          cancelText: '不允许',
          confirmText: '允许',
        });
        state.auth[scope] = confirm;
      }
      return { authSetting: { ...state.auth } };
    }),
  };
}
