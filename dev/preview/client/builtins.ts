/**
 * WeChat's built-in components. simulate registers them as bare `<wx-*>` tags with no properties, so attributes
 * like value, checked or disabled would be lost; these definitions keep them as properties, draw each control in
 * the element's shadow root, and turn the user's input into the component events the pages bind (input, change…).
 */
import { textOf } from './text';
import { objectUrl } from './fs';
import { agreeByButton } from '../../wx';
import { wechatState } from './privacy';
import * as router from './router';
import type { Dict, MethodCaller } from './types';
import { showInputSheet, showSheet, showToast } from './ui';

type Prop = { type: unknown; value?: unknown };
type Sync = (host: HTMLElement, data: Dict, caller: MethodCaller, changed?: string) => void;

const callers = new WeakMap<HTMLElement, MethodCaller>();
const COMMON: Record<string, Prop> = {
  hidden: { type: Boolean, value: false },
  ariaLabel: { type: String, value: '' },
  ariaRole: { type: String, value: '' },
};

function reflect(host: HTMLElement, name: string, value: unknown): void {
  if (value === false || value === undefined || value === null || value === '') host.removeAttribute(name);
  else host.setAttribute(name, value === true ? '' : textOf(value));
}

function shadow(host: HTMLElement, html: string): ShadowRoot {
  if (host.shadowRoot) return host.shadowRoot;
  const root = host.attachShadow({ mode: 'open' });
  root.innerHTML = html;
  return root;
}

function define(name: string, props: Record<string, Prop>, sync?: Sync, ariaOnHost = true): void {
  const run = function (this: MethodCaller, changed?: string): void {
    const host = this._exparserNode?.$$;
    if (!host) return;
    callers.set(host, this);
    const data = this.data;
    reflect(host, 'hidden', data.hidden);
    if (ariaOnHost) {
      reflect(host, 'aria-label', data.ariaLabel);
      reflect(host, 'role', data.ariaRole);
    }
    sync?.(host, data, this, changed);
  };
  const properties: Record<string, Prop & { observer: () => void }> = {};
  for (const [key, p] of Object.entries({ ...COMMON, ...props })) {
    properties[key] = {
      ...p,
      observer(this: MethodCaller) {
        run.call(this, key);
      },
    };
  }
  window.simulate.load({
    id: name,
    tagName: `wx-${name}`,
    template: '<slot/>',
    properties,
    lifetimes: {
      attached(this: MethodCaller) {
        run.call(this);
      },
    },
  });
}

function fire(host: HTMLElement, name: string, detail: Dict): void {
  const caller = callers.get(host);
  if (caller) caller.triggerEvent(name, detail);
}

const STYLE_CONTROL = `
  :host { -webkit-tap-highlight-color: transparent; }
  input, textarea { all: unset; display: block; width: 100%; height: 100%; min-height: 0; font: inherit; color: inherit;
    line-height: inherit; text-align: inherit; box-sizing: border-box; white-space: pre; overflow: hidden; }
  textarea { white-space: pre-wrap; overflow: auto; }
  input::placeholder, textarea::placeholder { color: rgba(0,0,0,.3); }
  input:disabled, textarea:disabled { color: inherit; -webkit-text-fill-color: currentColor; opacity: .6; }
`;

function inputTypeOf(type: unknown, password: unknown): { type: string; mode: string } {
  if (password) return { type: 'password', mode: 'text' };
  if (type === 'number') return { type: 'text', mode: 'numeric' };
  if (type === 'digit') return { type: 'text', mode: 'decimal' };
  if (type === 'idcard') return { type: 'text', mode: 'text' };
  return { type: 'text', mode: 'text' };
}

