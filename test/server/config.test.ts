import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { readConfig, VARIABLES, type Variable } from '../../server/config';

const README = readFileSync(join(__dirname, '..', '..', 'README.md'), 'utf8');

/** README's Configuration section, one entry per bullet: the variables it names before its colon, and its text. */
function readmeVariables(): Map<string, string> {
  const section = /### Configuration[^\n]*\n([\s\S]*?)\n## /.exec(README)?.[1] ?? '';
  const entries = new Map<string, string>();
  for (const bullet of section.split(/\n(?=- )/).filter((b) => b.startsWith('- '))) {
    const head = bullet.slice(0, bullet.indexOf(':'));
    for (const [, name] of head.matchAll(/`(FACEID_[A-Z0-9_]+)`/g))
      entries.set(name, bullet.replace(/\s+/g, ' '));
  }
  return entries;
}

const declared = Object.entries(VARIABLES) as [string, Variable<unknown>][];

describe('the configuration table (server/config.ts)', () => {
  it("and README's Configuration section list the same variables", () => {
    expect([...readmeVariables().keys()].sort()).toEqual(declared.map(([name]) => name).sort());
  });

  it.each(declared.filter(([, v]) => v.default !== undefined))(
    "README states %s's default as the table declares it",
    (name, variable) => {
      expect(readmeVariables().get(name)).toContain(variable.default);
    },
  );

  it.each(declared.filter(([, v]) => v.default !== undefined))(
    '%s unset or blank reads as its declared default',
    (name, variable) => {
      const config = readConfig({ [name]: '  ' }) as unknown as Record<string, unknown>;
      expect(config[name]).toEqual(variable.read(variable.default, name));
    },
  );

  it('reads a variable once per configuration, when first used, and fails naming it', () => {
    const env: Record<string, string | undefined> = {
      FACEID_TIMEOUT_MS: '2500',
      FACEID_RETENTION_DAYS: 'never',
    };
    const config = readConfig(env);
    expect(config.FACEID_TIMEOUT_MS).toBe(2500);
    env.FACEID_TIMEOUT_MS = '9000';
    expect(config.FACEID_TIMEOUT_MS).toBe(2500);
    expect(readConfig(env).FACEID_TIMEOUT_MS).toBe(9000);
    expect(() => config.FACEID_RETENTION_DAYS).toThrow(
      expect.objectContaining({ code: 'CONFIG_INVALID', param: 'FACEID_RETENTION_DAYS' }),
    );
    expect(() => config.FACEID_APPCODE).toThrow(
      expect.objectContaining({ code: 'CONFIG_MISSING', param: 'FACEID_APPCODE' }),
    );
  });

  it.each([
    ['FACEID_PROVIDER', 'aliyun'],
    ['FACEID_BASE_URL', 'ftp://host'],
    ['FACEID_REGION', 'us'],
    ['FACEID_MATCH_THRESHOLD', '1e-2'],
    ['FACEID_NOTIFY_URL', 'example.com/notify'],
    ['FACEID_TIMEOUT_MS', '0'],
    ['FACEID_RATE_LIMIT', '5 per minute'],
    ['FACEID_RETENTION_DAYS', '3651'],
    ['FACEID_API_KEYS_SHA256', 'my-api-key'],
    ['FACEID_API_KEYS_SHA256', `${'a'.repeat(64)},${'b'.repeat(63)}`],
    ['FACEID_API_RATE_LIMIT', '60 a minute'],
  ])('refuses %s=%s as CONFIG_INVALID naming it', (name, value) => {
    const config = readConfig({ [name]: value }) as unknown as Record<string, unknown>;
    expect(() => config[name]).toThrow(expect.objectContaining({ code: 'CONFIG_INVALID', param: name }));
  });

  it('types the values the functions use', () => {
    const config = readConfig({
      FACEID_PROVIDER: ' megvii-lite ',
      FACEID_BASE_URL: 'https://h.example/',
      FACEID_RATE_LIMIT: '3/60',
      FACEID_KEEP_IMAGES: '1',
      FACEID_LOG: 'off',
    });
    expect(config.FACEID_PROVIDER).toBe('megvii-lite');
    expect(config.FACEID_BASE_URL).toBe('https://h.example');
    expect(config.FACEID_RATE_LIMIT).toEqual({ count: 3, windowMs: 60_000 });
    expect(config.FACEID_KEEP_IMAGES).toBe(true);
    expect(config.FACEID_LOG).toBe(false);
    expect(readConfig({}).FACEID_KEEP_IMAGES).toBe(false);
  });
});
