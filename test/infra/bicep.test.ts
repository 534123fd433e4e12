import { copyFile, mkdtemp, readdir, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { bicep, repoRoot } from './bicep.js';

async function bicepFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true });
  return entries
    .filter((entry) => entry.isFile() && entry.name.endsWith('.bicep'))
    .map((entry) => relative(repoRoot, join(entry.parentPath, entry.name)))
    .sort();
}

const files = await bicepFiles(join(repoRoot, 'infra'));

describe('bicepconfig.json', () => {
  it('should turn every configured linter rule to error, the recommended ones included', async () => {
    const config = JSON.parse(await readFile(join(repoRoot, 'bicepconfig.json'), 'utf8')) as {
      analyzers: { core: { enabled: boolean; rules: Record<string, { level: string }> } };
    };
    const { enabled, rules } = config.analyzers.core;
    expect(enabled).toBe(true);
    for (const [rule, setting] of Object.entries(rules)) expect(setting.level, rule).toBe('error');
    expect(Object.keys(rules)).toEqual(
      expect.arrayContaining([
        'no-unused-params',
        'no-unused-vars',
        'outputs-should-not-contain-secrets',
        'secure-secrets-in-params',
        'use-secure-value-for-secure-inputs',
        'no-hardcoded-env-urls',
        'use-resource-symbol-reference',
        'use-description-params',
      ]),
    );
  });

  it('should make the linter fail on a finding that is only a warning by default', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'counter-lint-'));
    await copyFile(join(repoRoot, 'bicepconfig.json'), join(dir, 'bicepconfig.json'));
    await writeFile(join(dir, 'probe.bicep'), "@description('Never used.')\nparam unused string\n");

    const result = await bicep('lint', join(dir, 'probe.bicep'));

    expect(result.code).not.toBe(0);
    expect(result.stderr).toMatch(/Error no-unused-params/);
  });
});

describe('Bicep files', () => {
  it('should include main.bicep and its modules', () => {
    expect(files).toContain(join('infra', 'main.bicep'));
    expect(files.length).toBeGreaterThan(5);
  });

  it('should build main.bicep, and the modules it uses, without a diagnostic', async () => {
    const result = await bicep('build', join('infra', 'main.bicep'), '--stdout');
    expect(result.diagnostics).toEqual([]);
    expect(result.code).toBe(0);
  });

  it.each(files)('should lint %s without a diagnostic', async (file) => {
    const result = await bicep('lint', file);
    expect(result.diagnostics).toEqual([]);
    expect(result.code).toBe(0);
  });
});
