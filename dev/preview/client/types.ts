/** Shapes shared by the preview's browser runtime (miniprogram-simulate's browser build and the WeChat shim). */

export type Dict = Record<string, unknown>;

/** An exparser node as j-component exposes it (only what the runtime touches). */
export interface ExparserNode {
  $$: HTMLElement;
  data: Dict;
  triggerLifeTime(name: string, args?: unknown[]): void;
  triggerPageLifeTime(name: string, args?: unknown[]): void;
  triggerEvent(name: string, detail?: unknown, options?: Dict): void;
}

/** `this` inside a component definition's methods, observers and lifetimes. */
export interface MethodCaller {
  _exparserNode: ExparserNode;
  data: Dict;
  setData(patch: Dict, cb?: () => void): void;
  triggerEvent(name: string, detail?: unknown, options?: Dict): void;
  [key: string]: unknown;
}

/** A rendered root component (j-component's RootComponent). */
export interface RootComponent {
  dom: HTMLElement;
  instance: MethodCaller;
  attach(parent: HTMLElement): void;
  detach(): void;
  /** The first node matching a WXML selector (`#id`, `.class`), with its DOM element. */
  querySelector(selector: string): { dom: HTMLElement } | undefined;
  triggerPageLifeTime(name: string, ...args: unknown[]): void;
}

interface Simulate {
  load(path: string | Dict, tagName?: string | Dict, options?: Dict): string;
  render(id: string, properties?: Dict): RootComponent;
}

interface AppConfigScript {
  app: {
    pages: string[];
    window?: Dict;
  };
  pages: Record<string, Dict>;
}

declare global {
  interface Window {
    simulate: Simulate;
    __FILE_MAP__: Record<string, string>;
    __APP_CONFIG__: AppConfigScript;
    wx: Dict;
    App: (options: Dict) => void;
    Page: (options: Dict) => void;
    Component: (options: Dict) => void;
    getApp: () => Dict;
    getCurrentPages: () => Dict[];
  }
  interface HTMLElement {
    __wxElement?: ExparserNode;
  }
}
