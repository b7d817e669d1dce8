/** How a WeChat API answers: callbacks or a promise, `{ errMsg: '<api>:ok' }` on success, a plain object on failure. */

export type Dict = Record<string, unknown>;

interface Callbacks {
  success?: (res: Dict) => void;
  fail?: (err: Dict) => void;
  complete?: (res: Dict) => void;
}

/** The one argument of a WeChat API: its parameters and callbacks. */
export type Options = Dict & Callbacks;

/** A failed WeChat API call as WeChat rejects it: a plain object, not an Error. */
export interface WxFailure {
  errMsg: string;
  errCode?: unknown;
  /** WeChat's error number where it gives one (104, 112: privacy authorization). */
  errno?: number;
}

/** A failure in WeChat's shape, with its errno when WeChat gives one. */
export function wxFailure(errMsg: string, errno?: number): WxFailure {
  return errno === undefined ? { errMsg } : { errMsg, errno };
}

/** `<api>:fail <reason>`. */
export function wxError(api: string, reason: string): WxFailure {
  return { errMsg: `${api}:fail ${reason}` };
}

function isFailure(error: unknown): error is WxFailure {
  return typeof error === 'object' && error !== null && typeof (error as WxFailure).errMsg === 'string';
}

/** An asynchronous wx API: callbacks when any is given, otherwise a Promise (as the base library does). */
export function asyncApi(
  api: string,
  impl: (o: Options) => Promise<Dict | void> | Dict | void,
): (o?: Options) => Promise<Dict> | undefined {
  return (o: Options = {}) => {
    const answer = Promise.resolve()
      .then(() => impl(o))
      .then(
        (res) => ({ errMsg: `${api}:ok`, ...(res ?? {}) }),
        (error: unknown) => {
          throw isFailure(error)
            ? error
            : wxError(api, error instanceof Error ? error.message : String(error));
        },
      );
    if (!o.success && !o.fail && !o.complete) return answer;
    void answer.then(
      (res) => {
        o.success?.(res);
        o.complete?.(res);
      },
      (err: Dict) => {
        o.fail?.(err);
        o.complete?.(err);
      },
    );
    return undefined;
  };
}

/** A wx API that takes callbacks only (no Promise style) and answers at once. */
export function callbackApi(api: string, run: (o: Options) => void): (o?: Options) => void {
  return (o: Options = {}) => {
    let res: Dict;
    try {
      run(o);
      res = { errMsg: `${api}:ok` };
    } catch (error) {
      const err = isFailure(error) ? error : wxError(api, String(error));
      o.fail?.(err as unknown as Dict);
      o.complete?.(err as unknown as Dict);
      return;
    }
    o.success?.(res);
    o.complete?.(res);
  };
}
