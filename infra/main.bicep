// TenantAtlas Drift: everything the function app needs in one resource group.
//
//   az deployment group create -g <rg> -f infra/main.bicep -p infra/main.parameters.json ...
//
// Then publish the code and run infra/scripts/post-deploy.sh (README.md, Deploy to Azure walks through it).
// Nothing here holds a shared key or a stored secret where an identity will do: storage
// refuses shared keys, Application Insights refuses instrumentation-key ingestion, Graph is
// reached through the managed identity as a federated credential, and the only secret the
// app needs (the HMAC key) lives in Key Vault behind an RBAC role.

targetScope = 'resourceGroup'

@description('Short name used in every resource name: 3-11 lowercase letters and digits.')
@minLength(3)
@maxLength(11)
param baseName string = 'drift'

@description('Azure region of every resource; it must offer the Flex Consumption plan.')
param location string = resourceGroup().location

@description('Tags applied to every resource.')
param tags object = {}

@description('Python version of the Functions runtime.')
@allowed([
  '3.11'
  '3.12'
])
param pythonVersion string = '3.11'

@description('Upper bound of instances the Flex Consumption plan scales out to.')
@minValue(40)
@maxValue(1000)
param maximumInstanceCount int = 40

@description('Memory of each instance in MB.')
@allowed([
  512
  2048
  4096
])
param instanceMemoryMB int = 2048

@description('Replication of the storage account.')
@allowed([
  'Standard_LRS'
  'Standard_ZRS'
  'Standard_GRS'
  'Standard_GZRS'
  'Standard_RAGRS'
  'Standard_RAGZRS'
])
param storageSku string = 'Standard_GRS'

@description('Client id of the multi-tenant Graph app registration (GRAPH_CLIENT_ID).')
@minLength(36)
@maxLength(36)
param graphClientId string

@description('How the app authenticates to Graph (GRAPH_CREDENTIAL_MODE). managed_identity needs no secret.')
@allowed([
  'managed_identity'
  'client_secret'
  'certificate'
])
param graphCredentialMode string = 'managed_identity'

@description('Root of Microsoft Graph (GRAPH_BASE_URL), e.g. https://graph.microsoft.us for GCC High.')
param graphBaseUrl string = 'https://graph.microsoft.com'

@description('NCRONTAB schedule of the scan scheduler (SCAN_SCHEDULE).')
param scanSchedule string = '0 0 */6 * * *'

@description('Concurrent Graph requests per tenant scan (GRAPH_MAX_CONCURRENCY).')
@minValue(1)
@maxValue(64)
param graphMaxConcurrency int = 8

@description('Graph operations per 20 s per tenant (GRAPH_REQUEST_BUDGET).')
@minValue(1)
@maxValue(1000)
param graphRequestBudget int = 800

@description('Minutes after a change window closes before silent audit logs make a finding unattributed (AUDIT_LATENCY_MINUTES).')
@minValue(0)
@maxValue(10080)
param auditLatencyMinutes int = 30

@description('Timeout of one Graph request in seconds (GRAPH_TIMEOUT_SECONDS).')
@minValue(1)
@maxValue(300)
param graphTimeoutSeconds int = 30

@description('How the API authenticates callers (AUTH_MODE): easyauth or jwt.')
@allowed([
  'easyauth'
  'jwt'
])
param authMode string = 'easyauth'

@description('Client id of the API app registration (the one with the Drift.* app roles).')
@minLength(36)
@maxLength(36)
param apiClientId string

@description('Issuer of accepted tokens. Empty: the v2.0 issuer of this subscription\'s tenant.')
param authJwtIssuer string = ''

@description('JWKS URL of the issuer (AUTH_JWT_JWKS_URL). Empty: the keys of this subscription\'s tenant.')
param authJwtJwksUrl string = ''

@description('Expected token audience (AUTH_JWT_AUDIENCE). Empty: apiClientId.')
param authJwtAudience string = ''

@description('Comma-separated origins allowed to call the API, e.g. the portal (CORS_ALLOWED_ORIGINS).')
param corsAllowedOrigins string = ''

@description('Prefix of every table name (TABLE_NAME_PREFIX).')
param tableNamePrefix string = 'drift'

@description('First delay in seconds before a failed event delivery is retried; doubles each attempt (EVENT_RETRY_BASE_SECONDS).')
@minValue(1)
@maxValue(3600)
param eventRetryBaseSeconds int = 30

@description('Attempts per event delivery before it is marked failed (EVENT_MAX_ATTEMPTS).')
@minValue(5)
@maxValue(20)
param eventMaxAttempts int = 8

@description('https origin the drift page is reached at, for links in events (PUBLIC_BASE_URL). Empty: events carry no link.')
param publicBaseUrl string = ''

@description('HMAC key for SECRET_HASH_KEY. Pass on the first deployment only; empty keeps the stored one.')
@secure()
param secretHashKey string = ''

@description('Graph client secret, only with graphCredentialMode=client_secret. Empty keeps the stored one.')
@secure()
param graphClientSecret string = ''

@description('Base64 PEM or PFX, only with graphCredentialMode=certificate. Empty keeps the stored one.')
@secure()
param graphClientCertificate string = ''

