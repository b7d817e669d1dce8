import { copyFor, errorText, fill, setTitle, type Copy } from '../../i18n/index';
import type { ClientError } from '../../shared/errors';
import { deleteVerification, listVerifications } from '../../services/cloud';
import { deploymentFacts } from '../../services/deployment';
import { needsSupport } from '../../services/support';
import { resumeFlow, VERIFY_PAGE } from '../../services/flow';
import { presentRecord, type RecordRow } from './present';

const PAGE_SIZE = 10;

type BizNoEvent = WechatMiniprogram.CustomEvent<
  Record<string, never>,
  Record<string, never>,
  { bizNo?: string }
>;

Component({
  data: {
    t: copyFor('zh'),
    intro: copyFor('zh').records.intro,
    rows: [] as RecordRow[],
    hasMore: false,
    loading: true,
    loadingMore: false,
    error: '',
    errorContact: false,
    moreError: '',
  },
  methods: {
    onLoad() {
      const t = copyFor();
      setTitle(t.nav.records);
      this.setData({ t, intro: t.records.intro });
      void this.reload();
      void deploymentFacts().then((facts) => {
        if (facts) this.setData({ intro: fill(t.records.introDays, { days: facts.retentionDays }) });
      });
    },
    copy(): Copy {
      return this.data.t;
    },
    errorText(error: ClientError): string {
      return errorText(this.copy(), error);
    },
    async reload() {
      this.setData({ loading: true, error: '', moreError: '' });
      const res = await listVerifications(0, PAGE_SIZE);
      if (!res.ok) {
        this.setData({
          loading: false,
          error: this.errorText(res.error),
          errorContact: needsSupport(res.error.code),
        });
        return;
      }
      const now = Date.now();
      this.setData({
        loading: false,
        rows: res.items.map((item) => presentRecord(item, now, this.copy())),
        hasMore: res.hasMore,
      });
    },
    onRetry() {
      if (!this.data.loading) void this.reload();
    },
    async onMore() {
      if (this.data.loading || this.data.loadingMore || !this.data.hasMore) return;
      this.setData({ loadingMore: true, moreError: '' });
      const shown = new Set(this.data.rows.map((row) => row.bizNo));
      const added: RecordRow[] = [];
      // Deleted rows shift later records up: start at the page the next unseen record is on, skip what is shown.
      const first = Math.floor(this.data.rows.length / PAGE_SIZE);
      let hasMore = true;
      for (let page = first; hasMore && added.length < PAGE_SIZE && page < first + 2; page++) {
        const res = await listVerifications(page, PAGE_SIZE);
        if (!res.ok) {
          this.setData({ loadingMore: false, moreError: this.errorText(res.error) });
          return;
        }
        const now = Date.now();
        for (const item of res.items) {
          if (!shown.has(item.bizNo)) added.push(presentRecord(item, now, this.copy()));
          shown.add(item.bizNo);
        }
        hasMore = res.hasMore;
      }
      this.setData({ loadingMore: false, rows: [...this.data.rows, ...added], hasMore });
    },
    rowOf(e: BizNoEvent): { row: RecordRow; index: number } | undefined {
      const index = this.data.rows.findIndex((row) => row.bizNo === e.currentTarget.dataset.bizNo);
      return index >= 0 ? { row: this.data.rows[index], index } : undefined;
    },
    onOpen(e: BizNoEvent) {
      const found = this.rowOf(e);
      if (!found || !found.row.canOpen) return;
      void wx.navigateTo({
        url: `/pages/result/result?bizToken=${encodeURIComponent(found.row.bizToken)}&from=records&mode=${found.row.mode}`,
      });
    },
    /** 继续: the flow the person left, on the verify page with its own live token. */
    onResume(e: BizNoEvent) {
      const found = this.rowOf(e);
      if (!found || !found.row.resumeToken) return;
      const { bizToken, resumeToken, bizNo, mode, expiresAt } = found.row;
      if (Date.now() >= found.row.expiresAt) {
        // The token died since the list was read: the list read again shows it ended, with 重新开始.
        void this.reload();
        return;
      }
      resumeFlow({ bizToken, token: resumeToken, bizNo, mode, expiresAt });
      void wx.navigateTo({ url: VERIFY_PAGE });
    },
    /** 重新开始: a new verification (a new bizNo) in the same mode, from the entry page. */
    onRestart(e: BizNoEvent) {
      const found = this.rowOf(e);
      if (!found || !found.row.canRestart) return;
      void wx.reLaunch({ url: `/pages/index/index?mode=${found.row.mode}` });
    },
    async onDelete(e: BizNoEvent) {
      const found = this.rowOf(e);
      if (!found || found.row.deleting) return;
      const { bizNo } = found.row;
      const r = this.copy().records;
      const answer = await wx.showModal({
        title: r.confirmTitle,
        content: fill(r.confirmContent, { when: found.row.when }),
        confirmText: r.confirmOk,
        confirmColor: '#c62828',
        cancelText: r.cancel,
      });
      if (!answer.confirm) return;
      this.patchRow(bizNo, { deleting: true, error: '' });
      const res = await deleteVerification(bizNo);
      if (!res.ok) {
        this.patchRow(bizNo, {
          deleting: false,
          error: fill(r.deleteFailed, { message: this.errorText(res.error) }),
        });
        return;
      }
      this.setData({ rows: this.data.rows.filter((row) => row.bizNo !== bizNo) });
    },
    patchRow(bizNo: string, patch: Partial<RecordRow>) {
      const index = this.data.rows.findIndex((row) => row.bizNo === bizNo);
      if (index < 0) return;
      this.setData({ [`rows[${index}]`]: { ...this.data.rows[index], ...patch } });
    },
    onStart() {
      wx.navigateBack({ delta: 1, fail: () => wx.reLaunch({ url: '/pages/index/index' }) });
    },
  },
});
