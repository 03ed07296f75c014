// Key Vault in RBAC mode (no access policies) for the app's secrets: the HMAC key behind
// SECRET_HASH_KEY and, only when Graph is reached with a client secret or certificate instead
// of the managed identity, that credential. The function app reads them as Key Vault
// references resolved with its user-assigned identity (Key Vault Secrets User, roles.bicep).
//
// A secret is written only when its value is passed to the deployment. Pass SECRET_HASH_KEY
// once, on the first deployment, and leave it out afterwards: a new value would change every
// keyed hash and show every secret-valued setting as drifted.

@description('Key Vault name: 3-24 letters, digits and hyphens, globally unique.')
@minLength(3)
@maxLength(24)
param name string

@description('Azure region.')
param location string

@description('Days a deleted vault or secret can be recovered.')
@minValue(7)
@maxValue(90)
param softDeleteRetentionInDays int = 90

@description('HMAC key for keyed hashes of secret values. Empty leaves the stored secret as it is.')
@secure()
param secretHashKey string = ''

@description('Client secret of the Graph app registration. Empty leaves the stored secret as it is.')
@secure()
param graphClientSecret string = ''

@description('Base64 PEM or PFX of the Graph certificate. Empty leaves the stored secret as it is.')
@secure()
param graphClientCertificate string = ''

@description('Tags applied to the vault.')
param tags object = {}

var secretNames = {
  secretHashKey: 'secret-hash-key'
  graphClientSecret: 'graph-client-secret'
  graphClientCertificate: 'graph-client-certificate'
}

resource vault 'Microsoft.KeyVault/vaults@2023-07-01' = {
  name: name
  location: location
  tags: tags
  properties: {
    // checkov:skip=CKV_AZURE_109: No VNet in this template: the app resolves Key Vault references over the public endpoint, so the firewall allows it; data access still needs an Entra token and an RBAC role.
    // checkov:skip=CKV_AZURE_189: Same reason as CKV_AZURE_109: public network access stays on for the app without VNet integration; only RBAC-authorized identities can read secrets.
    tenantId: tenant().tenantId
    sku: {
      family: 'A'
      name: 'standard'
    }
    enableRbacAuthorization: true
    enableSoftDelete: true
    softDeleteRetentionInDays: softDeleteRetentionInDays
    enablePurgeProtection: true
    enabledForDeployment: false
    enabledForDiskEncryption: false
    enabledForTemplateDeployment: false
    publicNetworkAccess: 'Enabled'
    networkAcls: {
      bypass: 'AzureServices'
      defaultAction: 'Allow'
    }
  }
}

module hashKeySecret 'kvsecret.bicep' = if (!empty(secretHashKey)) {
  name: 'secret-hash-key'
  params: {
    vaultName: vault.name
    name: secretNames.secretHashKey
    value: secretHashKey
  }
}

module clientSecret 'kvsecret.bicep' = if (!empty(graphClientSecret)) {
  name: 'graph-client-secret'
  params: {
    vaultName: vault.name
    name: secretNames.graphClientSecret
    value: graphClientSecret
  }
}

module clientCertificate 'kvsecret.bicep' = if (!empty(graphClientCertificate)) {
  name: 'graph-client-certificate'
  params: {
    vaultName: vault.name
    name: secretNames.graphClientCertificate
    value: graphClientCertificate
  }
}

output id string = vault.id
output name string = vault.name
output secretHashKeyUri string = '${vault.properties.vaultUri}secrets/${secretNames.secretHashKey}'
output graphClientSecretUri string = '${vault.properties.vaultUri}secrets/${secretNames.graphClientSecret}'
output graphClientCertificateUri string = '${vault.properties.vaultUri}secrets/${secretNames.graphClientCertificate}'
