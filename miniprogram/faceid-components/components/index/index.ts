/**
 * Development stand-in for Megvii's `faceid-components` (see ../../README.md). Same property (`token`) and event
 * (`onFinish`, detail `{ token, status }`) as the vendor component; talks to the local sandbox FaceID server.
 */

import { request, statusMessage, upload, writeSandboxFile } from '../../api';
import {
  COUNTDOWN_SECONDS,
  IMAGE_MAX_BYTES,
  VENDOR_STORAGE_KEYS,
  VIDEO_MAX_BYTES,
  VIDEO_MAX_SECONDS,
  VIDEO_MIN_SECONDS,
  idcardFieldsProblem,
} from '../../config';
import { PICKABLE_OUTCOMES, PICKABLE_OUTCOME_LABELS } from '../../outcomes';

type Step = 'agreement' | 'loading' | 'ocr' | 'ocr-confirm' | 'typed' | 'video' | 'done';
type FinishStatus = 'complete' | 'tokenError';

/** Outcomes the picker offers; '' sends none, so the sandbox's own setting (control API) decides. */
const OUTCOMES = [...PICKABLE_OUTCOMES, ''];
const OUTCOME_LABELS = [...PICKABLE_OUTCOME_LABELS, '不指定（由沙箱的设置决定）'];
const SIDE_NAMES = ['人像面', '国徽面'];

/** Per-instance state that is not rendered. */
interface Internal {
  countdownTimer?: ReturnType<typeof setTimeout>;
}

interface FinishDetail {
  token: string;
  status: FinishStatus;
}

/**
 * Like Megvii's component, the stand-in keeps ONE completion handler for the whole app, replaced by each newly
 * attached instance: a late completion of a flow the person already left reaches the newest instance, carrying
 * the old token in `detail.token`.
 */
let deliverFinish: ((detail: FinishDetail) => void) | undefined;

function internal(component: object): Internal {
  return component;
}

function str(value: unknown): string {
  return typeof value === 'string' ? value : typeof value === 'number' ? String(value) : '';
}

function codeOf(body: Record<string, unknown>): number {
  return Number(body.result_code ?? NaN);
}