var token = toLower(take(uniqueString(subscription().id, resourceGroup().id, baseName), 10))
var loginEndpoint = environment().authentication.loginEndpoint
var homeTenantIssuer = '${loginEndpoint}${tenant().tenantId}/v2.0'
var issuer = empty(authJwtIssuer) ? homeTenantIssuer : authJwtIssuer
var jwksUrl = empty(authJwtJwksUrl) ? '${loginEndpoint}${tenant().tenantId}/discovery/v2.0/keys' : authJwtJwksUrl
var audience = empty(authJwtAudience) ? apiClientId : authJwtAudience

var names = {
  identity: 'id-${baseName}-${token}'
  storage: 'st${baseName}${token}'
  workspace: 'log-${baseName}-${token}'
  appInsights: 'appi-${baseName}-${token}'
  keyVault: 'kv${baseName}${token}'
  plan: 'plan-${baseName}-${token}'
  functionApp: 'func-${baseName}-${token}'
  systemTopic: 'evgt-${baseName}-${token}'
}

var deploymentContainerName = 'app-package-${baseName}-${token}'

module identity 'modules/identity.bicep' = {
  name: 'identity'
  params: {
    name: names.identity
    location: location
    tags: tags
  }
}

module monitoring 'modules/monitoring.bicep' = {
  name: 'monitoring'
  params: {
    workspaceName: names.workspace
    appInsightsName: names.appInsights
    location: location
    tags: tags
  }
}

module storage 'modules/storage.bicep' = {
  name: 'storage'
  params: {
    name: names.storage
    location: location
    skuName: storageSku
    snapshotContainerName: 'snapshots'
    templateContainerName: 'templates'
    deploymentContainerName: deploymentContainerName
    scanQueueName: 'tenant-scans'
    alignmentQueueName: 'tenant-alignments'
    eventQueueName: 'drift-events'
    relayQueueName: 'drift-relay'
    tableNamePrefix: tableNamePrefix
    tags: tags
  }
}

module keyVault 'modules/keyvault.bicep' = {
  name: 'keyvault'
  params: {
    name: names.keyVault
    location: location
    secretHashKey: secretHashKey
    graphClientSecret: graphClientSecret
    graphClientCertificate: graphClientCertificate
    tags: tags
  }
}

module eventGrid 'modules/eventgrid.bicep' = {
  name: 'eventgrid'
  params: {
    name: names.systemTopic
    location: location
    storageAccountName: storage.outputs.name
    tags: tags
  }
}

module roles 'modules/roles.bicep' = {
  name: 'roles'
  params: {
    principalId: identity.outputs.principalId
    storageAccountName: storage.outputs.name
    appInsightsName: monitoring.outputs.appInsightsName
    keyVaultName: keyVault.outputs.name
  }
}

module functionApp 'modules/functionapp.bicep' = {
  name: 'functionapp'
  params: {
    planName: names.plan
    appName: names.functionApp
    location: location
    tags: tags
    identityId: identity.outputs.id
    identityClientId: identity.outputs.clientId
    storageAccountName: storage.outputs.name
    blobEndpoint: storage.outputs.blobEndpoint
    queueEndpoint: storage.outputs.queueEndpoint
    tableEndpoint: storage.outputs.tableEndpoint
    deploymentContainerName: deploymentContainerName
    appInsightsConnectionString: monitoring.outputs.connectionString
    pythonVersion: pythonVersion
    maximumInstanceCount: maximumInstanceCount
    instanceMemoryMB: instanceMemoryMB
    scanSchedule: scanSchedule
    graphBaseUrl: graphBaseUrl
    graphCredentialMode: graphCredentialMode
    graphClientId: graphClientId
    graphMaxConcurrency: graphMaxConcurrency
    graphRequestBudget: graphRequestBudget
    auditLatencyMinutes: auditLatencyMinutes
    graphTimeoutSeconds: graphTimeoutSeconds
    secretHashKeyUri: keyVault.outputs.secretHashKeyUri
    graphClientSecretUri: keyVault.outputs.graphClientSecretUri
    graphClientCertificateUri: keyVault.outputs.graphClientCertificateUri
    authMode: authMode
    apiClientId: apiClientId
    authIssuer: issuer
    authJwtJwksUrl: jwksUrl
    authJwtAudience: audience
    easyAuthAllowedAudiences: [
      apiClientId
      'api://${apiClientId}'
    ]
    corsAllowedOrigins: corsAllowedOrigins
    tableNamePrefix: tableNamePrefix
    eventRetryBaseSeconds: eventRetryBaseSeconds
    eventMaxAttempts: eventMaxAttempts
    publicBaseUrl: publicBaseUrl
  }
  // The app must be able to read its package, storage and Key Vault from its first start.
  dependsOn: [
    roles
  ]
}

output resourceGroupName string = resourceGroup().name
output functionAppName string = functionApp.outputs.name
output functionAppUrl string = 'https://${functionApp.outputs.defaultHostName}'
output storageAccountName string = storage.outputs.name
output keyVaultName string = keyVault.outputs.name
output eventGridSystemTopicName string = eventGrid.outputs.name
output identityClientId string = identity.outputs.clientId
output identityPrincipalId string = identity.outputs.principalId
// Values of the federated credential to add to the Graph app registration (README.md, Deploy to Azure).
output federatedCredentialIssuer string = homeTenantIssuer
output federatedCredentialSubject string = identity.outputs.principalId
output federatedCredentialAudience string = 'api://AzureADTokenExchange'
