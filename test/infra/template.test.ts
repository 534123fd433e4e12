import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import {
  type ArmResource,
  type ArmTemplate,
  type Scope,
  Opaque,
  evaluate,
  moduleScope,
  resourcesOfType,
  rootScope,
} from './arm.js';
import { compileMain, repoRoot } from './bicep.js';

const dataContributorRoleId = '00000000-0000-0000-0000-000000000002';
const acrPullRoleId = '7f951dda-4ed3-4680-a7ca-43fe172d538d';

/** Matches the ARM text of `<module>.outputs.<output>` as compiled from Bicep. */
function moduleOutput(module: string, output: string): RegExp {
  return new RegExp(
    `'Microsoft\\.Resources/deployments', '${module}'\\), '[^']+'\\)\\.outputs\\.${output}\\.value`,
  );
}

function text(value: unknown): string {
  if (value instanceof Opaque) return value.text;
  return typeof value === 'string' ? value : JSON.stringify(value);
}

function one(scope: Scope, type: string): Record<string, unknown> & ArmResource {
  const found = resourcesOfType(scope, type);
  expect(found, type).toHaveLength(1);
  return evaluate(found[0], scope) as Record<string, unknown> & ArmResource;
}

/** Every template in the deployment: main and each module, with the values main passes down. */
function allScopes(root: Scope): Scope[] {
  const modules = resourcesOfType(root, 'Microsoft.Resources/deployments').map((d) =>
    moduleScope(root, d.name),
  );
  return [root, ...modules];
}

let template: ArmTemplate;
let root: Scope;

beforeAll(async () => {
  template = await compileMain();
  root = rootScope(template);
});