function field(host: HTMLElement, tag: 'input' | 'textarea'): HTMLInputElement | HTMLTextAreaElement {
  const root = shadow(host, `<style>${STYLE_CONTROL}</style><${tag} part="control"></${tag}><slot></slot>`);
  const control = root.querySelector(tag) as HTMLInputElement | HTMLTextAreaElement;
  if (!control.dataset.wired) {
    control.dataset.wired = '1';
    control.addEventListener('input', () => {
      host.dataset.typing = '1';
      fire(host, 'input', {
        value: control.value,
        cursor: control.selectionStart ?? control.value.length,
        keyCode: 0,
      });
      delete host.dataset.typing;
    });
    control.addEventListener('focus', () => fire(host, 'focus', { value: control.value, height: 0 }));
    control.addEventListener('blur', () =>
      fire(host, 'blur', { value: control.value, cursor: control.selectionStart ?? 0 }),
    );
    control.addEventListener('keydown', (e) => {
      const enter = (e as KeyboardEvent).key === 'Enter';
      if (enter && tag === 'input') fire(host, 'confirm', { value: control.value });
      fire(host, 'keyboardheightchange', { height: 0, duration: 0 });
    });
  }
  return control;
}

function syncField(host: HTMLElement, data: Dict, control: HTMLInputElement | HTMLTextAreaElement): void {
  const value = data.value === undefined || data.value === null ? '' : textOf(data.value);
  if (control.value !== value) control.value = value;
  control.placeholder = textOf(data.placeholder);
  control.disabled = Boolean(data.disabled);
  const max = Number(data.maxlength);
  if (max >= 0) control.maxLength = max;
  else control.removeAttribute('maxlength');
  if (data.ariaLabel) control.setAttribute('aria-label', textOf(data.ariaLabel));
  reflect(host, 'disabled', data.disabled);
  if (data.focus && document.activeElement !== host) setTimeout(() => control.focus(), 0);
}

const INPUT_PROPS: Record<string, Prop> = {
  value: { type: null, value: '' },
  type: { type: String, value: 'text' },
  password: { type: Boolean, value: false },
  placeholder: { type: String, value: '' },
  placeholderClass: { type: String, value: '' },
  placeholderStyle: { type: String, value: '' },
  disabled: { type: Boolean, value: false },
  maxlength: { type: Number, value: 140 },
  focus: { type: Boolean, value: false },
  autoFocus: { type: Boolean, value: false },
  confirmType: { type: String, value: 'done' },
  cursor: { type: Number, value: -1 },
  name: { type: String, value: '' },
  adjustPosition: { type: Boolean, value: true },
};

const BOX_STYLE = `
  :host { display: inline-flex; align-items: center; vertical-align: middle; -webkit-tap-highlight-color: transparent; }
  .box { box-sizing: border-box; width: 22px; height: 22px; flex: none; margin-right: 5px; border: 1px solid #d1d1d1;
    background: #fff; color: #fff; display: inline-flex; align-items: center; justify-content: center; font-size: 15px;
    font-weight: 700; line-height: 1; }
  .box.checkbox { border-radius: 3px; }
  .box.radio { border-radius: 50%; }
  :host([checked]) .box { background: var(--wx-box-color, #07c160); border-color: var(--wx-box-color, #07c160); }
  :host([disabled]) .box { background: #e1e1e1; border-color: #d1d1d1; }
  :host([disabled][checked]) .box { color: #adadad; }
`;

function syncBox(kind: 'checkbox' | 'radio'): Sync {
  return (host, data) => {
    const root = shadow(
      host,
      `<style>${BOX_STYLE}</style><span class="box ${kind}" part="box"></span><slot></slot>`,
    );
    const box = root.querySelector('.box') as HTMLElement;
    const checked = host.dataset.state === undefined ? Boolean(data.checked) : host.dataset.state === '1';
    box.textContent = checked ? '✓' : '';
    box.setAttribute('role', kind);
    box.setAttribute('aria-checked', String(checked));
    box.setAttribute('aria-disabled', String(Boolean(data.disabled)));
    if (data.ariaLabel) box.setAttribute('aria-label', textOf(data.ariaLabel));
    if (data.color) host.style.setProperty('--wx-box-color', textOf(data.color));
    reflect(host, 'checked', checked);
    reflect(host, 'disabled', data.disabled);
  };
}

/** Reads the checked state of a checkbox/radio host (tapped state wins until the page sets `checked` again). */
function isChecked(host: HTMLElement): boolean {
  return host.hasAttribute('checked');
}

function setChecked(host: HTMLElement, checked: boolean): void {
  host.dataset.state = checked ? '1' : '0';
  const caller = callers.get(host);
  if (caller) syncBox(host.localName === 'wx-radio' ? 'radio' : 'checkbox')(host, caller.data, caller);
}

