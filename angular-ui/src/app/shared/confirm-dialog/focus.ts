/** Controls that take focus with Tab (disabled ones and `tabindex="-1"` left out). */
const TABBABLE =
  'button:not([disabled]), input:not([disabled]), textarea:not([disabled]), ' +
  'select:not([disabled]), a[href], [tabindex]:not([tabindex="-1"])';

/** The Tab stops inside `root`, in document order. */
export function focusables(root: HTMLElement): HTMLElement[] {
  return [...root.querySelectorAll<HTMLElement>(TABBABLE)].filter(isFocusable);
}

/**
 * Whether `element` can take focus now: still in the page, not disabled, not hidden and not
 * under an inert ancestor (the page under the connection-lost overlay).
 */
export function isFocusable(element: HTMLElement): boolean {
  if (!element.isConnected) return false;
  if ((element as HTMLButtonElement).disabled) return false;
  if (element.closest('[inert], [hidden]')) return false;
  return true;
}

/** `element` itself when it can take focus (a heading with `tabindex="-1"`), else null. */
export function firstFocusable(element: HTMLElement | null): HTMLElement | null {
  return element && isFocusable(element) ? element : null;
}
