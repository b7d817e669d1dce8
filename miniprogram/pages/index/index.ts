import { CONSENT_VERSION } from '../../domain/consent';
import type { GetBizTokenEvent, VerificationMode } from '../../domain/events';
import { checkIdNumber, checkName } from '../../domain/idcard';
import { getBizToken, uploadReferencePhoto } from '../../services/cloud';
import { startIssuedFlow } from '../../services/flow';
import { pickReferencePhoto } from '../../services/photo';

type EntryMode = Exclude<VerificationMode, 'liveness'>;
const ENTRY_MODES: readonly EntryMode[] = ['idcard', 'ocr', 'reference'];

interface EntryState {
  consented: boolean;
  mode: EntryMode;
  name: string;
  idNumber: string;
  idTouched: boolean;
  photoPath: string;
  photoPicking: boolean;
  submitting: boolean;
}

interface Derived {
  nameError: string;
  idError: string;
  canSubmit: boolean;
}

/** Inline messages and whether the form can be sent, from the current input. */
function derive(s: EntryState): Derived {
  const name = checkName(s.name);
  const id = checkIdNumber(s.idNumber);
  const nameError = s.name !== '' && !name.ok ? name.message : '';
  let idError = '';
  if (s.idNumber !== '' && !id.ok) {
    // While typing, a wrong character is worth saying at once; the length and checksum wait for 18 characters.
    const partial = s.idNumber.length < 18 ? checkIdNumber(s.idNumber.padEnd(18, '0')) : id;
    if (s.idTouched || s.idNumber.length >= 18) idError = id.message;
    else if (!partial.ok && partial.problem === 'characters') idError = partial.message;
  }
  let inputOk = false;
  if (s.mode === 'idcard') inputOk = name.ok && id.ok;
  else if (s.mode === 'ocr') inputOk = true;
  else inputOk = s.photoPath !== '';
  return { nameError, idError, canSubmit: s.consented && !s.submitting && !s.photoPicking && inputOk };
}

const initial: EntryState = {
  consented: false,
  mode: 'idcard',
  name: '',
  idNumber: '',
  idTouched: false,
  photoPath: '',
  photoPicking: false,
  submitting: false,
};

/** Reference photos already uploaded in this page's life, by local path. */
const uploaded = new Map<string, string>();

Component({
  data: {
    ...initial,
    ...derive(initial),
    consentVersion: CONSENT_VERSION,
    error: '',
    photoError: '',
  },
  methods: {
    onLoad(query: Record<string, string | undefined>) {
      const mode = query.mode as EntryMode | undefined;
      if (mode && ENTRY_MODES.includes(mode)) this.update({ mode });
    },
    update(patch: Partial<EntryState> & { error?: string; photoError?: string }) {
      const next = { ...(this.data as EntryState), ...patch };
      this.setData({ ...patch, ...derive(next) });
    },
    onConsent(e: WechatMiniprogram.CustomEvent<{ value: string[] }>) {
      this.update({ consented: e.detail.value.includes('agree') });
    },
    onMode(e: WechatMiniprogram.CustomEvent<{ value: string }>) {
      const mode = e.detail.value as EntryMode;
      if (ENTRY_MODES.includes(mode)) this.update({ mode, error: '' });
    },
    onName(e: WechatMiniprogram.CustomEvent<{ value: string }>) {
      this.update({ name: e.detail.value, error: '' });
    },
    onIdNumber(e: WechatMiniprogram.CustomEvent<{ value: string }>) {
      const idNumber = e.detail.value.toUpperCase();
      this.update({ idNumber, error: '' });
      return idNumber;
    },
    onIdBlur() {
      this.update({ idTouched: true });
    },
    async onPickPhoto() {
      if (this.data.photoPicking || this.data.submitting || !this.data.consented) return;
      this.update({ photoPicking: true, photoError: '', error: '' });
      const photo = await pickReferencePhoto();
      if (photo.ok) this.update({ photoPicking: false, photoPath: photo.path });
      else this.update({ photoPicking: false, photoError: photo.message });
    },
    async buildEvent(): Promise<GetBizTokenEvent | string> {
      const s = this.data as EntryState;
      if (s.mode === 'idcard') {
        const name = checkName(s.name);
        const id = checkIdNumber(s.idNumber);
        if (!name.ok) return name.message;
        if (!id.ok) return id.message;
        return {
          mode: 'idcard',
          idcardName: name.value,
          idcardNumber: id.value,
          consentVersion: CONSENT_VERSION,
        };
      }
      if (s.mode === 'ocr') return { mode: 'ocr', consentVersion: CONSENT_VERSION };
      let fileID = uploaded.get(s.photoPath);
      if (!fileID) {
        const up = await uploadReferencePhoto(s.photoPath);
        if (!up.ok) return up.error.message;
        fileID = up.fileID;
        uploaded.set(s.photoPath, fileID);
      }
      return { mode: 'reference', imageRef1: fileID, consentVersion: CONSENT_VERSION };
    },
    async onSubmit() {
      if (!this.data.canSubmit) return;
      this.update({ submitting: true, error: '' });
      const event = await this.buildEvent();
      if (typeof event === 'string') {
        this.update({ submitting: false, error: event });
        return;
      }
      const res = await getBizToken(event);
      if (!res.ok) {
        this.update({ submitting: false, error: res.error.message });
        return;
      }
      const started = startIssuedFlow(event, res);
      if (!started.ok) {
        this.update({ submitting: false, error: started.message });
        return;
      }
      wx.navigateTo({ url: started.page, complete: () => this.update({ submitting: false }) });
    },
    onRecords() {
      wx.navigateTo({ url: '/pages/records/records' });
    },
  },
});
