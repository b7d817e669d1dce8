import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import ts from 'typescript';
import {
  agreeByButton,
  createWx,
  type Dict,
  type Options,
  type WeChatState,
  type WxFailure,
  type WxHost,
} from '../../dev/wx';

const ROOT = resolve(__dirname, '../..');
const HARNESS = 'test/miniprogram/harness.ts';
const PREVIEW_CLIENT = 'dev/preview/client';

const freshState = (): WeChatState => ({
  privacyAgreed: true,
  privacyDeclared: true,
  contractName: '《隐私保护指引》',
  sdkVersion: '3.8.12',
  authSetting: {},
  agreeButtonsTapped: [],
  privacyRequests: [],
  prompts: [],
});

/** A host whose every hook fails: building the fake wx must not call any (the names are all the check needs). */
const unusedHost = new Proxy({} as WxHost, {
  get: (_target, hook) => () => {
    throw new Error(`host hook ${String(hook)} called`);
  },
});

/** Every interface dev/wx models: wx's, wx.cloud's and the file-system manager's (a few generic keys aside). */
function modelledInterfaces(): Set<string> {
  const wx = createWx(unusedHost, freshState());
  const cloud = wx.cloud as Dict;
  const fsManager = (wx.getFileSystemManager as () => Dict)();
  const names = [...Object.keys(wx), ...Object.keys(cloud), ...Object.keys(fsManager)];
  return new Set(names.filter((name) => !['env', 'cloud', 'init'].includes(name)));
}

/** The members defined in object literals and the properties assigned (`x.name = …`) in a source text. */
function definedNames(fileName: string, source: string): string[] {
  const file = ts.createSourceFile(fileName, source, ts.ScriptTarget.ES2022, true);
  const names: string[] = [];
  const nameOf = (node: ts.PropertyName): string | undefined =>
    ts.isIdentifier(node) || ts.isStringLiteral(node) ? node.text : undefined;
  const visit = (node: ts.Node): void => {
    if (
      (ts.isPropertyAssignment(node) ||
        ts.isMethodDeclaration(node) ||
        ts.isShorthandPropertyAssignment(node)) &&
      ts.isObjectLiteralExpression(node.parent)
    ) {
      const name = nameOf(node.name);
      if (name) names.push(name);
    }
    if (
      ts.isBinaryExpression(node) &&
      node.operatorToken.kind === ts.SyntaxKind.EqualsToken &&
      ts.isPropertyAccessExpression(node.left)
    )
      names.push(node.left.name.text);
    ts.forEachChild(node, visit);
  };
  visit(file);
  return names;
}

const hostFiles = (): string[] => [
  HARNESS,
  ...readdirSync(join(ROOT, PREVIEW_CLIENT))
    .filter((name) => name.endsWith('.ts'))
    .map((name) => `${PREVIEW_CLIENT}/${name}`),
];

describe('one fake wx (dev/wx) serves the page tests and the preview', () => {
  it('the page-test harness and the preview client both build their wx with dev/wx’s createWx', () => {
    const builders = hostFiles().filter((file) => {
      const imports = ts.preProcessFile(readFileSync(join(ROOT, file), 'utf8'), true, true).importedFiles;
      return imports.some((ref) => relative(ROOT, resolve(ROOT, dirname(file), ref.fileName)) === 'dev/wx');
    });
    expect(builders).toEqual(expect.arrayContaining([HARNESS, `${PREVIEW_CLIENT}/wx.ts`]));
    for (const file of [HARNESS, `${PREVIEW_CLIENT}/wx.ts`])
      expect(readFileSync(join(ROOT, file), 'utf8')).toMatch(/createWx(?: as \w+)?[,\s}]/);
  });

  it('neither defines its own version of an interface dev/wx models', () => {
    const modelled = modelledInterfaces();
    for (const name of ['getSetting', 'openSetting', 'setStorageSync', 'requestFacialVerify', 'callFunction'])
      expect(modelled.has(name)).toBe(true);
    const files = hostFiles();
    expect(files.length).toBeGreaterThan(5);
    const redefined = files.flatMap((file) =>
      definedNames(file, readFileSync(join(ROOT, file), 'utf8'))
        .filter((name) => modelled.has(name))
        .map((name) => `${file}: ${name}`),
    );
    expect(redefined).toEqual([]);
  });

  it('the check sees an interface defined again when one is written', () => {
    const probe = "const shims = { getSetting: () => ({}), 'openSetting': fn };\nwx.setStorageSync = fn;";
    expect(definedNames('probe.ts', probe).filter((name) => modelledInterfaces().has(name))).toEqual([
      'getSetting',
      'openSetting',
      'setStorageSync',
    ]);
  });
});

