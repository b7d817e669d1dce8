/**
 * WeChat's privacy authorization and scope permissions (PrivacyAuthorize.html, wx.authorize, wx.getSetting,
 * wx.openSetting): a privacy-scoped call before agreement raises onNeedPrivacyAuthorization and, without an agree
 * from a tapped agreePrivacyAuthorization button, fails with errno 104; one the guide does not declare fails with
 * errno 112; a scope said no to fails `…:fail auth deny` at once, one never asked is asked; the settings page opens
 * only from a tap.
 */
import { asyncApi, wxFailure, type Dict, type Options } from './api';

/** The person's and the mini-program's privacy facts, as WeChat keeps them. */
export interface PrivacyState {
  /** The 用户隐私保护指引 agreed to. */
  privacyAgreed: boolean;
  /** The guide declares the privacy-scoped interfaces the pages call. */
  privacyDeclared: boolean;
  contractName: string;
  /** Scopes asked before, as wx.getSetting answers: true allowed, false said no to; absent never asked. */
  authSetting: Record<string, boolean>;
  /** The ids of agreePrivacyAuthorization buttons tapped (WeChat checks resolve's buttonId against them). */
  agreeButtonsTapped: string[];
  /** Privacy-scoped calls that raised onNeedPrivacyAuthorization, by interface. */
  privacyRequests: string[];
  /** Scopes WeChat asked the person for, in order. */
  prompts: string[];
}

/** What the host shows of WeChat's privacy and permission screens. */
export interface PrivacyHost {
  /** Whether a tap's handlers run now: wx.openSetting works only then. */
  inTap(): boolean;
  /** WeChat's own prompt for a never-asked scope; resolves true when the person allows it. */
  askScope(scope: string): Promise<boolean>;
  /** WeChat's settings page: resolves with the switches the person leaves it with. */
  settingsPage(current: Record<string, boolean>): Promise<Record<string, boolean>>;
  /** wx.openPrivacyContract: WeChat's page of the guide. */
  showPrivacyContract(): void;
}

/** What each chooser picks when the page names no mediaType (chooseMedia: both, as documented). */
const DEFAULT_MEDIA: Record<string, string[]> = {
  chooseMedia: ['image', 'video'],
  chooseImage: ['image'],
  chooseVideo: ['video'],
};

type Answer = { event?: string; buttonId?: string };
type Listener = (resolve: (answer: Answer) => void, info: Dict) => void;

/** A tap on an agreePrivacyAuthorization button: WeChat records the agreement and remembers the button. */
export function agreeByButton(state: PrivacyState, id: string): void {
  state.privacyAgreed = true;
  state.agreeButtonsTapped.push(id);
}

/** The privacy model over `state`: its gates and its wx interfaces. */
export function privacyModel(state: PrivacyState, host: PrivacyHost) {
  let listener: Listener | undefined;

  /** WeChat's privacy check before a privacy-scoped interface runs. */
  async function privacyGate(api: string): Promise<void> {
    if (!state.privacyDeclared)
      throw wxFailure(`${api}:fail api scope is not declared in the privacy agreement`, 112);
    if (state.privacyAgreed) return;
    state.privacyRequests.push(api);
    const waiting = listener;
    if (waiting) {
      const answer = await new Promise<Answer>((resolve) =>
        waiting(
          (a) => {
            if (a.event !== 'exposureAuthorization') resolve(a);
          },
          { referrer: api },
        ),
      );
      if (answer.event === 'agree' && state.agreeButtonsTapped.includes(String(answer.buttonId))) {
        state.privacyAgreed = true;
        return;
      }
    }
    throw wxFailure(`${api}:fail privacy permission is not authorized`, 104);
  }

  /** A scope: said no to fails at once; never asked, WeChat asks the person. */
  async function scopeGate(api: string, scope: string): Promise<void> {
    if (state.authSetting[scope] === undefined) {
      state.prompts.push(scope);
      state.authSetting[scope] = await host.askScope(scope);
    }
    if (!state.authSetting[scope]) throw wxFailure(`${api}:fail auth deny`);
  }

  /** The checks WeChat makes before chooseMedia / chooseImage / chooseVideo open. */
  async function guardMedia(api: string, o: Options): Promise<void> {
    await privacyGate(api);
    const sources = (o.sourceType as string[] | undefined) ?? ['album', 'camera'];
    const types = (o.mediaType as string[] | undefined) ?? DEFAULT_MEDIA[api] ?? ['image'];
    if (!sources.includes('camera')) return;
    await scopeGate(api, 'scope.camera');
    if (types.includes('video')) await scopeGate(api, 'scope.record');
  }

  const openSetting = asyncApi('openSetting', async (o) => {
    if (!o.fromTap) throw wxFailure('openSetting:fail can only be invoked by user TAP gesture.');
    Object.assign(state.authSetting, await host.settingsPage({ ...state.authSetting }));
    return { authSetting: { ...state.authSetting } };
  });

  const apis = {
    getPrivacySetting: asyncApi('getPrivacySetting', () => ({
      needAuthorization: !state.privacyAgreed,
      privacyContractName: state.contractName,
    })),
    openPrivacyContract: asyncApi('openPrivacyContract', () => host.showPrivacyContract()),
    onNeedPrivacyAuthorization: (next: Listener) => {
      listener = next;
    },
    requirePrivacyAuthorize: asyncApi('requirePrivacyAuthorize', () =>
      privacyGate('requirePrivacyAuthorize'),
    ),
    getSetting: asyncApi('getSetting', () => ({ authSetting: { ...state.authSetting } })),
    authorize: asyncApi('authorize', async (o) => {
      await privacyGate('authorize');
      await scopeGate('authorize', String(o.scope));
    }),
    // Whether the call comes from a tap is decided when it is made, not when it runs.
    openSetting: (o: Options = {}) => openSetting({ ...o, fromTap: host.inTap() }),
  };
  return { privacyGate, guardMedia, apis };
}
