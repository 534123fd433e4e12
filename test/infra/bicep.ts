import { execFile } from 'node:child_process';
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import type { ArmTemplate } from './arm.js';

const run = promisify(execFile);

export const repoRoot = fileURLToPath(new URL('../..', import.meta.url));
const bicepScript = join(repoRoot, 'scripts', 'bicep.sh');

export interface BicepResult {
  code: number;
  stdout: string;
  stderr: string;
  /** Lines the compiler or linter reported, at any level (error, warning, info). */
  diagnostics: string[];
}

/** Runs the Bicep CLI through scripts/bicep.sh (PATH, az bicep, or the NuGet package). */
export async function bicep(...args: string[]): Promise<BicepResult> {
  try {
    const { stdout, stderr } = await run('bash', [bicepScript, ...args], {
      cwd: repoRoot,
      maxBuffer: 64 * 1024 * 1024,
    });
    return { code: 0, stdout, stderr, diagnostics: diagnosticLines(stderr) };
  } catch (error) {
    const failed = error as { code?: number; stdout?: string; stderr?: string };
    const stderr = failed.stderr ?? String(error);
    return {
      code: typeof failed.code === 'number' ? failed.code : 1,
      stdout: failed.stdout ?? '',
      stderr,
      diagnostics: diagnosticLines(stderr),
    };
  }
}

function diagnosticLines(stderr: string): string[] {
  return stderr.split('\n').filter((line) => /\) : (Error|Warning|Info) /.test(line));
}

let compiled: Promise<ArmTemplate> | undefined;

/** Compiles infra/main.bicep once per test file and returns the ARM JSON. */
export function compileMain(): Promise<ArmTemplate> {
  compiled ??= (async () => {
    const outDir = await mkdtemp(join(tmpdir(), 'counter-infra-'));
    const outFile = join(outDir, 'main.json');
    const result = await bicep('build', join('infra', 'main.bicep'), '--outfile', outFile);
    if (result.code !== 0 || result.diagnostics.length > 0) {
      throw new Error(`bicep build infra/main.bicep failed:\n${result.stderr}`);
    }
    return JSON.parse(await readFile(outFile, 'utf8')) as ArmTemplate;
  })();
  return compiled;
}
