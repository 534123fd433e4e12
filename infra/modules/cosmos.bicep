@description('Name of the Cosmos DB account (lowercase, globally unique).')
param name string

@description('Azure region of the account.')
param location string

@description('Tags applied to the account, database and container.')
param tags object

@description('Name of the SQL database.')
param databaseName string

@description('Name of the container that holds counters and their shards.')
param containerName string

@description('Manual throughput of the container, in RU/s.')
@minValue(400)
param throughput int

@description('Use the free tier (one account per subscription may use it).')
param enableFreeTier bool = false

resource account 'Microsoft.DocumentDB/databaseAccounts@2025-10-15' = {
  name: name
  location: location
  tags: tags
  kind: 'GlobalDocumentDB'
  properties: {
    databaseAccountOfferType: 'Standard'
    enableFreeTier: enableFreeTier
    consistencyPolicy: {
      defaultConsistencyLevel: 'Session'
    }
    locations: [
      {
        locationName: location
        failoverPriority: 0
        isZoneRedundant: false
      }
    ]
    // Keyless: data access only through Entra ID and the data-plane role assignments.
    disableLocalAuth: true
    disableKeyBasedMetadataWriteAccess: true
    minimalTlsVersion: 'Tls12'
    publicNetworkAccess: 'Enabled'
  }
}

resource database 'Microsoft.DocumentDB/databaseAccounts/sqlDatabases@2025-10-15' = {
  parent: account
  name: databaseName
  tags: tags
  properties: {
    resource: {
      id: databaseName
    }
  }
}

// Every document of one counter shares pk = counterId (see DESIGN.md, data model).
resource container 'Microsoft.DocumentDB/databaseAccounts/sqlDatabases/containers@2025-10-15' = {
  parent: database
  name: containerName
  tags: tags
  properties: {
    resource: {
      id: containerName
      partitionKey: {
        paths: [
          '/pk'
        ]
        kind: 'Hash'
        version: 2
      }
      // Per-item TTL on, no default expiry: only idempotency records carry a `ttl` of their own.
      defaultTtl: -1
    }
    options: {
      throughput: throughput
    }
  }
}

output name string = account.name
output endpoint string = account.properties.documentEndpoint
output databaseName string = database.name
output containerName string = container.name
