/** The WeChat-drawn parts of the screen: toast, loading, modal, action sheet and the picker sheet. */

function overlay(): HTMLElement {
  return document.getElementById('wx-overlay') as HTMLElement;
}

function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs: Record<string, string> = {},
  text?: string,
): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, v);
  if (text !== undefined) node.textContent = text;
  return node;
}

let toastNode: HTMLElement | undefined;
let toastTimer: ReturnType<typeof setTimeout> | undefined;

/** Removes the toast or loading box. */
export function hideToast(): void {
  if (toastTimer) clearTimeout(toastTimer);
  toastTimer = undefined;
  toastNode?.remove();
  toastNode = undefined;
}

const TOAST_ICONS: Record<string, string> = { success: '✓', error: '✕', loading: '' };

/** wx.showToast / wx.showLoading. */
export function showToast(
  o: { title?: string; icon?: string; duration?: number; mask?: boolean },
  loading = false,
): void {
  hideToast();
  const icon = loading ? 'loading' : (o.icon ?? 'success');
  const box = el('div', { class: `wx-toast ${icon === 'none' ? 'wx-toast-text' : ''}`, role: 'status' });
  if (icon !== 'none') {
    const i = el('div', { class: `wx-toast-icon wx-toast-${icon}` }, TOAST_ICONS[icon] ?? '');
    box.appendChild(i);
  }
  box.appendChild(el('div', { class: 'wx-toast-title' }, o.title ?? ''));
  const wrap = el('div', { class: `wx-toast-wrap ${o.mask ? 'wx-mask-clear' : ''}` });
  wrap.appendChild(box);
  overlay().appendChild(wrap);
  toastNode = wrap;
  if (!loading) toastTimer = setTimeout(hideToast, o.duration ?? 1500);
}

/** wx.showModal; resolves with the button the user tapped. */
export function showModal(o: {
  title?: string;
  content?: string;
  showCancel?: boolean;
  cancelText?: string;
  cancelColor?: string;
  confirmText?: string;
  confirmColor?: string;
  editable?: boolean;
  placeholderText?: string;
}): Promise<{ confirm: boolean; cancel: boolean; content?: string }> {
  return new Promise((resolve) => {
    const mask = el('div', { class: 'wx-mask' });
    const dialog = el('div', { class: 'wx-modal', role: 'dialog', 'aria-modal': 'true' });
    if (o.title) dialog.appendChild(el('div', { class: 'wx-modal-title' }, o.title));
    let input: HTMLInputElement | undefined;
    if (o.editable) {
      input = el('input', { class: 'wx-modal-input', placeholder: o.placeholderText ?? '' });
      input.value = o.content ?? '';
      dialog.appendChild(input);
    } else if (o.content) {
      dialog.appendChild(el('div', { class: 'wx-modal-content' }, o.content));
    }
    const buttons = el('div', { class: 'wx-modal-buttons' });
    const done = (confirm: boolean): void => {
      mask.remove();
      resolve({ confirm, cancel: !confirm, ...(input ? { content: input.value } : {}) });
    };
    if (o.showCancel !== false) {
      const cancel = el('button', { class: 'wx-modal-cancel', type: 'button' }, o.cancelText ?? '取消');
      if (o.cancelColor) cancel.style.color = o.cancelColor;
      cancel.addEventListener('click', () => done(false));
      buttons.appendChild(cancel);
    }
    const confirm = el('button', { class: 'wx-modal-confirm', type: 'button' }, o.confirmText ?? '确定');
    if (o.confirmColor) confirm.style.color = o.confirmColor;
    confirm.addEventListener('click', () => done(true));
    buttons.appendChild(confirm);
    dialog.appendChild(buttons);
    mask.appendChild(dialog);
    overlay().appendChild(mask);
  });
}

/** A bottom sheet with one button per item; resolves with the index, or -1 on cancel. */
export function showSheet(
  items: string[],
  options: { title?: string; selected?: number; cancelText?: string } = {},
): Promise<number> {
  return new Promise((resolve) => {
    const mask = el('div', { class: 'wx-mask wx-mask-bottom' });
    const sheet = el('div', { class: 'wx-sheet', role: 'listbox' });
    if (options.title) sheet.appendChild(el('div', { class: 'wx-sheet-title' }, options.title));
    const list = el('div', { class: 'wx-sheet-list' });
    const done = (index: number): void => {
      mask.remove();
      resolve(index);
    };
    items.forEach((item, index) => {
      const option = el(
        'button',
        {
          class: `wx-sheet-item ${index === options.selected ? 'wx-sheet-selected' : ''}`,
          type: 'button',
          role: 'option',
          'aria-selected': String(index === options.selected),
        },
        item,
      );
      option.addEventListener('click', () => done(index));
      list.appendChild(option);
    });
    sheet.appendChild(list);
    const cancel = el('button', { class: 'wx-sheet-cancel', type: 'button' }, options.cancelText ?? '取消');
    cancel.addEventListener('click', () => done(-1));
    sheet.appendChild(cancel);
    mask.addEventListener('click', (e) => {
      if (e.target === mask) done(-1);
    });
    mask.appendChild(sheet);
    overlay().appendChild(mask);
    list.querySelector<HTMLElement>('.wx-sheet-selected')?.scrollIntoView({ block: 'center' });
  });
}

/** A sheet with one native input (date or time pickers); resolves with its value, or null on cancel. */
export function showInputSheet(
  type: 'date' | 'time',
  value: string,
  start?: string,
  end?: string,
): Promise<string | null> {
  return new Promise((resolve) => {
    const mask = el('div', { class: 'wx-mask wx-mask-bottom' });
    const sheet = el('div', { class: 'wx-sheet' });
    const input = el('input', { type, class: 'wx-sheet-input' });
    input.value = value;
    if (start) input.min = start;
    if (end) input.max = end;
    const bar = el('div', { class: 'wx-sheet-bar' });
    const cancel = el('button', { type: 'button', class: 'wx-sheet-bar-cancel' }, '取消');
    const ok = el('button', { type: 'button', class: 'wx-sheet-bar-ok' }, '确定');
    cancel.addEventListener('click', () => {
      mask.remove();
      resolve(null);
    });
    ok.addEventListener('click', () => {
      mask.remove();
      resolve(input.value);
    });
    bar.append(cancel, ok);
    sheet.append(bar, input);
    mask.appendChild(sheet);
    overlay().appendChild(mask);
  });
}
