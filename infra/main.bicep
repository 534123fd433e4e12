targetScope = 'subscription'

@minLength(1)
@maxLength(64)
@description('Name of the azd environment; part of every resource name and the azd-env-name tag.')
param environmentName string

@minLength(1)
@description('Azure region for all resources.')
@metadata({ azd: { type: 'location' } })
param location string

@description('Object id of the user running azd; given the Cosmos DB data role when set.')
param principalId string = ''

@description('Whether the web container app already exists (azd sets SERVICE_WEB_RESOURCE_EXISTS).')
param webAppExists bool = false

@description('Fewest replicas of the web app; 0 lets it scale to zero when idle.')
@minValue(0)
@maxValue(300)
param webMinReplicas int = 1

@description('Most replicas of the web app.')
@minValue(1)
@maxValue(300)
param webMaxReplicas int = 3

@description('Manual throughput of the Counters container, in RU/s.')
@minValue(400)
param cosmosThroughput int = 400

@description('Use the Cosmos DB free tier (one account per subscription may use it).')
param cosmosEnableFreeTier bool = false

var abbrs = loadJsonContent('abbreviations.json')
var resourceToken = toLower(uniqueString(subscription().id, environmentName, location))
var tags = { 'azd-env-name': environmentName }
var webServiceName = 'web'
var webAppName = '${abbrs.appContainerApps}${webServiceName}-${resourceToken}'
var cosmosDatabaseName = 'CounterDB'
var cosmosContainerName = 'Counters'

resource rg 'Microsoft.Resources/resourceGroups@2025-04-01' = {
  name: '${abbrs.resourcesResourceGroups}${environmentName}'
  location: location
  tags: tags
}

module monitoring 'modules/monitoring.bicep' = {
  name: 'monitoring'
  scope: rg
  params: {
    name: '${abbrs.operationalInsightsWorkspaces}${resourceToken}'
    location: location
    tags: tags
  }
}

module identity 'modules/identity.bicep' = {
  name: 'identity'
  scope: rg
  params: {
    name: '${abbrs.managedIdentityUserAssignedIdentities}${webServiceName}-${resourceToken}'
    location: location
    tags: tags
  }
}

module registry 'modules/registry.bicep' = {
  name: 'registry'
  scope: rg
  params: {
    name: '${abbrs.containerRegistryRegistries}${resourceToken}'
    location: location
    tags: tags
    pullPrincipalId: identity.outputs.principalId
  }
}

module cosmos 'modules/cosmos.bicep' = {
  name: 'cosmos'
  scope: rg
  params: {
    name: '${abbrs.documentDBDatabaseAccounts}${resourceToken}'
    location: location
    tags: tags
    databaseName: cosmosDatabaseName
    containerName: cosmosContainerName
    throughput: cosmosThroughput
    enableFreeTier: cosmosEnableFreeTier
  }
}

module cosmosDataAccess 'modules/cosmos-data-access.bicep' = {
  name: 'cosmos-data-access'
  scope: rg
  params: {
    accountName: cosmos.outputs.name
    appPrincipalId: identity.outputs.principalId
    userPrincipalId: principalId
  }
}

module containerAppsEnvironment 'modules/container-apps-environment.bicep' = {
  name: 'container-apps-environment'
  scope: rg
  params: {
    name: '${abbrs.appManagedEnvironments}${resourceToken}'
    location: location
    tags: tags
    logAnalyticsWorkspaceName: monitoring.outputs.name
  }
}

// On a re-provision, keep the image azd deployed last instead of going back to the placeholder.
resource existingWebApp 'Microsoft.App/containerApps@2025-07-01' existing = if (webAppExists) {
  scope: rg
  name: webAppName
}

module web 'modules/container-app.bicep' = {
  name: 'web'
  scope: rg
  params: {
    name: webAppName
    location: location
    tags: union(tags, { 'azd-service-name': webServiceName })
    environmentId: containerAppsEnvironment.outputs.id
    identityId: identity.outputs.id
    identityClientId: identity.outputs.clientId
    registryLoginServer: registry.outputs.loginServer
    imageName: webAppExists ? existingWebApp!.properties.template.containers[0].image : ''
    minReplicas: webMinReplicas
    maxReplicas: webMaxReplicas
    cosmosEndpoint: cosmos.outputs.endpoint
    cosmosDatabase: cosmos.outputs.databaseName
    cosmosContainer: cosmos.outputs.containerName
  }
}

output AZURE_LOCATION string = location
output AZURE_TENANT_ID string = tenant().tenantId
output AZURE_RESOURCE_GROUP string = rg.name
output AZURE_CONTAINER_REGISTRY_ENDPOINT string = registry.outputs.loginServer
output AZURE_CONTAINER_REGISTRY_NAME string = registry.outputs.name
output AZURE_CONTAINER_APPS_ENVIRONMENT_NAME string = containerAppsEnvironment.outputs.name
output AZURE_COSMOS_ACCOUNT_NAME string = cosmos.outputs.name
output COSMOS_ENDPOINT string = cosmos.outputs.endpoint
output COSMOS_DATABASE string = cosmos.outputs.databaseName
output COSMOS_CONTAINER string = cosmos.outputs.containerName
output SERVICE_WEB_NAME string = web.outputs.name
output SERVICE_WEB_URI string = web.outputs.uri