const BUTTON_STYLE = `
  :host { -webkit-tap-highlight-color: transparent; }
  .spinner { display: none; width: 1em; height: 1em; margin: 0 .4em -.15em 0; border: 2px solid currentColor;
    border-right-color: transparent; border-radius: 50%; animation: spin 1s linear infinite; box-sizing: border-box; }
  :host([loading]) .spinner { display: inline-block; }
  @keyframes spin { to { transform: rotate(360deg); } }
`;

const ICONS: Record<string, { color: string; glyph: string; round: boolean }> = {
  success: { color: '#07c160', glyph: '✓', round: true },
  success_no_circle: { color: '#07c160', glyph: '✓', round: false },
  info: { color: '#10aeff', glyph: 'i', round: true },
  warn: { color: '#fa5151', glyph: '!', round: true },
  waiting: { color: '#10aeff', glyph: '◔', round: true },
  cancel: { color: '#fa5151', glyph: '✕', round: true },
  download: { color: '#07c160', glyph: '↓', round: true },
  search: { color: '#b2b2b2', glyph: '⌕', round: false },
  clear: { color: '#b2b2b2', glyph: '✕', round: true },
  info_circle: { color: '#10aeff', glyph: 'i', round: true },
};

function imageUrl(src: string): string {
  if (!src) return '';
  const local = objectUrl(src);
  if (local) return local;
  if (/^(https?:|data:|blob:)/.test(src)) return src;
  return `/mp/${src.replace(/^\/+/, '')}`;
}

const IMAGE_FIT: Record<string, string> = {
  scaleToFill: 'fill',
  aspectFit: 'contain',
  aspectFill: 'cover',
  widthFix: 'fill',
  heightFix: 'fill',
  center: 'none',
};