/** A host that records which of WeChat's screens it was asked to show; the rules are the model's. */
function scriptedHost(answers: { scope: boolean; settings: Record<string, boolean> }) {
  const shown: string[] = [];
  let tapping = false;
  const host = new Proxy({} as WxHost, {
    get: (_target, hook) => {
      if (hook === 'inTap') return () => tapping;
      if (hook === 'askScope') return async (scope: string) => (shown.push(`ask ${scope}`), answers.scope);
      if (hook === 'settingsPage') return async () => (shown.push('settings'), answers.settings);
      if (hook === 'pickMedia') return async () => (shown.push('picker'), { tempFiles: [] });
      return () => {
        throw new Error(`host hook ${String(hook)} not expected`);
      };
    },
  });
  return { host, shown, tap: (run: () => unknown) => ((tapping = true), run(), (tapping = false)) };
}

const call = (wx: Dict, api: string, o: Options = {}) =>
  (wx[api] as (o: Options) => Promise<Dict>)(o).then(
    (ok) => ok,
    (failure: WxFailure) => failure,
  );

describe('WeChat’s privacy and permission rules, as dev/wx models them for every host', () => {
  it('a privacy-scoped call waits on the agreement: errno 104 unless the agree came from a tapped button', async () => {
    const state = { ...freshState(), privacyAgreed: false };
    const { host, shown } = scriptedHost({ scope: true, settings: {} });
    const wx = createWx(host, state);
    const answers: { buttonId: string }[] = [{ buttonId: 'never-tapped' }, { buttonId: 'agree' }];
    (wx.onNeedPrivacyAuthorization as (l: (resolve: (a: Dict) => void) => void) => void)((resolve) =>
      resolve({ event: 'agree', ...answers.shift() }),
    );
    expect(await call(wx, 'chooseMedia', { sourceType: ['camera'] })).toEqual({
      errMsg: 'chooseMedia:fail privacy permission is not authorized',
      errno: 104,
    });
    expect(shown).toEqual([]);
    agreeByButton(state, 'agree');
    expect(await call(wx, 'chooseMedia', { sourceType: ['camera'], mediaType: ['image'] })).toMatchObject({
      errMsg: 'chooseMedia:ok',
    });
    expect(shown).toEqual(['ask scope.camera', 'picker']);
    expect(state.privacyRequests).toEqual(['chooseMedia']);
  });

  it('an interface the guide does not declare fails with errno 112 and opens nothing', async () => {
    const { host, shown } = scriptedHost({ scope: true, settings: {} });
    const wx = createWx(host, { ...freshState(), privacyDeclared: false });
    expect(await call(wx, 'authorize', { scope: 'scope.camera' })).toEqual({
      errMsg: 'authorize:fail api scope is not declared in the privacy agreement',
      errno: 112,
    });
    expect(shown).toEqual([]);
  });

  it('a scope said no to fails at once; the settings page opens only from a tap and turns it on', async () => {
    const state = { ...freshState(), authSetting: { 'scope.camera': false } };
    const { host, shown, tap } = scriptedHost({ scope: true, settings: { 'scope.camera': true } });
    const wx = createWx(host, state);
    expect(await call(wx, 'chooseMedia', { sourceType: ['camera'], mediaType: ['image'] })).toEqual({
      errMsg: 'chooseMedia:fail auth deny',
    });
    expect(await call(wx, 'openSetting')).toEqual({
      errMsg: 'openSetting:fail can only be invoked by user TAP gesture.',
    });
    expect(shown).toEqual([]);
    let fromTap: Promise<Dict> | undefined;
    tap(() => (fromTap = (wx.openSetting as (o: Options) => Promise<Dict>)({})));
    expect(await fromTap).toEqual({ errMsg: 'openSetting:ok', authSetting: { 'scope.camera': true } });
    expect(await call(wx, 'getSetting')).toMatchObject({ authSetting: { 'scope.camera': true } });
    expect(shown).toEqual(['settings']);
  });

  it('chooseMedia from the camera without a mediaType takes photos and videos: WeChat asks for the camera and the microphone', async () => {
    const { host, shown } = scriptedHost({ scope: true, settings: {} });
    const state = freshState();
    const wx = createWx(host, state);
    expect(await call(wx, 'chooseMedia', { sourceType: ['camera'] })).toMatchObject({
      errMsg: 'chooseMedia:ok',
    });
    expect(await call(wx, 'chooseImage', { sourceType: ['camera'] })).toMatchObject({
      errMsg: 'chooseImage:ok',
    });
    expect(shown).toEqual(['ask scope.camera', 'ask scope.record', 'picker', 'picker']);
    expect(state.authSetting).toEqual({ 'scope.camera': true, 'scope.record': true });
  });
});