describe('infra/main.bicep', () => {
  it('should deploy at subscription scope and create the resource group', () => {
    expect(String((template as { $schema?: string }).$schema)).toContain(
      'subscriptionDeploymentTemplate',
    );
    const rg = one(root, 'Microsoft.Resources/resourceGroups');
    expect(text(rg.name)).toMatch(
      /^format\('\{0\}\{1\}', 'rg-', parameters\('environmentName'\)\)$/,
    );
  });

  it('should describe every parameter of main and of each module', () => {
    for (const scope of allScopes(root)) {
      for (const [name, declared] of Object.entries(scope.template.parameters ?? {})) {
        const description = (declared.metadata as { description?: string } | undefined)
          ?.description;
        expect(description, `parameter ${name}`).toMatch(/\S/);
      }
    }
  });

  it('should build names from the abbreviations and a resourceToken from uniqueString', () => {
    expect(text(template.variables?.resourceToken)).toContain('uniqueString(');
    expect(text(template.variables?.abbrs)).not.toBe('');
  });

  it('should tag every resource that has a location with azd-env-name', () => {
    let tagged = 0;
    for (const scope of allScopes(root)) {
      for (const resource of scope.template.resources) {
        if (resource.type === 'Microsoft.Resources/deployments' || !resource.location) continue;
        const tags = evaluate(resource.tags, scope) as Record<string, unknown> | undefined;
        expect(text(tags?.['azd-env-name']), resource.type).toBe("parameters('environmentName')");
        tagged += 1;
      }
    }
    expect(tagged).toBeGreaterThanOrEqual(7);
  });

  it('should create nothing whose name changes from one deployment to the next', () => {
    expect(JSON.stringify(template)).not.toMatch(/newGuid\(|utcNow\(/);
  });
});

describe('Cosmos DB account', () => {
  it('should disable local (key) auth', () => {
    const account = one(moduleScope(root, 'cosmos'), 'Microsoft.DocumentDB/databaseAccounts');
    const properties = account.properties as Record<string, unknown>;
    expect(properties.disableLocalAuth).toBe(true);
    expect(account.kind).toBe('GlobalDocumentDB');
  });

  it('should create database CounterDB and container Counters', () => {
    const cosmos = moduleScope(root, 'cosmos');
    const database = one(cosmos, 'Microsoft.DocumentDB/databaseAccounts/sqlDatabases');
    const container = one(cosmos, 'Microsoft.DocumentDB/databaseAccounts/sqlDatabases/containers');
    expect((database.properties as { resource: { id: string } }).resource.id).toBe('CounterDB');
    expect((container.properties as { resource: { id: string } }).resource.id).toBe('Counters');
  });

  it('should partition the container on /pk with 400 RU/s manual throughput', () => {
    const cosmos = moduleScope(root, 'cosmos');
    const container = one(cosmos, 'Microsoft.DocumentDB/databaseAccounts/sqlDatabases/containers');
    const properties = container.properties as {
      resource: { partitionKey: { paths: string[]; kind: string } };
      options: { throughput?: unknown; autoscaleSettings?: unknown };
    };
    expect(properties.resource.partitionKey.paths).toEqual(['/pk']);
    expect(properties.resource.partitionKey.kind).toBe('Hash');
    expect(properties.options.throughput).toBe(400);
    expect(properties.options.autoscaleSettings).toBeUndefined();
  });

  it('should turn per-item TTL on without a default expiry, as the app does on the emulator', () => {
    const cosmos = moduleScope(root, 'cosmos');
    const container = one(cosmos, 'Microsoft.DocumentDB/databaseAccounts/sqlDatabases/containers');
    const resource = (container.properties as { resource: { defaultTtl?: unknown } }).resource;
    expect(resource.defaultTtl).toBe(-1);
  });
});

describe('Cosmos DB data-plane role assignments', () => {
  function assignments(): Record<string, unknown>[] {
    const scope = moduleScope(root, 'cosmos-data-access');
    const found = resourcesOfType(
      scope,
      'Microsoft.DocumentDB/databaseAccounts/sqlRoleAssignments',
    );
    return found.map((r) => evaluate(r, scope) as Record<string, unknown>);
  }

  it('should give the built-in Data Contributor role to the app identity principal id', () => {
    const app = assignments().filter((a) =>
      moduleOutput('identity', 'principalId').test(
        text((a.properties as Record<string, unknown>).principalId),
      ),
    );
    expect(app).toHaveLength(1);
    const assignment = app[0] as { condition?: unknown; properties: Record<string, unknown> };
    expect(assignment.condition).toBeUndefined();
    expect(text(assignment.properties.roleDefinitionId)).toMatch(
      new RegExp(`sqlRoleDefinitions', .*'${dataContributorRoleId}'\\)$`),
    );
    expect(text(assignment.properties.scope)).toContain("'Microsoft.DocumentDB/databaseAccounts'");
  });

  it('should give the same role to the deploying user only when principalId is set', async () => {
    const call = resourcesOfType(root, 'Microsoft.Resources/deployments').find(
      (d) => d.name === 'cosmos-data-access',
    );
    const passed = (call?.properties?.parameters ?? {}) as Record<string, { value: unknown }>;
    const userParameter = Object.entries(passed).find(
      ([, v]) => v.value === "[parameters('principalId')]",
    )?.[0];
    expect(userParameter).toBeDefined();

    const user = assignments().filter((a) => a.condition === false);
    expect(user, 'skipped while principalId is empty').toHaveLength(1);
    expect((user[0]?.properties as Record<string, unknown>).principalId).toBe('');

    const parameters = JSON.parse(
      await readFile(join(repoRoot, 'infra', 'main.parameters.json'), 'utf8'),
    ) as { parameters: Record<string, { value: string }> };
    expect(parameters.parameters.principalId?.value).toBe('${AZURE_PRINCIPAL_ID}');
  });

  it('should name every assignment with guid() over the account, principal and role', () => {
    for (const assignment of assignments()) {
      expect(text(assignment.name)).toMatch(
        new RegExp(`^format\\('\\{0\\}/\\{1\\}', .*, guid\\(.*'${dataContributorRoleId}'\\)\\)$`),
      );
    }
  });
});

describe('Container Registry', () => {
  it('should keep the admin user and anonymous pull off', () => {
    const registry = one(moduleScope(root, 'registry'), 'Microsoft.ContainerRegistry/registries');
    const properties = registry.properties as Record<string, unknown>;
    expect(properties.adminUserEnabled).toBe(false);
    expect(properties.anonymousPullEnabled).toBe(false);
  });

  it('should give AcrPull to the app identity', () => {
    const assignment = one(
      moduleScope(root, 'registry'),
      'Microsoft.Authorization/roleAssignments',
    );
    const properties = assignment.properties as Record<string, unknown>;
    expect(text(properties.roleDefinitionId)).toContain(`'${acrPullRoleId}'`);
    expect(text(properties.principalId)).toMatch(moduleOutput('identity', 'principalId'));
    expect(properties.principalType).toBe('ServicePrincipal');
    expect(text(assignment.name)).toMatch(/^guid\(/);
  });
});

describe('Container app', () => {
  function app(): Record<string, unknown> & ArmResource {
    return one(moduleScope(root, 'web'), 'Microsoft.App/containerApps');
  }

  function container(): Record<string, unknown> {
    const template = (app().properties as { template: { containers: unknown[] } }).template;
    expect(template.containers).toHaveLength(1);
    return template.containers[0] as Record<string, unknown>;
  }

  it('should carry the azd-service-name of the one service in azure.yaml', async () => {
    const azureYaml = parse(await readFile(join(repoRoot, 'azure.yaml'), 'utf8')) as {
      services: Record<string, { host: string }>;
    };
    const [serviceName] = Object.keys(azureYaml.services);
    const tags = app().tags as Record<string, unknown>;
    expect(tags['azd-service-name']).toBe(serviceName);
    expect(azureYaml.services[String(serviceName)]?.host).toBe('containerapp');
  });

  it('should run as the user-assigned identity and pull with it', () => {
    const resource = app();
    const identity = resource.identity as { type: string; userAssignedIdentities: object };
    expect(identity.type).toBe('UserAssigned');
    const keys = Object.keys(identity.userAssignedIdentities);
    expect(keys).toHaveLength(1);
    expect(keys[0]).toMatch(moduleOutput('identity', 'id'));

    const configuration = (resource.properties as { configuration: Record<string, unknown> })
      .configuration;
    const registries = configuration.registries as Record<string, unknown>[];
    expect(registries).toHaveLength(1);
    expect(text(registries[0]?.identity)).toMatch(moduleOutput('identity', 'id'));
    expect(text(registries[0]?.server)).toMatch(moduleOutput('registry', 'loginServer'));
    expect(JSON.stringify(registries)).not.toMatch(/password|username/i);
  });

  it('should expose ingress on port 3000', () => {
    const configuration = (app().properties as { configuration: { ingress: object } })
      .configuration;
    expect(configuration.ingress).toMatchObject({ external: true, targetPort: 3000 });
  });

  it('should probe liveness on /healthz and readiness on /readyz', () => {
    const probes = container().probes as {
      type: string;
      httpGet: { path: string; port: number };
    }[];
    const byType = Object.fromEntries(probes.map((p) => [p.type, p.httpGet]));
    expect(byType.Liveness).toEqual({ path: '/healthz', port: 3000 });
    expect(byType.Readiness).toEqual({ path: '/readyz', port: 3000 });
  });

  it('should pass the Cosmos names, the identity client id and the listen address', () => {
    const env = Object.fromEntries(
      (container().env as { name: string; value: unknown }[]).map((e) => [e.name, e.value]),
    );
    expect(text(env.COSMOS_ENDPOINT)).toMatch(moduleOutput('cosmos', 'endpoint'));
    expect(text(env.COSMOS_DATABASE)).toMatch(moduleOutput('cosmos', 'databaseName'));
    expect(text(env.COSMOS_CONTAINER)).toMatch(moduleOutput('cosmos', 'containerName'));
    expect(text(env.AZURE_CLIENT_ID)).toMatch(moduleOutput('identity', 'clientId'));
    expect(env.HOST).toBe('0.0.0.0');
    expect(env.PORT).toBe('3000');
    expect(Object.keys(env)).not.toContain('COSMOS_KEY');
  });

  it('should take min and max replicas from parameters', () => {
    const scale = (app().properties as { template: { scale: Record<string, unknown> } }).template
      .scale;
    expect(scale.minReplicas).toBe(template.parameters?.webMinReplicas?.defaultValue);
    expect(scale.maxReplicas).toBe(template.parameters?.webMaxReplicas?.defaultValue);
  });
});

describe('outputs', () => {
  it('should name main outputs in UPPER_SNAKE, including what azd and the app need', () => {
    const names = Object.keys(template.outputs ?? {});
    for (const name of names) expect(name).toMatch(/^[A-Z][A-Z0-9]*(_[A-Z0-9]+)*$/);
    expect(names).toEqual(
      expect.arrayContaining([
        'AZURE_CONTAINER_REGISTRY_ENDPOINT',
        'SERVICE_WEB_URI',
        'COSMOS_ENDPOINT',
        'COSMOS_DATABASE',
        'COSMOS_CONTAINER',
      ]),
    );
  });

  it('should hold no secret or key, in main or in any module', () => {
    for (const scope of allScopes(root)) {
      for (const [name, output] of Object.entries(scope.template.outputs ?? {})) {
        expect(output.type.toLowerCase(), name).not.toMatch(/^secure/);
        const value = text(evaluate(output.value, scope));
        expect(value, name).not.toMatch(/\blist\w*\(/i);
        expect(value, name).not.toMatch(/key|secret|password|connectionstring|credential/i);
      }
    }
  });
});
