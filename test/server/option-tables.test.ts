import { FaceIdError } from '../../server/errors';
import {
  PRODUCTS,
  type OptionSpec,
  type ProductName,
  type ProductSpec,
} from '../../miniprogram/shared/token-options';
import { optionFields, validated } from '../../server/providers/options';
import type { TokenRequest } from '../../server/providers/types';

/** The product's table check alone (validated with no rules of its own beyond the table). */
const checkModeAndOptions = (product: ProductName, req: TokenRequest) => validated(product, req, () => {});

type Value = string | number;
const products = Object.entries(PRODUCTS as Record<ProductName, ProductSpec>) as [ProductName, ProductSpec][];
const options = products.flatMap(([product, spec]) =>
  Object.entries(spec.options).map(([key, option]) => [product, key, option] as const),
);

/** A value the rule accepts. */
function validValue(option: OptionSpec): Value {
  if ('oneOf' in option) return option.oneOf[option.oneOf.length - 1];
  if ('int' in option) return option.int[1];
  if ('range' in option) return option.range[1];
  if ('list' in option) return option.list.join(',');
  if ('maxBytes' in option) return 'x'.repeat(option.maxBytes);
  return 'zh-CN_1';
}

/** A value of the right JSON type the rule refuses. */
function invalidValue(option: OptionSpec): Value {
  if ('oneOf' in option) return typeof option.oneOf[0] === 'number' ? 999 : 'not-a-value';
  if ('int' in option) return option.int[1] + 1;
  if ('range' in option) return option.range[1] + 0.5;
  if ('list' in option) return `${option.list[0]},${option.list[0]}`;
  if ('maxBytes' in option) return 'x'.repeat(option.maxBytes + 1);
  return 'has space';
}

/** A request in a mode the option is taken in, with the other options its conditions ask for. */
function requestWith(product: ProductName, key: string, value: Value): TokenRequest {
  const spec = PRODUCTS[product] as ProductSpec;
  const option = spec.options[key];
  const given: Record<string, Value> = { [key]: value };
  for (const [other, values] of Object.entries(option.when ?? {})) given[other] = values[0];
  return { mode: (option.modes ?? spec.modes)[0], bizNo: 'b', options: given };
}

describe('the option tables', () => {
  it.each(options)('%s: %s is accepted at its bound and sent under its seed name', (product, key, option) => {
    const req = requestWith(product, key, validValue(option));
    expect(() => checkModeAndOptions(product, req)).not.toThrow();
    expect(optionFields(product, req)[option.wire]).toBe(validValue(option));
  });

  it.each(options)(
    '%s: %s out of its rule is BAD_ARGUMENTS naming the seed field',
    (product, key, option) => {
      let thrown: unknown;
      try {
        checkModeAndOptions(product, requestWith(product, key, invalidValue(option)));
      } catch (err) {
        thrown = err;
      }
      expect(thrown).toBeInstanceOf(FaceIdError);
      expect(thrown).toMatchObject({ code: 'BAD_ARGUMENTS', param: option.wire });
    },
  );

  it.each(products)('%s refuses the options only other products take, naming the key', (product, spec) => {
    const foreign = [...new Set(options.map(([, key]) => key))].filter((key) => !(key in spec.options));
    expect(foreign.length).toBeGreaterThan(0);
    for (const key of foreign)
      expect(() =>
        checkModeAndOptions(product, { mode: spec.modes[0], bizNo: 'b', options: { [key]: 1 } }),
      ).toThrow(expect.objectContaining({ code: 'INVALID_EVENT', param: `options.${key}` }));
  });

  it.each(products)('%s refuses the modes its table does not list', (product, spec) => {
    for (const mode of ['idcard', 'ocr', 'reference', 'liveness'] as const)
      if (!spec.modes.includes(mode))
        expect(() => checkModeAndOptions(product, { mode, bizNo: 'b', options: {} })).toThrow(
          expect.objectContaining({ code: 'INVALID_EVENT', param: 'mode' }),
        );
  });

  it('sends the defaults a seed requires, and an option only in the modes that take it', () => {
    expect(optionFields('megvii-app', { mode: 'idcard', bizNo: 'b', options: {} }).liveness_type).toBe(
      'meglive',
    );
    expect(optionFields('megvii-raw', { mode: 'reference', bizNo: 'b', options: {} })).toMatchObject({
      max_upload_times: 5,
      life_time: 60,
    });
    const idcard: TokenRequest = { mode: 'idcard', bizNo: 'b', options: { idcardSide: 1 } };
    expect(() => checkModeAndOptions('fidlite', idcard)).not.toThrow();
    expect(optionFields('fidlite', idcard)).not.toHaveProperty('idcard_side');
  });
});

describe('language options from the locale', () => {
  const localized = options.filter(([, , option]) => option.fromLocale);

  it('are declared by the products with a language option (overseas, raw) and no other', () => {
    expect(localized.map(([product, key]) => `${product}.${key}`)).toEqual([
      'megvii-overseas.language',
      'megvii-raw.language',
    ]);
  });

  it.each(localized)('%s: %s takes the value of each locale', (product, key, option) => {
    for (const value of Object.values(option.fromLocale ?? {}))
      expect(() => checkModeAndOptions(product, requestWith(product, key, value))).not.toThrow();
  });
});
