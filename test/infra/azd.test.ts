import { access, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { repoRoot } from './bicep.js';

async function readJson<T>(...path: string[]): Promise<T> {
  return JSON.parse(await readFile(join(repoRoot, ...path), 'utf8')) as T;
}

describe('azure.yaml', () => {
  it('should declare one containerapp service, web, in TypeScript, built from the Dockerfile', async () => {
    const azureYaml = parse(await readFile(join(repoRoot, 'azure.yaml'), 'utf8')) as {
      name?: string;
      services: Record<string, Record<string, unknown>>;
    };

    expect(azureYaml.name).toMatch(/\S/);
    expect(Object.keys(azureYaml.services)).toEqual(['web']);
    const web = azureYaml.services.web;
    expect(web).toMatchObject({ project: '.', language: 'ts', host: 'containerapp' });
    const dockerPath = (web?.docker as { path?: string } | undefined)?.path;
    expect(dockerPath).toBe('./Dockerfile');
    await access(join(repoRoot, String(dockerPath)));
  });
});

describe('infra/main.parameters.json', () => {
  it('should map the azd environment onto main.bicep parameters', async () => {
    const file = await readJson<{ parameters: Record<string, { value: unknown }> }>(
      'infra',
      'main.parameters.json',
    );
    const values = Object.fromEntries(
      Object.entries(file.parameters).map(([name, p]) => [name, p.value]),
    );
    expect(values).toMatchObject({
      environmentName: '${AZURE_ENV_NAME}',
      location: '${AZURE_LOCATION}',
      principalId: '${AZURE_PRINCIPAL_ID}',
    });
  });
});

describe('.devcontainer/devcontainer.json', () => {
  interface DevContainer {
    image: string;
    features: Record<string, Record<string, unknown>>;
    forwardPorts: number[];
    postCreateCommand: string;
  }

  it('should start from a Node 20 devcontainer image', async () => {
    const config = await readJson<DevContainer>('.devcontainer', 'devcontainer.json');
    expect(config.image).toMatch(
      /^mcr\.microsoft\.com\/devcontainers\/(typescript|javascript)-node:(\d+-)?20(-|$)/,
    );
  });

  it('should bring azd, the Azure CLI with Bicep, and k6', async () => {
    const { features } = await readJson<DevContainer>('.devcontainer', 'devcontainer.json');
    const feature = (pattern: RegExp) =>
      Object.entries(features).find(([id]) => pattern.test(id))?.[1];

    expect(feature(/^ghcr\.io\/azure\/azure-dev\/azd:/)).toBeDefined();
    expect(feature(/^ghcr\.io\/devcontainers\/features\/azure-cli:/)).toMatchObject({
      installBicep: true,
    });
    expect(feature(/\/k6:\d/)).toBeDefined();
  });

  it('should forward port 3000 and run npm ci after create', async () => {
    const config = await readJson<DevContainer>('.devcontainer', 'devcontainer.json');
    expect(config.forwardPorts).toContain(3000);
    expect(config.postCreateCommand).toBe('npm ci');
  });
});
