import { FaceIdError } from '../errors';
import {
  PRODUCTS,
  type OptionRule,
  type OptionSpec,
  type ProductName,
  type ProductSpec,
} from '../../miniprogram/shared/token-options';
import type { FormValue } from './http';
import { checkIntRange, checkMaxBytes, checkNumberRange, checkOneOf } from './rules';
import type { TokenRequest, ValidTokenRequest } from './types';

/** A short word such as a scene id or a language code: letters, digits, `_`, `-`, `.`, at most 64. */
const WORD = /^[A-Za-z0-9_.-]{1,64}$/;

const own = (table: object, key: string): boolean => Object.prototype.hasOwnProperty.call(table, key);

function productSpec(product: ProductName): ProductSpec {
  return PRODUCTS[product];
}

function checkList(param: string, value: unknown, allowed: readonly string[]): void {
  const fields = typeof value === 'string' ? value.split(',') : [];
  if (!fields.length || !fields.every((f) => allowed.includes(f)) || new Set(fields).size !== fields.length) {
    throw new FaceIdError('BAD_ARGUMENTS', {
      param,
      detail: `${param} is a comma list of ${allowed.join(', ')}`,
    });
  }
}

/** Throws BAD_ARGUMENTS:<param> unless the value meets the rule. */
function checkRule(param: string, value: unknown, rule: OptionRule): void {
  if ('oneOf' in rule) return checkOneOf(param, value, rule.oneOf);
  if ('int' in rule) return checkIntRange(param, value, ...rule.int);
  if ('range' in rule) return checkNumberRange(param, value, ...rule.range);
  if ('list' in rule) return checkList(param, value, rule.list);
  if (typeof value !== 'string')
    throw new FaceIdError('BAD_ARGUMENTS', { param, detail: `${param} must be a string` });
  if ('maxBytes' in rule) return checkMaxBytes(param, value, rule.maxBytes);
  if (!WORD.test(value))
    throw new FaceIdError('BAD_ARGUMENTS', { param, detail: `${param} has an unexpected form` });
}

function onlyWith(option: OptionSpec, condition: string): never {
  throw new FaceIdError('BAD_ARGUMENTS', {
    param: option.wire,
    detail: `${option.wire} is only taken with ${condition}`,
  });
}

/**
 * Checks a request's mode and options against the product's table, offline: the mode is offered (INVALID_EVENT
 * mode), every option is one the product takes (INVALID_EVENT options.<key>), and each value meets its rule, its
 * modes and its conditions on other options (BAD_ARGUMENTS naming the seed field).
 */
function checkModeAndOptions(product: ProductName, req: TokenRequest): void {
  const spec = productSpec(product);
  if (!spec.modes.includes(req.mode)) {
    throw new FaceIdError('INVALID_EVENT', {
      param: 'mode',
      detail: `${product} does not offer ${req.mode}`,
    });
  }
  const given = req.options as Readonly<Record<string, string | number | undefined>>;
  const unused = Object.keys(given).find((key) => !own(spec.options, key));
  if (unused) {
    throw new FaceIdError('INVALID_EVENT', {
      param: `options.${unused}`,
      detail: `${product} does not use option ${unused}`,
    });
  }
  for (const [key, option] of Object.entries(spec.options)) {
    const value = given[key];
    if (value === undefined) continue;
    if (option.modes && !option.ignoredElsewhere && !option.modes.includes(req.mode))
      onlyWith(option, `mode ${option.modes.join(' or ')}`);
    for (const [other, values] of Object.entries(option.when ?? {})) {
      const condition = spec.options[other];
      if (!values.includes(given[other] ?? condition.default ?? ''))
        onlyWith(option, `${condition.wire} ${values.join(' or ')}`);
    }
    checkRule(option.wire, value, option);
  }
}

/**
 * A product's validation: its table (checkModeAndOptions), then its own rules about the rest of the request. The
 * one check a request gets; its result is what issueToken takes.
 */
export function validated(
  product: ProductName,
  req: TokenRequest,
  rules: (req: TokenRequest) => void,
): ValidTokenRequest {
  checkModeAndOptions(product, req);
  rules(req);
  return req as ValidTokenRequest;
}

/** The option fields sent upstream: each option taken in the request's mode under its seed name, with the defaults the seed requires. */
export function optionFields(product: ProductName, req: TokenRequest): Record<string, FormValue> {
  const given = req.options as Readonly<Record<string, string | number | undefined>>;
  const fields: Record<string, FormValue> = {};
  for (const [key, option] of Object.entries(productSpec(product).options)) {
    if (option.modes && !option.modes.includes(req.mode)) continue;
    fields[option.wire] = given[key] ?? (option.sendDefault ? option.default : undefined);
  }
  return fields;
}

/** An option's value in a request, or the product's default for it. */
export function optionValue(
  product: ProductName,
  req: TokenRequest,
  key: string,
): string | number | undefined {
  const given = req.options as Readonly<Record<string, string | number | undefined>>;
  return given[key] ?? productSpec(product).options[key]?.default;
}
