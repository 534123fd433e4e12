@description('Name of the existing Cosmos DB account.')
param accountName string

@description('Principal id (object id, not client id) of the app\'s managed identity.')
param appPrincipalId string

@description('Principal id of the deploying user; empty to skip their assignment.')
param userPrincipalId string = ''

// Built-in Cosmos DB data-plane role: Data Contributor (read and write items).
var dataContributorRoleId = '00000000-0000-0000-0000-000000000002'

resource account 'Microsoft.DocumentDB/databaseAccounts@2025-10-15' existing = {
  name: accountName
}

resource dataContributor 'Microsoft.DocumentDB/databaseAccounts/sqlRoleDefinitions@2025-10-15' existing = {
  parent: account
  name: dataContributorRoleId
}

// Names come from guid() over stable inputs, so a second provision finds the same assignment.
resource appAssignment 'Microsoft.DocumentDB/databaseAccounts/sqlRoleAssignments@2025-10-15' = {
  parent: account
  name: guid(account.id, appPrincipalId, dataContributorRoleId)
  properties: {
    principalId: appPrincipalId
    roleDefinitionId: dataContributor.id
    scope: account.id
  }
}

resource userAssignment 'Microsoft.DocumentDB/databaseAccounts/sqlRoleAssignments@2025-10-15' = if (!empty(userPrincipalId)) {
  parent: account
  name: guid(account.id, userPrincipalId, dataContributorRoleId)
  properties: {
    principalId: userPrincipalId
    roleDefinitionId: dataContributor.id
    scope: account.id
  }
}