/** Registers every built-in component; call after simulate's build is loaded. */
export function registerBuiltins(): void {
  for (const tag of [
    'view',
    'text',
    'label',
    'block',
    'cover-view',
    'cover-image',
    'form',
    'rich-text',
    'movable-area',
    'movable-view',
    'swiper',
    'swiper-item',
    'page-meta',
    'navigation-bar',
    'match-media',
    'root-portal',
    'editor',
    'map',
    'canvas',
    'web-view',
    'ad',
    'open-data',
    'official-account',
    'camera',
    'live-player',
    'live-pusher',
    'audio',
    'functional-page-navigator',
    'keyboard-accessory',
    'picker-view',
    'picker-view-column',
    'grid-view',
    'list-view',
    'sticky-header',
    'sticky-section',
    'share-element',
    'page-container',
    'channel-live',
    'channel-video',
    'voip-room',
    'ad-custom',
  ]) {
    define(
      tag,
      tag === 'rich-text'
        ? { nodes: { type: null, value: '' } }
        : tag === 'label'
          ? { for: { type: String, value: '' } }
          : {},
      tag === 'rich-text'
        ? (host, data) => {
            const root = shadow(host, '<div part="content"></div>');
            (root.firstElementChild as HTMLElement).innerHTML =
              typeof data.nodes === 'string' ? data.nodes : '';
          }
        : undefined,
    );
  }
  define(
    'scroll-view',
    { scrollX: { type: Boolean, value: false }, scrollY: { type: Boolean, value: false } },
    (host, data) => {
      host.style.overflowX = data.scrollX ? 'auto' : 'hidden';
      host.style.overflowY = data.scrollY ? 'auto' : 'hidden';
    },
  );
  define(
    'input',
    INPUT_PROPS,
    (host, data) => {
      const control = field(host, 'input') as HTMLInputElement;
      const t = inputTypeOf(data.type, data.password);
      control.type = t.type;
      control.inputMode = t.mode;
      syncField(host, data, control);
    },
    false,
  );
  define(
    'textarea',
    { ...INPUT_PROPS, autoHeight: { type: Boolean, value: false } },
    (host, data) => {
      syncField(host, data, field(host, 'textarea'));
    },
    false,
  );
  define('checkbox-group', { name: { type: String, value: '' } });
  define('radio-group', { name: { type: String, value: '' } });
  const boxProps = {
    value: { type: String, value: '' },
    checked: { type: Boolean, value: false },
    disabled: { type: Boolean, value: false },
    color: { type: String, value: '' },
  };
  const checkboxSync = syncBox('checkbox');
  const radioSync = syncBox('radio');
  define(
    'checkbox',
    boxProps,
    (host, data, caller, changed) => {
      if (changed === undefined || changed === 'checked') delete host.dataset.state;
      checkboxSync(host, data, caller);
    },
    false,
  );
  define(
    'radio',
    boxProps,
    (host, data, caller, changed) => {
      if (changed === undefined || changed === 'checked') delete host.dataset.state;
      radioSync(host, data, caller);
    },
    false,
  );
  define(
    'switch',
    {
      checked: { type: Boolean, value: false },
      disabled: { type: Boolean, value: false },
      type: { type: String, value: 'switch' },
      color: { type: String, value: '#04BE02' },
    },
    (host, data, _caller, changed) => {
      if (changed === undefined || changed === 'checked') delete host.dataset.state;
      const root = shadow(
        host,
        `<style>:host{display:inline-block} .sw{display:inline-block;width:52px;height:32px;border-radius:16px;background:#e5e5e5;position:relative;transition:background .2s} .sw::after{content:'';position:absolute;top:2px;left:2px;width:28px;height:28px;border-radius:50%;background:#fff;box-shadow:0 1px 3px rgba(0,0,0,.4);transition:left .2s} :host([checked]) .sw{background:var(--c,#07c160)} :host([checked]) .sw::after{left:22px}</style><span class="sw" role="switch"></span><slot></slot>`,
      );
      const on = host.dataset.state === undefined ? Boolean(data.checked) : host.dataset.state === '1';
      reflect(host, 'checked', on);
      reflect(host, 'disabled', data.disabled);
      host.style.setProperty('--c', textOf(data.color || '#07c160'));
      const sw = root.querySelector('.sw') as HTMLElement;
      sw.setAttribute('aria-checked', String(on));
      if (data.ariaLabel) sw.setAttribute('aria-label', textOf(data.ariaLabel));
    },
    false,
  );
  define(
    'button',
    {
      type: { type: String, value: 'default' },
      size: { type: String, value: 'default' },
      plain: { type: Boolean, value: false },
      disabled: { type: Boolean, value: false },
      loading: { type: Boolean, value: false },
      formType: { type: String, value: '' },
      openType: { type: String, value: '' },
      hoverClass: { type: String, value: 'button-hover' },
    },
    (host, data) => {
      shadow(host, `<style>${BUTTON_STYLE}</style><span class="spinner" part="spinner"></span><slot></slot>`);
      host.setAttribute('role', 'button');
      host.tabIndex = data.disabled ? -1 : 0;
      host.setAttribute('aria-disabled', String(Boolean(data.disabled)));
      for (const attr of ['type', 'size', 'plain', 'disabled', 'loading'] as const)
        reflect(host, attr, data[attr]);
      reflect(host, 'open-type', data.openType);
    },
  );
  define(
    'image',
    {
      src: { type: String, value: '' },
      mode: { type: String, value: 'scaleToFill' },
      lazyLoad: { type: Boolean, value: false },
      webp: { type: Boolean, value: false },
      showMenuByLongpress: { type: Boolean, value: false },
    },
    (host, data) => {
      const root = shadow(
        host,
        `<style>:host{display:inline-block;overflow:hidden} img{display:block;width:100%;height:100%}</style><img part="img" alt="">`,
      );
      const img = root.querySelector('img') as HTMLImageElement;
      const mode = textOf(data.mode || 'scaleToFill');
      img.style.objectFit = IMAGE_FIT[mode] ?? 'fill';
      host.setAttribute('mode', mode);
      img.style.height = mode === 'widthFix' ? 'auto' : '100%';
      img.style.width = mode === 'heightFix' ? 'auto' : '100%';
      if (data.ariaLabel) img.alt = textOf(data.ariaLabel);
      const url = imageUrl(textOf(data.src));
      if (img.getAttribute('src') !== url) {
        if (url) img.src = url;
        else img.removeAttribute('src');
        img.onload = () => fire(host, 'load', { width: img.naturalWidth, height: img.naturalHeight });
        img.onerror = () => fire(host, 'error', { errMsg: `GET ${String(data.src)} 404 (Not Found)` });
      }
    },
    false,
  );
  define(
    'icon',
    {
      type: { type: String, value: '' },
      size: { type: null, value: 23 },
      color: { type: String, value: '' },
    },
    (host, data) => {
      const root = shadow(
        host,
        `<style>:host{display:inline-block;font-size:0;line-height:0;vertical-align:middle} span{display:inline-flex;align-items:center;justify-content:center;border-radius:50%;color:#fff;font-weight:700;font-family:sans-serif}</style><span part="icon" role="img"></span>`,
      );
      const icon = ICONS[String(data.type)] ?? ICONS.info;
      const size = Number.parseFloat(String(data.size)) || 23;
      const span = root.querySelector('span') as HTMLElement;
      const color = textOf(data.color || icon.color);
      span.textContent = icon.glyph;
      span.style.width = `${size}px`;
      span.style.height = `${size}px`;
      span.style.fontSize = `${Math.round(size * 0.62)}px`;
      span.style.background = icon.round ? color : 'transparent';
      span.style.color = icon.round ? '#fff' : color;
      span.setAttribute('aria-label', String(data.type));
    },
  );
  define(
    'progress',
    {
      percent: { type: Number, value: 0 },
      showInfo: { type: Boolean, value: false },
      strokeWidth: { type: null, value: 6 },
      activeColor: { type: String, value: '#09BB07' },
      backgroundColor: { type: String, value: '#EBEBEB' },
    },
    (host, data) => {
      const root = shadow(
        host,
        `<style>:host{display:flex;align-items:center} .bar{flex:1;overflow:hidden} .fill{height:100%} .info{margin-left:15px;font-size:16px}</style><div class="bar" part="bar"><div class="fill"></div></div><span class="info"></span>`,
      );
      const bar = root.querySelector('.bar') as HTMLElement;
      const fill = root.querySelector('.fill') as HTMLElement;
      bar.style.height = `${Number.parseFloat(String(data.strokeWidth)) || 6}px`;
      bar.style.background = String(data.backgroundColor);
      fill.style.background = String(data.activeColor);
      fill.style.width = `${Math.min(100, Math.max(0, Number(data.percent)))}%`;
      (root.querySelector('.info') as HTMLElement).textContent = data.showInfo
        ? `${Number(data.percent)}%`
        : '';
    },
  );
  define(
    'slider',
    {
      min: { type: Number, value: 0 },
      max: { type: Number, value: 100 },
      step: { type: Number, value: 1 },
      value: { type: Number, value: 0 },
      disabled: { type: Boolean, value: false },
      showValue: { type: Boolean, value: false },
    },
    (host, data) => {
      const root = shadow(
        host,
        `<style>:host{display:block;margin:10px 18px} input{width:100%}</style><input type="range">`,
      );
      const input = root.querySelector('input') as HTMLInputElement;
      input.min = String(data.min);
      input.max = String(data.max);
      input.step = String(data.step);
      input.value = String(data.value);
      input.disabled = Boolean(data.disabled);
      input.oninput = () => fire(host, 'changing', { value: Number(input.value) });
      input.onchange = () => fire(host, 'change', { value: Number(input.value) });
    },
  );
  define(
    'picker',
    {
      mode: { type: String, value: 'selector' },
      range: { type: null, value: [] },
      rangeKey: { type: String, value: '' },
      value: { type: null, value: 0 },
      disabled: { type: Boolean, value: false },
      start: { type: String, value: '' },
      end: { type: String, value: '' },
      headerText: { type: String, value: '' },
    },
    (host, data) => {
      reflect(host, 'disabled', data.disabled);
      host.setAttribute('role', 'button');
      host.setAttribute('aria-haspopup', 'listbox');
    },
  );
  define('navigator', {
    url: { type: String, value: '' },
    openType: { type: String, value: 'navigate' },
    delta: { type: Number, value: 1 },
  });
  define('video', { src: { type: String, value: '' } }, (host, data) => {
    const root = shadow(
      host,
      `<style>:host{display:inline-block;width:300px;height:225px;background:#000} video{width:100%;height:100%}</style><video controls></video>`,
    );
    (root.querySelector('video') as HTMLVideoElement).src = imageUrl(textOf(data.src));
  });
}

