import { access, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { compileMain, repoRoot } from './bicep.js';

/** The deploy section: docs/deploy.md, or the README's "Deploy to Azure" once it moved there. */
async function deploySection(): Promise<string> {
  const standalone = join(repoRoot, 'docs', 'deploy.md');
  const found = await access(standalone).then(
    () => true,
    () => false,
  );
  if (found) return readFile(standalone, 'utf8');
  const readme = await readFile(join(repoRoot, 'README.md'), 'utf8');
  const start = readme.indexOf('## Deploy to Azure');
  expect(start, 'README.md has a "## Deploy to Azure" section').toBeGreaterThanOrEqual(0);
  const end = readme.indexOf('\n## ', start + 1);
  return readme.slice(start, end === -1 ? undefined : end);
}

let doc: string;

beforeAll(async () => {
  doc = await deploySection();
});

describe('the "Deploy to Azure" docs', () => {
  it('should give the azd commands to sign in, deploy and tear down', () => {
    for (const command of ['azd auth login', 'azd up', 'azd down']) expect(doc).toContain(command);
  });

  it('should name only npm scripts and load scripts that exist', async () => {
    const pkg = JSON.parse(await readFile(join(repoRoot, 'package.json'), 'utf8')) as {
      scripts: Record<string, string>;
    };
    const scripts = [...doc.matchAll(/npm run ([\w:-]+)/g)].map((m) => m[1]);
    expect(scripts).toContain('consumer');
    for (const script of scripts) expect(Object.keys(pkg.scripts)).toContain(script);

    const loadScripts = [...doc.matchAll(/loadtest\/[\w-]+\.js/g)].map((m) => m[0]);
    expect(loadScripts.length).toBeGreaterThan(0);
    for (const file of loadScripts) await access(join(repoRoot, file));
  });

  it('should name only outputs and parameters that main.bicep has', async () => {
    const template = await compileMain();
    for (const [, name] of doc.matchAll(/azd env get-value (\w+)/g)) {
      expect(Object.keys(template.outputs ?? {})).toContain(name);
    }
    for (const name of ['webMinReplicas', 'webMaxReplicas', 'cosmosThroughput']) {
      if (doc.includes(name)) expect(Object.keys(template.parameters ?? {})).toContain(name);
    }
  });

  it('should state the data model and the approximate cost at 400 RU/s', () => {
    expect(doc).toContain('CounterDB');
    expect(doc).toContain('`/pk`');
    expect(doc).toMatch(/400 RU\/s/);
    expect(doc).toMatch(/about \*\*\$\d+ a month\*\*/);
  });
});
