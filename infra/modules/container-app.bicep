@description('Name of the container app.')
param name string

@description('Azure region of the app.')
param location string

@description('Tags applied to the app; they must include azd-service-name.')
param tags object

@description('Resource id of the Container Apps environment.')
param environmentId string

@description('Resource id of the user-assigned identity the app runs as.')
param identityId string

@description('Client id of that identity, given to the app as AZURE_CLIENT_ID.')
param identityClientId string

@description('Login server of the registry the app pulls from with its identity.')
param registryLoginServer string

@description('Image to run; empty for the public placeholder used before the first azd deploy.')
param imageName string = ''

@description('Port the server listens on inside the container.')
param targetPort int = 3000

@description('Fewest replicas; 0 lets the app scale to zero when idle.')
@minValue(0)
@maxValue(300)
param minReplicas int

@description('Most replicas.')
@minValue(1)
@maxValue(300)
param maxReplicas int

@description('Concurrent HTTP requests per replica before another replica is added.')
@minValue(1)
param concurrentRequests int = 100

@description('Cosmos DB endpoint, e.g. https://<account>.documents.azure.com:443/.')
param cosmosEndpoint string

@description('Cosmos DB database name.')
param cosmosDatabase string

@description('Cosmos DB container name.')
param cosmosContainer string

// Until azd deploys the real image, a public sample keeps the revision creatable.
var placeholderImage = 'mcr.microsoft.com/azuredocs/containerapps-helloworld:latest'

resource app 'Microsoft.App/containerApps@2025-07-01' = {
  name: name
  location: location
  tags: tags
  identity: {
    type: 'UserAssigned'
    userAssignedIdentities: {
      '${identityId}': {}
    }
  }
  properties: {
    managedEnvironmentId: environmentId
    configuration: {
      activeRevisionsMode: 'Single'
      ingress: {
        external: true
        targetPort: targetPort
        transport: 'auto'
        allowInsecure: false
      }
      registries: [
        {
          server: registryLoginServer
          identity: identityId
        }
      ]
    }
    template: {
      containers: [
        {
          name: 'web'
          image: empty(imageName) ? placeholderImage : imageName
          resources: {
            cpu: json('0.5')
            memory: '1Gi'
          }
          env: [
            { name: 'COSMOS_ENDPOINT', value: cosmosEndpoint }
            { name: 'COSMOS_DATABASE', value: cosmosDatabase }
            { name: 'COSMOS_CONTAINER', value: cosmosContainer }
            { name: 'AZURE_CLIENT_ID', value: identityClientId }
            { name: 'HOST', value: '0.0.0.0' }
            { name: 'PORT', value: string(targetPort) }
          ]
          // Liveness checks only the process, so a missing data role or identity shows up as
          // "not ready" (503 on /readyz) instead of a restart loop.
          probes: [
            {
              type: 'Startup'
              httpGet: { path: '/healthz', port: targetPort }
              periodSeconds: 3
              failureThreshold: 10
            }
            {
              type: 'Liveness'
              httpGet: { path: '/healthz', port: targetPort }
              periodSeconds: 10
              failureThreshold: 3
            }
            {
              type: 'Readiness'
              httpGet: { path: '/readyz', port: targetPort }
              periodSeconds: 5
              failureThreshold: 3
            }
          ]
        }
      ]
      scale: {
        minReplicas: minReplicas
        maxReplicas: maxReplicas
        rules: [
          {
            name: 'http'
            http: {
              metadata: {
                concurrentRequests: string(concurrentRequests)
              }
            }
          }
        ]
      }
    }
  }
}

output name string = app.name
output uri string = 'https://${app.properties.configuration.ingress.fqdn}'
