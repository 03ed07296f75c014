// The one user-assigned managed identity of the app. It reaches storage, Application Insights
// and Key Vault through the role assignments in roles.bicep, and is the federated credential
// of the multi-tenant Graph app registration (see README.md, Deploy to Azure).

@description('Name of the user-assigned managed identity.')
param name string

@description('Azure region.')
param location string

@description('Tags applied to the identity.')
param tags object = {}

resource identity 'Microsoft.ManagedIdentity/userAssignedIdentities@2023-01-31' = {
  name: name
  location: location
  tags: tags
}

output id string = identity.id
output name string = identity.name
output clientId string = identity.properties.clientId
output principalId string = identity.properties.principalId