function hostIn(path: EventTarget[], tag: string): HTMLElement | undefined {
  return path.find((n): n is HTMLElement => n instanceof HTMLElement && n.localName === tag);
}

function toggleBox(box: HTMLElement): void {
  const caller = callers.get(box);
  if (!caller || caller.data.disabled) return;
  if (box.localName === 'wx-checkbox') {
    setChecked(box, !isChecked(box));
    const group = box.closest<HTMLElement>('wx-checkbox-group');
    if (!group) return;
    const value = [...group.querySelectorAll('wx-checkbox')]
      .filter((b) => isChecked(b as HTMLElement))
      .map((b) => textOf(callers.get(b as HTMLElement)?.data.value));
    fire(group, 'change', { value });
    return;
  }
  if (isChecked(box)) return;
  const group = box.closest<HTMLElement>('wx-radio-group');
  for (const other of group ? [...group.querySelectorAll('wx-radio')] : [])
    if (other !== box) setChecked(other as HTMLElement, false);
  setChecked(box, true);
  if (group) fire(group, 'change', { value: textOf(caller.data.value) });
}

async function openPicker(host: HTMLElement): Promise<void> {
  const caller = callers.get(host);
  if (!caller || caller.data.disabled) return;
  const data = caller.data;
  const mode = textOf(data.mode || 'selector');
  if (mode === 'date' || mode === 'time') {
    const value = await showInputSheet(mode, textOf(data.value), textOf(data.start), textOf(data.end));
    if (value === null) fire(host, 'cancel', {});
    else fire(host, 'change', { value });
    return;
  }
  const range = Array.isArray(data.range) ? (data.range as unknown[]) : [];
  const key = textOf(data.rangeKey);
  const labels = range.map((item) =>
    key && item && typeof item === 'object' ? String((item as Dict)[key]) : String(item),
  );
  const index = await showSheet(labels, {
    title: textOf(data.headerText),
    selected: Number(data.value),
  });
  if (index < 0) fire(host, 'cancel', {});
  else fire(host, 'change', { value: index });
}

