/**
 * WeChat's privacy authorization (用户隐私保护指引): the setting, the guide, the one listener of
 * wx.onNeedPrivacyAuthorization, and what a refused privacy-scoped call means. Privacy-scoped interfaces
 * (wx.chooseMedia, wx.authorize for the camera or microphone, the FaceID component's recording) wait while WeChat
 * asks; the page showing a privacy popup answers for the person.
 */
import { copyFor, currentLocale } from '../i18n/index';

/** The agree button's id in every popup: WeChat checks the button with this id was tapped before it continues. */
export const PRIVACY_AGREE_BUTTON = 'privacy-agree';

/** Why WeChat refused a privacy-scoped call: not agreed to (errno 104), or not in the guide at all (errno 112). */
export type PrivacyProblem = 'unagreed' | 'undeclared';

interface PrivacyState {
  /** The person has not agreed to this mini-program's guide yet. */
  needAuthorization: boolean;
  /** The guide's name as WeChat shows it, e.g. 《…小程序隐私保护指引》; '' when unknown. */
  contractName: string;
}

type Answer =
  { event: 'agree'; buttonId: string } | { event: 'disagree' } | { event: 'exposureAuthorization' };
type Resolve = (answer: Answer) => void;
type Presenter = (asking: boolean) => void;

let listening = false;
let pending: Resolve[] = [];
const presenters = new Set<Presenter>();

function notify(): void {
  for (const show of presenters) show(pending.length > 0);
}

/** WeChat's privacy setting; a base library without the privacy API needs no authorization. */
export function privacySetting(): Promise<PrivacyState> {
  return new Promise((resolve) => {
    if (typeof wx.getPrivacySetting !== 'function') {
      resolve({ needAuthorization: false, contractName: '' });
      return;
    }
    wx.getPrivacySetting({
      success: (res) =>
        resolve({ needAuthorization: res.needAuthorization, contractName: res.privacyContractName ?? '' }),
      fail: () => resolve({ needAuthorization: false, contractName: '' }),
    });
  });
}

/** How pages name the guide: WeChat's name (the business's own, in Chinese) for Chinese readers, else the copy's. */
export function guideNameOf(contractName: string): string {
  return contractName && currentLocale() === 'zh' ? contractName : copyFor().access.guideName;
}

/** Opens WeChat's page of this mini-program's privacy guide. */
export function openPrivacyGuide(): void {
  if (typeof wx.openPrivacyContract === 'function') wx.openPrivacyContract({ fail: () => undefined });
}

/**
 * Registers the app's one wx.onNeedPrivacyAuthorization listener (once; app.ts calls it at launch). A request
 * waits for a popup on the page shown; with none shown, it is refused at once (the call fails with errno 104 and
 * the page says what to do).
 */
export function listenForPrivacyRequests(): void {
  if (listening || typeof wx.onNeedPrivacyAuthorization !== 'function') return;
  listening = true;
  const listener = (resolve: Resolve): void => {
    if (presenters.size === 0) {
      resolve({ event: 'disagree' });
      return;
    }
    pending.push(resolve);
    resolve({ event: 'exposureAuthorization' });
    notify();
  };
  // The typings give the listener a result object; the base library passes resolve (see its documentation).
  wx.onNeedPrivacyAuthorization(listener as unknown as Parameters<typeof wx.onNeedPrivacyAuthorization>[0]);
}

/** Shows and hides a popup as requests come and go; returns the function that stops it. */
export function presentPrivacyRequests(show: Presenter): () => void {
  listenForPrivacyRequests();
  presenters.add(show);
  show(pending.length > 0);
  return () => {
    presenters.delete(show);
    if (presenters.size === 0 && pending.length > 0) answerPrivacyRequests(false);
  };
}

/** Answers every waiting request: agreed (after the event of the agree button `buttonId`) or refused. */
export function answerPrivacyRequests(agreed: boolean, buttonId: string = PRIVACY_AGREE_BUTTON): void {
  const waiting = pending;
  pending = [];
  for (const resolve of waiting) resolve(agreed ? { event: 'agree', buttonId } : { event: 'disagree' });
  notify();
}

/** Whether a failed call was refused for privacy: errno 104 (not agreed) or 112 (not declared in the guide). */
export function privacyProblemOf(err: unknown): PrivacyProblem | undefined {
  const e = (err ?? {}) as { errno?: number; errMsg?: string };
  const msg = e.errMsg ?? '';
  if (e.errno === 112 || msg.includes('not declared in the privacy agreement')) return 'undeclared';
  if (e.errno === 104 || msg.includes('privacy permission is not authorized')) return 'unagreed';
  return undefined;
}
