import { deleteVerification, listVerifications } from '../../services/cloud';
import { presentRecord, type RecordRow } from './present';

const PAGE_SIZE = 10;

type BizNoEvent = WechatMiniprogram.CustomEvent<
  Record<string, never>,
  Record<string, never>,
  { bizNo?: string }
>;

Component({
  data: {
    rows: [] as RecordRow[],
    hasMore: false,
    loading: true,
    loadingMore: false,
    error: '',
    moreError: '',
  },
  methods: {
    onLoad() {
      this.reload();
    },
    async reload() {
      this.setData({ loading: true, error: '', moreError: '' });
      const res = await listVerifications(0, PAGE_SIZE);
      if (!res.ok) {
        this.setData({ loading: false, error: res.error.message });
        return;
      }
      const now = Date.now();
      this.setData({
        loading: false,
        rows: res.items.map((item) => presentRecord(item, now)),
        hasMore: res.hasMore,
      });
    },
    onRetry() {
      if (!this.data.loading) this.reload();
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
          this.setData({ loadingMore: false, moreError: res.error.message });
          return;
        }
        const now = Date.now();
        for (const item of res.items) {
          if (!shown.has(item.bizNo)) added.push(presentRecord(item, now));
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
      wx.navigateTo({
        url: `/pages/result/result?bizToken=${encodeURIComponent(found.row.bizToken)}&from=records`,
      });
    },
    async onDelete(e: BizNoEvent) {
      const found = this.rowOf(e);
      if (!found || found.row.deleting) return;
      const { bizNo } = found.row;
      const answer = await wx.showModal({
        title: '删除认证记录',
        content: `删除 ${found.row.when} 的认证记录后无法恢复，确定删除吗？`,
        confirmText: '删除',
        confirmColor: '#e64340',
        cancelText: '取消',
      });
      if (!answer.confirm) return;
      this.patchRow(bizNo, { deleting: true, error: '' });
      const res = await deleteVerification(bizNo);
      if (!res.ok) {
        this.patchRow(bizNo, { deleting: false, error: `删除失败：${res.error.message}` });
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
