// One Key Vault secret. keyvault.bicep calls this module only when a value is passed, so a
// deployment without the value leaves the stored secret untouched.

@description('Name of the existing Key Vault.')
param vaultName string

@description('Name of the secret.')
param name string

@description('Value of the secret.')
@secure()
param value string

resource vault 'Microsoft.KeyVault/vaults@2023-07-01' existing = {
  name: vaultName
}

resource secret 'Microsoft.KeyVault/vaults/secrets@2023-07-01' = {
  parent: vault
  name: name
  properties: {
    // checkov:skip=CKV_AZURE_41: These secrets are long-lived on purpose: the HMAC key must stay stable for hashes to compare across snapshots, and a Graph secret or certificate expires in Entra ID itself; a second expiry here would only stop the app early.
    value: value
    contentType: 'text/plain'
  }
}
