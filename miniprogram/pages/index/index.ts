import { CONSENT_VERSION } from '../../shared/consent';
import type { ClientError } from '../../shared/errors';
import { VERIFICATION_MODES, type GetBizTokenEvent, type VerificationMode } from '../../shared/events';
import { checkIdNumber, checkName, normalizeIdNumber } from '../../shared/idcard';
import { copyFor, errorText, fill, formatClock, setTitle, type Copy } from '../../i18n/index';
import { ensureAccess, PHOTO_SCOPES, type AccessProblem } from '../../services/access';
import { needsNewerWeChat } from '../../services/base-library';
import { uploadReferencePhoto } from '../../services/cloud';
import { deploymentFacts } from '../../services/deployment';
import { isExternalRef } from '../../shared/external-ref';
import { keepExternalRef, keptExternalRef, saveDraft, savedDraft } from '../../services/flow';
import { pickReferencePhoto } from '../../services/photo';
import { answerPrivacyRequests, guideNameOf, openPrivacyGuide, privacySetting } from '../../services/privacy';
import { startVerification } from '../../services/start';
import { needsSupport, openPrivacyPolicy } from '../../services/support';

interface EntryState {
  consented: boolean;
  /** The modes the deployment's product offers (whoami), in its order; empty until whoami answers. */
  offered: readonly VerificationMode[];
  mode: VerificationMode;
  name: string;
  idNumber: string;
  nameTouched: boolean;
  idTouched: boolean;
  photoPath: string;
  /** The last photo was deleted once FaceID had it (or reached its end): a new one is needed. */
  photoDeleted: boolean;
  photoPicking: boolean;
  submitting: boolean;
  /** RATE_LIMITED: no start before this time (epoch ms); 0 when free. */
  blockedUntil: number;
  /** The page was opened with an `externalRef` the business's rule refuses: nothing may start. */
  refInvalid: boolean;
}

interface Derived {
  nameError: string;
  idError: string;
  canSubmit: boolean;
  /** Why the start button is disabled, said under it; '' when it is enabled. */
  blockReason: string;
}

/** Inline messages, whether the form can be sent, and why not, from the current input. */
function derive(s: EntryState, t: Copy, now: number = Date.now()): Derived {
  const name = checkName(s.name);
  const id = checkIdNumber(s.idNumber);
  let nameError = '';
  if (!name.ok && (s.nameTouched || (s.name !== '' && name.problem !== 'empty')))
    nameError = t.nameProblems[name.problem as keyof Copy['nameProblems']];
  let idError = '';
  if (s.idNumber !== '' && !id.ok) {
    // While typing, a wrong character is worth saying at once; the length and checksum wait for 18 characters.
    const partial = s.idNumber.length < 18 ? checkIdNumber(s.idNumber.padEnd(18, '0')) : id;
    if (s.idTouched || s.idNumber.length >= 18)
      idError = t.idProblems[id.problem as keyof Copy['idProblems']];
    else if (!partial.ok && partial.problem === 'characters') idError = t.idProblems.characters;
  } else if (s.idTouched && !id.ok) idError = t.idProblems.empty;
  const b = t.entry.blocked;
  let blockReason = '';
  if (s.refInvalid) blockReason = t.errors.INVALID_EXTERNAL_REF;
  else if (!s.consented) blockReason = b.consent;
  else if (!s.offered.includes(s.mode)) blockReason = b.modes;
  else if (s.mode === 'idcard' && !name.ok) blockReason = s.name.trim() === '' ? b.name : b.nameInvalid;
  else if (s.mode === 'idcard' && !id.ok) blockReason = s.idNumber === '' ? b.id : b.idInvalid;
  else if (s.mode === 'reference' && s.photoPicking) blockReason = b.busy;
  else if (s.mode === 'reference' && !s.photoPath) blockReason = b.photo;
  else if (s.blockedUntil > now)
    blockReason = fill(t.entry.rateLimited, { time: formatClock(s.blockedUntil, now) });
  return { nameError, idError, blockReason, canSubmit: blockReason === '' && !s.submitting };
}

const initial: EntryState = {
  consented: false,
  offered: [],
  mode: 'idcard',
  name: '',
  idNumber: '',
  nameTouched: false,
  idTouched: false,
  photoPath: '',
  photoDeleted: false,
  photoPicking: false,
  submitting: false,
  blockedUntil: 0,
  refInvalid: false,
};

/**
 * The business's reference in the entry page's query, decoded (a caller may have URL-encoded it): the reference,
 * or null when it breaks the shared rule; undefined when the query has none.
 */