/** Handles clicks on built-in controls (checkbox, radio, switch, label, picker, navigator). */
export function onControlClick(e: MouseEvent): void {
  const path = e.composedPath();
  if (path.some((n) => n instanceof HTMLElement && n.matches('wx-button[disabled]'))) return;
  if (path.some((n) => n instanceof HTMLElement && n.matches('wx-button[open-type="contact"]'))) {
    showToast({ title: '微信客服会话（预览中无法打开）', icon: 'none', duration: 2000 });
    return;
  }
  const agree = path.find(
    (n): n is HTMLElement =>
      n instanceof HTMLElement && n.matches('wx-button[open-type="agreePrivacyAuthorization"]'),
  );
  if (agree) {
    agreeByButton(wechatState, agree.id);
    fire(agree, 'agreeprivacyauthorization', {});
    return;
  }
  const box = hostIn(path, 'wx-checkbox') ?? hostIn(path, 'wx-radio');
  if (box) return toggleBox(box);
  const sw = hostIn(path, 'wx-switch');
  if (sw) {
    const caller = callers.get(sw);
    if (!caller || caller.data.disabled) return;
    const on = !sw.hasAttribute('checked');
    sw.dataset.state = on ? '1' : '0';
    reflect(sw, 'checked', on);
    fire(sw, 'change', { value: on });
    return;
  }
  const label = hostIn(path, 'wx-label');
  if (label && !hostIn(path, 'wx-input')) {
    const target = label.querySelector<HTMLElement>('wx-checkbox, wx-radio, wx-switch');
    if (target) {
      if (target.localName === 'wx-switch') target.click();
      else toggleBox(target);
      return;
    }
  }
  const picker = hostIn(path, 'wx-picker');
  if (picker) {
    void openPicker(picker);
    return;
  }
  const nav = hostIn(path, 'wx-navigator');
  if (nav) {
    const data = callers.get(nav)?.data ?? {};
    const type = textOf(data.openType || 'navigate');
    try {
      if (type === 'navigateBack') router.back(Number(data.delta) || 1);
      else
        router.navigate(
          String(data.url),
          type === 'redirect'
            ? 'redirectTo'
            : type === 'reLaunch' || type === 'switchTab'
              ? 'reLaunch'
              : 'navigateTo',
        );
    } catch (error) {
      console.error(error);
    }
  }
}
