/**
 * j-component fires `ready` only for components present at attach(); WeChat fires it for every component,
 * including those created later under wx:if. This fires it once for each component that appears later.
 */
import type { ExparserNode } from './types';

const readied = new WeakSet<object>();

function isComponent(node: unknown): node is ExparserNode {
  return typeof (node as ExparserNode | undefined)?.triggerLifeTime === 'function';
}

function markTree(root: Element, fire: boolean): void {
  const all = [root, ...root.querySelectorAll('*')];
  for (const el of all) {
    const node = (el as HTMLElement).__wxElement;
    if (!isComponent(node) || readied.has(node)) continue;
    readied.add(node);
    if (!fire) continue;
    try {
      node.triggerLifeTime('ready');
    } catch (error) {
      console.error('ready failed', error);
    }
  }
}

/** Marks what is rendered now as ready and fires `ready` for components added later; returns a stop function. */
export function watchNewComponents(root: HTMLElement): () => void {
  markTree(root, false);
  const observer = new MutationObserver((records) => {
    for (const r of records)
      for (const n of r.addedNodes) if (n instanceof Element && n.isConnected) markTree(n, true);
  });
  observer.observe(root, { childList: true, subtree: true });
  return () => observer.disconnect();
}