function queriedExternalRef(query: Record<string, string | undefined>): string | null | undefined {
  const raw = query.externalRef;
  if (raw === undefined) return undefined;
  let ref: string;
  try {
    ref = decodeURIComponent(raw);
  } catch {
    return null;
  }
  return isExternalRef(ref) ? ref : null;
}

/** Reference photos already uploaded in this app session, by local path. */
const uploaded = new Map<string, string>();

/** Timers that lift a rate limit, per page instance. */
const unblockTimers = new WeakMap<object, ReturnType<typeof setTimeout>>();

/** The consent's sentence on keeping records, from what this deployment said (whoami). */
function keepSentence(t: Copy, days: number | undefined, keepsImages: boolean): string {
  if (days === undefined) return t.consent.keepUnknown;
  return fill(keepsImages ? t.consent.keepImages : t.consent.keep, { days });
}

/** One offered mode as the picker and the consent list show it. */
interface ModeChoice {
  mode: VerificationMode;
  title: string;
  desc: string;
  /** What the mode collects, for the consent's list. */
  collect: string;
}

function modeChoices(t: Copy, offered: readonly VerificationMode[]): ModeChoice[] {
  return offered.map((mode) => ({ mode, ...t.entry.modes[mode], collect: t.consent.collect[mode] }));
}

/** The message for a failed start, in the person's words. */
function startErrorText(t: Copy, error: ClientError): string {
  if (error.code === 'RATE_LIMITED' && (error.reason === undefined || error.reason === 'TOKEN_LIMIT')) {
    return error.retryAt
      ? fill(t.entry.rateLimited, { time: formatClock(error.retryAt) })
      : t.entry.rateLimitedSoon;
  }
  return errorText(t, error);
}

