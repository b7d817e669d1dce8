/**
 * The preview's WeChat state and screens for privacy and permissions (the rules are dev/wx's). The state comes
 * from the preview's address: `?privacy=unagreed` (the guide not agreed to yet) or `?privacy=undeclared` (scoped
 * calls fail with errno 112), `?camera=` / `?record=` `denied` (said no to before) or `ask` (never asked; default:
 * allowed), `?sdk=<version>` (the base library, default 3.8.12).
 */
import type { PrivacyHost, WeChatState } from '../../wx';
import { showModal, showToast } from './ui';

const SCOPES: Record<string, { param: string; label: string }> = {
  'scope.camera': { param: 'camera', label: '摄像头' },
  'scope.record': { param: 'record', label: '麦克风' },
};

function param(name: string): string {
  return new URLSearchParams(location.search).get(name) ?? '';
}

/** WeChat's state as the address sets it. */
export const wechatState: WeChatState = {
  privacyAgreed: !['unagreed', 'undeclared'].includes(param('privacy')),
  privacyDeclared: param('privacy') !== 'undeclared',
  contractName: '《实名人脸核身隐私保护指引》',
  sdkVersion: /^\d+(\.\d+)*$/.test(param('sdk')) ? param('sdk') : '3.8.12',
  authSetting: {},
  agreeButtonsTapped: [],
  privacyRequests: [],
  prompts: [],
};
for (const [scope, { param: name }] of Object.entries(SCOPES)) {
  const value = param(name);
  if (value === 'denied') wechatState.authSetting[scope] = false;
  else if (value !== 'ask') wechatState.authSetting[scope] = true;
}

/** A tap is under way from its touch's end until the handlers it started have run. */
let tapping = false;
document.addEventListener(
  'touchend',
  () => {
    tapping = true;
    setTimeout(() => {
      tapping = false;
    }, 0);
  },
  true,
);

/** WeChat's prompt, its settings page and the guide's page, drawn as the preview's dialogs. */
export const privacyScreens: PrivacyHost = {
  inTap: () => tapping,
  askScope: async (scope) => {
    const { confirm } = await showModal({
      title: `申请使用你的${SCOPES[scope]?.label ?? scope}`,
      content: '（预览中模拟微信的授权弹窗）',
      cancelText: '拒绝',
      confirmText: '允许',
    });
    return confirm;
  },
  settingsPage: async (current) => {
    const next: Record<string, boolean> = {};
    for (const scope of Object.keys(current)) {
      const { confirm } = await showModal({
        title: `设置：${SCOPES[scope]?.label ?? scope}`,
        content: current[scope] ? '现在：允许' : '现在：不允许',
        cancelText: '不允许',
        confirmText: '允许',
      });
      next[scope] = confirm;
    }
    return next;
  },
  showPrivacyContract: () =>
    showToast({ title: '微信的隐私保护指引页（预览中无法打开）', icon: 'none', duration: 2000 }),
};