Component({
  properties: {
    token: { type: String, value: '' },
  },
  data: {
    bizToken: '',
    step: 'agreement' as Step,
    agreed: false,
    showAgreement: false,
    busy: false,
    message: '',
    /** The last answer's codes, for developers (the sandbox panel), never in the person's messages. */
    devInfo: '',
    group: 0,
    idcardSide: 0,
    side: 0,
    sideName: SIDE_NAMES[0],
    ocr: { name: '', idcard_number: '', valid_date: '', issued_by: '' },
    uneditable: [] as string[],
    typedName: '',
    typedNumber: '',
    code: '',
    countdown: 0,
    attempt: 1,
    outcomes: OUTCOME_LABELS,
    outcomeIndex: 0,
    finishedStatus: '',
  },
  lifetimes: {
    attached() {
      this.setData({ bizToken: this.data.token });
      deliverFinish = (detail) => this.triggerEvent('onFinish', detail);
    },
    detached() {
      this.stopCountdown();
      // The person left the page mid-flow (back button): tell FaceID, as the exit action does.
      if (this.data.step !== 'done' && this.data.bizToken)
        void request('POST', '/cancel', { biz_token: this.data.bizToken });
    },
  },
  methods: {
    onAgree(e: WechatMiniprogram.CustomEvent<{ value: string[] }>) {
      this.setData({ agreed: e.detail.value.includes('agree') });
    },
    onShowAgreement() {
      this.setData({ showAgreement: true });
    },
    onHideAgreement() {
      this.setData({ showAgreement: false });
    },
    failed(call: string, status: number, refused = statusMessage(status)) {
      this.setData({ busy: false, message: refused, devInfo: `${call}: HTTP ${status}` });
    },
    onOutcome(e: WechatMiniprogram.CustomEvent<{ value: string | number }>) {
      const index = Number(e.detail.value);
      if (index >= 0 && index < OUTCOMES.length) this.setData({ outcomeIndex: index });
    },
    async onStart() {
      if (!this.data.agreed || this.data.busy || this.data.step !== 'agreement') return;
      this.setData({ busy: true, step: 'loading', message: '' });
      const res = await request('GET', '/get_config', { biz_token: this.data.bizToken });
      if (res.status !== 200) {
        this.setData({ devInfo: `get_config: HTTP ${res.status}` });
        this.finish('tokenError');
        return;
      }
      const group = Number(res.body.group ?? 0);
      const uneditable = Array.isArray(res.body.idcard_uneditable_field)
        ? res.body.idcard_uneditable_field.map(str)
        : [];
      this.setData({
        busy: false,
        group,
        idcardSide: Number(res.body.idcard_side ?? 0),
        code: str(res.body.code),
        uneditable,
      });
      if (group === 1) this.setData({ step: 'ocr', side: 0, sideName: SIDE_NAMES[0] });
      else if (group === 2) this.setData({ step: 'typed' });
      else this.enterVideo(str(res.body.code));
    },

    async onPickIdcard() {
      if (this.data.busy) return;
      try {
        const res = await wx.chooseMedia({ count: 1, mediaType: ['image'], sourceType: ['camera', 'album'] });
        const file = res.tempFiles[0];
        if (file.size > IMAGE_MAX_BYTES) {
          this.setData({ message: '照片太大，请重新拍摄' });
          return;
        }
        await this.uploadIdcard(file.tempFilePath);
      } catch {
        this.setData({ message: '没有拍到身份证，请再拍一次' });
      }
    },
    async onSandboxIdcard() {
      if (this.data.busy) return;
      await this.uploadIdcard(writeSandboxFile('jpg', `idcard-${this.data.side}`));
    },
    async uploadIdcard(filePath: string) {
      const side = this.data.side;
      this.setData({ busy: true, message: '' });
      const res = await upload('/ocridcard', 'idcard_image', filePath, {
        biz_token: this.data.bizToken,
        side: String(side),
      });
      if (res.status === 403) return this.finish('tokenError');
      if (res.status !== 200) return this.failed('ocridcard', res.status);
      const code = codeOf(res.body);
      this.setData({ devInfo: `ocridcard: ${str(res.body.result_code)} ${str(res.body.result_message)}` });
      if (Number.isFinite(code) && code !== 1000) return this.finish('complete');
      const ocr = { ...this.data.ocr };
      if (side === 0) {
        ocr.name = str(res.body.name);
        ocr.idcard_number = str(res.body.idcard_number);
        wx.setStorageSync('name', ocr.name);
        wx.setStorageSync('idcard_number', ocr.idcard_number);
        wx.setStorageSync('image_ref_ocridcardfront', filePath);
      } else {
        ocr.valid_date =
          str(res.body.valid_date) || [res.body.valid_date_start, res.body.valid_date_end].map(str).join('-');
        ocr.issued_by = str(res.body.issued_by);
        wx.setStorageSync('valid_date', ocr.valid_date);
        wx.setStorageSync('issued_by', ocr.issued_by);
        wx.setStorageSync('image_ref_ocridcardback', filePath);
      }
      wx.setStorageSync('result', JSON.stringify(ocr));
      const next = side === 0 && this.data.idcardSide !== 1 ? 1 : -1;
      if (next === 1) this.setData({ busy: false, ocr, side: 1, sideName: SIDE_NAMES[1] });
      else this.setData({ busy: false, ocr, step: 'ocr-confirm' });
      return undefined;
    },
    onOcrName(e: WechatMiniprogram.CustomEvent<{ value: string }>) {
      this.setData({ 'ocr.name': e.detail.value });
    },
    onOcrNumber(e: WechatMiniprogram.CustomEvent<{ value: string }>) {
      this.setData({ 'ocr.idcard_number': e.detail.value.toUpperCase() });
    },
    async onConfirmOcr() {
      if (this.data.busy) return;
      const problem = idcardFieldsProblem(this.data.ocr.name, this.data.ocr.idcard_number);
      if (problem) return this.setData({ message: problem });
      this.setData({ busy: true, message: '' });
      const res = await request('POST', '/ocridcard_confirm', {
        biz_token: this.data.bizToken,
        ...this.data.ocr,
      });
      if (res.status === 403) return this.finish('tokenError');
      if (res.status === 400)
        return this.failed('ocridcard_confirm', 400, '身份信息有误，请核对姓名和身份证号');
      if (res.status !== 200) return this.failed('ocridcard_confirm', res.status);
      this.setData({ busy: false });
      this.enterVideo(this.data.code);
      return undefined;
    },

    onTypedName(e: WechatMiniprogram.CustomEvent<{ value: string }>) {
      this.setData({ typedName: e.detail.value });
    },
    onTypedNumber(e: WechatMiniprogram.CustomEvent<{ value: string }>) {
      this.setData({ typedNumber: e.detail.value.toUpperCase() });
    },
    async onConfirmTyped() {
      if (this.data.busy || !this.data.typedName || !this.data.typedNumber) return;
      const problem = idcardFieldsProblem(this.data.typedName, this.data.typedNumber);
      if (problem) return this.setData({ message: problem });
      this.setData({ busy: true, message: '' });
      const res = await request('POST', '/idcard_confirm', {
        biz_token: this.data.bizToken,
        idcard_name: this.data.typedName,
        idcard_number: this.data.typedNumber,
      });
      if (res.status === 403) return this.finish('tokenError');
      if (res.status === 400) return this.failed('idcard_confirm', 400, '身份信息有误，请核对姓名和身份证号');
      if (res.status !== 200) return this.failed('idcard_confirm', res.status);
      this.setData({ busy: false });
      this.enterVideo(this.data.code);
      return undefined;
    },

    enterVideo(code: string) {
      this.stopCountdown();
      this.setData({ step: 'video', code, countdown: COUNTDOWN_SECONDS });
      this.tick();
    },
    tick() {
      internal(this).countdownTimer = setTimeout(() => {
        internal(this).countdownTimer = undefined;
        const countdown = Math.max(0, this.data.countdown - 1);
        this.setData({ countdown });
        if (countdown > 0) this.tick();
      }, 1000);
    },
    stopCountdown() {
      const timer = internal(this).countdownTimer;
      if (timer !== undefined) clearTimeout(timer);
      internal(this).countdownTimer = undefined;
    },
    async onRecord() {
      if (this.data.busy || this.data.countdown > 0) return;
      try {
        const res = await wx.chooseMedia({
          count: 1,
          mediaType: ['video'],
          sourceType: ['camera'],
          camera: 'front',
          maxDuration: VIDEO_MAX_SECONDS,
        });
        const file = res.tempFiles[0];
        if (file.duration < VIDEO_MIN_SECONDS || file.duration > VIDEO_MAX_SECONDS) {
          this.setData({
            message: `请录制 ${VIDEO_MIN_SECONDS} 到 ${VIDEO_MAX_SECONDS} 秒的视频，读完数字就停止`,
          });
          return;
        }
        if (file.size > VIDEO_MAX_BYTES) {
          this.setData({ message: '视频太大，请读完数字后立即停止录制' });
          return;
        }
        await this.uploadVideo(file.tempFilePath);
      } catch {
        this.setData({ message: '没有录到视频，请点击“开始录制”再试一次' });
      }
    },
    async onSandboxVideo() {
      if (this.data.busy || this.data.countdown > 0) return;
      await this.uploadVideo(writeSandboxFile('mp4', 'video'));
    },
    async uploadVideo(filePath: string) {
      this.setData({ busy: true, message: '' });
      const outcome = OUTCOMES[this.data.outcomeIndex];
      const form: Record<string, string> = { biz_token: this.data.bizToken };
      if (outcome) form.sandbox_outcome = outcome;
      const res = await upload('/video_verify', 'video', filePath, form);
      if (res.status === 403) return this.finish('tokenError');
      if (res.status === 400)
        return this.failed('video_verify', 400, '没有录到可用的视频，请点击“开始录制”重新录制');
      if (res.status !== 200) return this.failed('video_verify', res.status);
      const message = str(res.body.result_message);
      this.setData({ devInfo: `video_verify: ${str(res.body.result_code)} ${message}` });
      if (codeOf(res.body) === 4200 && message !== 'VIDEO_MANY_TIMES') {
        this.setData({
          busy: false,
          attempt: this.data.attempt + 1,
          // VIDEO_INTERNAL_ERROR is the service's own fault, not the person's light or face.
          message:
            message === 'VIDEO_INTERNAL_ERROR'
              ? '验证服务暂时出错，不是您的问题。请读出新的数字后重新录制'
              : '这次没有通过。请在光线充足处正对屏幕，读出新的数字后重新录制',
        });
        this.enterVideo(str(res.body.code) || this.data.code);
        return undefined;
      }
      this.finish('complete');
      return undefined;
    },

    /** 退出验证 asks first, as Megvii's component does; only a confirmed exit ends the flow. */
    async onExit() {
      if (this.data.step === 'done' || this.data.busy) return;
      const { confirm } = await wx.showModal({
        title: '确定退出验证吗？',
        content: '退出后本次验证将结束，需要重新开始',
        confirmText: '退出',
        cancelText: '继续验证',
      });
      // The flow may have ended while the question was open (a late answer, a dead token).
      if (!confirm || this.hasEnded()) return;
      this.setData({ busy: true });
      await request('POST', '/cancel', { biz_token: this.data.bizToken });
      this.finish('complete');
    },
    hasEnded(): boolean {
      return this.data.step === 'done';
    },
    finish(status: FinishStatus) {
      this.stopCountdown();
      for (const key of VENDOR_STORAGE_KEYS) wx.removeStorageSync(key);
      this.setData({ step: 'done', busy: false, finishedStatus: status });
      deliverFinish?.({ token: this.data.bizToken, status });
    },
  },
});