Component({
  data: {
    ...initial,
    ...derive(initial, copyFor('zh')),
    t: copyFor('zh'),
    consentVersion: fill(copyFor('zh').consent.version, { version: CONSENT_VERSION }),
    keepText: copyFor('zh').consent.keepUnknown,
    /** Who 我们 is (this deployment's operator and contact); '' until whoami answers. */
    operatorText: '',
    processorText: '',
    /** The offered modes in the person's words; empty until whoami answers. */
    modeChoices: [] as ModeChoice[],
    /** whoami could not answer: the modes are unknown and the form offers a retry. */
    modesUnavailable: false,
    error: '',
    /** The error sends the person to support: WeChat's customer-service button is shown with it. */
    errorContact: false,
    photoError: '',
    /** WeChat needs the person's agreement to its privacy guide: the consent's agree button gives both at once. */
    privacyNeeded: false,
    agreeAllText: '',
    /** The link to WeChat's page of the privacy guide; '' when this WeChat has none. */
    guideLink: '',
    /** A step WeChat stopped (camera said no to, privacy not agreed or not declared): its screen; '' when none. */
    access: '' as AccessProblem | '',
    /** This WeChat is too old for the package: the person is asked to update it. */
    upgrade: false,
    /** WeChat's own face verification cannot run on this phone (checked before a verify_id is bought). */
    facialDevice: false,
  },
  methods: {
    onLoad(query: Record<string, string | undefined>) {
      const t = copyFor();
      setTitle(t.nav.entry);
      const kept = savedDraft();
      const patch: Partial<EntryState> = kept
        ? {
            ...kept,
            photoDeleted: kept.photoDeleted ?? false,
            nameTouched: kept.name !== '',
            idTouched: kept.idNumber !== '',
          }
        : {};
      const mode = query.mode as VerificationMode | undefined;
      if (mode && VERIFICATION_MODES.includes(mode)) patch.mode = mode;
      const ref = queriedExternalRef(query);
      if (ref !== undefined) {
        // Opened by the business: its reference (or none, when the one it gave is refused) replaces an earlier one.
        keepExternalRef(ref ?? undefined);
        patch.refInvalid = ref === null;
      }
      this.setData({
        t,
        consentVersion: fill(t.consent.version, { version: CONSENT_VERSION }),
        upgrade: needsNewerWeChat(),
      });
      this.update(patch);
      void this.loadPrivacy();
      if (query.consent === 'required') this.askConsentAgain();
      // The form is laid out once the product's modes are known: only then can a kept draft be scrolled to.
      void this.loadFacts().then(() => {
        if (kept && query.consent !== 'required') this.scrollToForm();
      });
    },
    onUnload() {
      const timer = unblockTimers.get(this);
      if (timer !== undefined) clearTimeout(timer);
    },
    async loadFacts() {
      const facts = await deploymentFacts();
      const t = this.data.t;
      const offered = facts?.modes ?? [];
      this.setData({
        keepText: keepSentence(t, facts?.retentionDays, facts?.keepsImages ?? false),
        operatorText: facts ? fill(t.consent.operator, { ...facts.operator }) : '',
        processorText: facts ? t.consent.processor[facts.processor] : '',
        modeChoices: modeChoices(t, offered),
        modesUnavailable: !facts,
      });
      // A mode asked for (the query, the draft) that the product does not offer gives way to its first one.
      const mode = offered.includes(this.data.mode) ? this.data.mode : (offered[0] ?? this.data.mode);
      this.update({ offered, mode });
    },
    onModesRetry() {
      this.setData({ modesUnavailable: false });
      void this.loadFacts();
    },
    async loadPrivacy() {
      const { needAuthorization, contractName } = await privacySetting();
      const t = this.data.t;
      const guide = guideNameOf(contractName);
      this.setData({
        privacyNeeded: needAuthorization,
        agreeAllText: fill(t.access.agreeAll, { guide }),
        guideLink: contractName ? fill(t.access.guide, { guide }) : '',
      });
      if (needAuthorization && this.data.consented) this.update({ consented: false });
    },
    /** One tap agreed to the consent above and to WeChat's privacy guide (agreePrivacyAuthorization). */
    onAgreeAll() {
      answerPrivacyRequests(true, 'consent-agree');
      this.setData({ privacyNeeded: false });
      this.update({ consented: true });
    },
    onGuide() {
      openPrivacyGuide();
    },
    scrollToForm() {
      try {
        wx.pageScrollTo({ selector: '#form', duration: 0, fail: () => undefined });
      } catch {
        // Nothing to scroll in a page without a scroll view.
      }
    },
    /** The server refused the consent (none, or not the current version): the person reads it and agrees again. */
    askConsentAgain() {
      this.update({ consented: false, submitting: false, error: this.data.t.errors.CONSENT_REQUIRED });
      this.keepDraft();
      try {
        wx.pageScrollTo({ selector: '#consent-section', duration: 0, fail: () => undefined });
      } catch {
        // Nothing to scroll in a page without a scroll view.
      }
    },
    update(patch: Partial<EntryState> & { error?: string; errorContact?: boolean; photoError?: string }) {
      const next = { ...(this.data as unknown as EntryState), ...patch };
      const contact = patch.error === undefined ? {} : { errorContact: patch.errorContact ?? false };
      this.setData({ ...patch, ...contact, ...derive(next, this.data.t) });
    },
    onConsent(e: WechatMiniprogram.CustomEvent<{ value: string[] }>) {
      this.update({ consented: e.detail.value.includes('agree') });
    },
    onPolicy() {
      openPrivacyPolicy();
    },
    onMode(e: WechatMiniprogram.CustomEvent<{ value: string }>) {
      const mode = e.detail.value as VerificationMode;
      if (this.data.offered.includes(mode)) this.update({ mode, error: '' });
    },
    onName(e: WechatMiniprogram.CustomEvent<{ value: string }>) {
      this.update({ name: e.detail.value, error: '' });
    },
    onNameBlur() {
      this.update({ nameTouched: true });
    },
    onIdNumber(e: WechatMiniprogram.CustomEvent<{ value: string }>) {
      const idNumber = normalizeIdNumber(e.detail.value);
      this.update({ idNumber, error: '' });
      return idNumber;
    },
    onIdBlur() {
      this.update({ idTouched: true });
    },
    async onPickPhoto() {
      if (this.data.photoPicking || this.data.submitting || !this.data.consented) return;
      this.update({ photoPicking: true, photoError: '', error: '' });
      const access = await ensureAccess(PHOTO_SCOPES);
      if (!access.ok) {
        this.update({ photoPicking: false });
        this.setData({ access: access.problem });
        return;
      }
      const photo = await pickReferencePhoto();
      const t = this.data.t;
      if (!photo.ok && photo.access) {
        this.update({ photoPicking: false });
        this.setData({ access: photo.access });
      } else if (photo.ok) this.update({ photoPicking: false, photoPath: photo.path, photoDeleted: false });
      else this.update({ photoPicking: false, photoError: photo.cancelled ? '' : t.entry[photo.problem] });
    },
    /** The person can go on (permission back, privacy agreed): the photo step continues where it stopped. */
    onAccessRetry() {
      this.setData({ access: '' });
      void this.onPickPhoto();
    },
    onAccessBack() {
      this.setData({ access: '' });
    },
    async buildEvent(): Promise<GetBizTokenEvent | string> {
      const event = await this.formEvent();
      const externalRef = keptExternalRef();
      return typeof event === 'string' || externalRef === undefined ? event : { ...event, externalRef };
    },
    async formEvent(): Promise<GetBizTokenEvent | string> {
      const s = this.data as unknown as EntryState;
      const t = this.data.t;
      if (s.mode === 'idcard') {
        const name = checkName(s.name);
        const id = checkIdNumber(s.idNumber);
        if (!name.ok) return t.nameProblems[name.problem as keyof Copy['nameProblems']];
        if (!id.ok) return t.idProblems[id.problem as keyof Copy['idProblems']];
        return {
          mode: 'idcard',
          idcardName: name.value,
          idcardNumber: id.value,
          consentVersion: CONSENT_VERSION,
        };
      }
      if (s.mode === 'ocr' || s.mode === 'liveness') return { mode: s.mode, consentVersion: CONSENT_VERSION };
      let fileID = uploaded.get(s.photoPath);
      if (!fileID) {
        const up = await uploadReferencePhoto(s.photoPath);
        if (!up.ok)
          return up.error.code === 'NETWORK_ERROR' ? t.entry.photoUploadFailed : startErrorText(t, up.error);
        fileID = up.fileID;
        uploaded.set(s.photoPath, fileID);
      }
      return { mode: 'reference', imageRef1: fileID, consentVersion: CONSENT_VERSION };
    },
    keepDraft() {
      const s = this.data as unknown as EntryState;
      saveDraft({
        consented: s.consented,
        mode: s.mode,
        name: s.name,
        idNumber: s.idNumber,
        photoPath: s.photoPath,
        photoDeleted: s.photoDeleted,
      });
    },
    /**
     * The photo on the form is gone from storage (sent to FaceID, ended, or refused as a file): it goes from the
     * form and the draft; `deleted` says so under the photo.
     */
    dropPhoto(deleted: boolean) {
      uploaded.delete(this.data.photoPath);
      this.update({ photoPath: '', photoDeleted: deleted });
      this.keepDraft();
    },
    blockUntil(retryAt: number) {
      const previous = unblockTimers.get(this);
      if (previous !== undefined) clearTimeout(previous);
      unblockTimers.set(
        this,
        setTimeout(() => this.update({ blockedUntil: 0 }), Math.max(0, retryAt - Date.now()) + 500),
      );
      this.update({ blockedUntil: retryAt });
    },
    async onSubmit() {
      if (!this.data.canSubmit) return;
      this.update({ submitting: true, error: '' });
      this.keepDraft();
      const event = await this.buildEvent();
      if (typeof event === 'string') {
        this.update({ submitting: false, error: event });
        return;
      }
      const started = await startVerification(event);
      const t = this.data.t;
      if (!started.ok) {
        if ('sdkOnly' in started) {
          this.update({ submitting: false, error: t.entry.sdkOnly, errorContact: true });
          return;
        }
        if ('facial' in started) {
          this.update({ submitting: false });
          // The screen replaces the form the person scrolled down to: once drawn, its title is brought into view.
          this.setData(started.facial === 'update' ? { upgrade: true } : { facialDevice: true }, () => {
            try {
              wx.pageScrollTo({ scrollTop: 0, duration: 0, fail: () => undefined });
            } catch {
              // Nothing to scroll in a page without a scroll view.
            }
          });
          return;
        }
        const { error } = started;
        if (error.code === 'CONSENT_REQUIRED') {
          this.askConsentAgain();
          return;
        }
        if (error.code === 'PHOTO_EXPIRED') this.dropPhoto(true);
        else if (error.code === 'INVALID_IMAGE' || error.code === 'INVALID_IMAGE_SIZE') this.dropPhoto(false);
        if (error.code === 'RATE_LIMITED' && error.retryAt && error.retryAt > Date.now()) {
          this.update({ submitting: false });
          this.blockUntil(error.retryAt);
          return;
        }
        this.update({
          submitting: false,
          error: startErrorText(t, error),
          errorContact: needsSupport(error.code),
        });
        return;
      }
      if (event.mode === 'reference') this.dropPhoto(true);
      wx.navigateTo({ url: started.page, complete: () => this.update({ submitting: false }) });
    },
    onRecords() {
      void wx.navigateTo({ url: '/pages/records/records' });
    },
  },
});
