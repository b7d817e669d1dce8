/**
 * j-component derives `tap` from touchstart/touchend only. A mouse click in the preview becomes a touch sequence
 * on the same target; real touches (a phone, or Playwright's hasTouch) pass through untouched. A disabled button
 * gets no tap, as in WeChat. A touch belongs to the page it started on: when the tap opens another page, the
 * browser's compatibility mouse events and click that follow the touch never reach the page that replaced it.
 */

let lastRealTouch = 0;
let pressed: Element | undefined;
/** The page a real touch started on (null: outside any page, e.g. a sheet or a dialog). */
let touchPage: Element | null = null;

interface Point {
  identifier: number;
  pageX: number;
  pageY: number;
  clientX: number;
  clientY: number;
  force: number;
}

function point(e: MouseEvent): Point {
  return { identifier: 0, pageX: e.pageX, pageY: e.pageY, clientX: e.clientX, clientY: e.clientY, force: 1 };
}

/** Whether a mouse event is the compatibility event of a touch (Chromium says so; elsewhere, guess by time). */
function fromTouch(e: MouseEvent): boolean {
  const caps = (e as MouseEvent & { sourceCapabilities?: { firesTouchEvents?: boolean } | null })
    .sourceCapabilities;
  if (caps) return Boolean(caps.firesTouchEvents);
  return Date.now() - lastRealTouch < 800;
}

function insideDisabledButton(e: Event): boolean {
  return e.composedPath().some((n) => n instanceof HTMLElement && n.matches('wx-button[disabled]'));
}

function pageOf(target: EventTarget | null): Element | null {
  return target instanceof Element ? target.closest('.wx-page') : null;
}

function dispatch(target: Element, type: string, touches: Point[], changed: Point[]): void {
  const ev = new Event(type, { bubbles: true, cancelable: true, composed: true });
  Object.defineProperties(ev, {
    touches: { value: touches },
    targetTouches: { value: touches },
    changedTouches: { value: changed },
  });
  target.dispatchEvent(ev);
}

function inPages(target: EventTarget | null): target is Element {
  return target instanceof Element && Boolean(target.closest('#pages'));
}

/** Drops the compatibility events of a touch that land on another page (or a page that is gone). */
function strayFromTouch(e: MouseEvent): boolean {
  if (!e.isTrusted || !fromTouch(e) || touchPage === null) return false;
  const page = pageOf(e.target);
  return page !== touchPage || !touchPage.isConnected || (touchPage as HTMLElement).hidden === true;
}

/** Installs the mouse-to-touch bridge on the document. */
export function installTouchBridge(): void {
  for (const type of ['touchstart', 'touchmove', 'touchend', 'touchcancel']) {
    window.addEventListener(
      type,
      (e) => {
        if (e.isTrusted) {
          lastRealTouch = Date.now();
          if (type === 'touchstart') touchPage = pageOf(e.target);
        }
        if (insideDisabledButton(e)) e.stopPropagation();
      },
      { capture: true },
    );
  }
  for (const type of ['mousedown', 'mouseup', 'click'] as const) {
    window.addEventListener(
      type,
      (e) => {
        if (!strayFromTouch(e)) return;
        e.stopImmediatePropagation();
        e.preventDefault();
      },
      { capture: true },
    );
  }
  window.addEventListener(
    'mousedown',
    (e) => {
      if (!e.isTrusted || e.button !== 0 || fromTouch(e)) return;
      if (!inPages(e.target) || insideDisabledButton(e)) return;
      pressed = e.target;
      const p = point(e);
      dispatch(pressed, 'touchstart', [p], [p]);
    },
    { capture: true },
  );
  window.addEventListener(
    'mousemove',
    (e) => {
      if (!pressed || !e.isTrusted) return;
      const p = point(e);
      dispatch(pressed, 'touchmove', [p], [p]);
    },
    { capture: true },
  );
  window.addEventListener(
    'mouseup',
    (e) => {
      if (!pressed || !e.isTrusted) return;
      const target = pressed;
      pressed = undefined;
      dispatch(target, 'touchend', [], [point(e)]);
    },
    { capture: true },
  );
}
