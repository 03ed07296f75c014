// Flex Consumption plan and the function app. The runtime (Python) is set in functionAppConfig,
// not in FUNCTIONS_WORKER_RUNTIME, which Flex Consumption does not accept. The app runs as one
// user-assigned identity: it pulls its package, reaches storage, sends telemetry and resolves
// Key Vault references with it. No connection string, account key or publishing password is
// stored anywhere.

@description('Name of the Flex Consumption plan.')
param planName string

@description('Name of the function app (the <name>.azurewebsites.net host).')
param appName string

@description('Azure region.')
param location string

@description('Tags applied to the plan and the app.')
param tags object = {}

@description('Resource id of the user-assigned managed identity.')
param identityId string

@description('Client id of the user-assigned managed identity.')
param identityClientId string

@description('Name of the storage account (AzureWebJobsStorage).')
param storageAccountName string

@description('Blob endpoint of the storage account, with its trailing slash.')
param blobEndpoint string

@description('Queue endpoint of the storage account.')
param queueEndpoint string

@description('Table endpoint of the storage account.')
param tableEndpoint string

@description('Blob container holding the deployment package.')
param deploymentContainerName string

@description('Application Insights connection string (no secret: local auth is disabled).')
param appInsightsConnectionString string

@description('Python version of the Functions runtime.')
@allowed([
  '3.11'
  '3.12'
])
param pythonVersion string = '3.11'

@description('Upper bound of instances the plan scales out to.')
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

@description('SCAN_SCHEDULE: NCRONTAB schedule of schedule_scans.')
param scanSchedule string = '0 0 */6 * * *'

@description('GRAPH_BASE_URL: root of Microsoft Graph (public cloud by default).')
param graphBaseUrl string = 'https://graph.microsoft.com'

@description('GRAPH_CREDENTIAL_MODE: managed_identity (federated credential, no secret), client_secret or certificate.')
@allowed([
  'managed_identity'
  'client_secret'
  'certificate'
])
param graphCredentialMode string = 'managed_identity'

@description('GRAPH_CLIENT_ID: client id of the multi-tenant Graph app registration.')
param graphClientId string

@description('GRAPH_MAX_CONCURRENCY: concurrent Graph requests per tenant scan.')
@minValue(1)
@maxValue(64)
param graphMaxConcurrency int = 8

@description('GRAPH_REQUEST_BUDGET: Graph operations per 20 s per tenant.')
@minValue(1)
@maxValue(1000)
param graphRequestBudget int = 800

@description('AUDIT_LATENCY_MINUTES: minutes after a change window closes before silent audit logs make a finding unattributed.')
@minValue(0)
@maxValue(10080)
param auditLatencyMinutes int = 30

@description('GRAPH_TIMEOUT_SECONDS: timeout of one Graph request.')
@minValue(1)
@maxValue(300)
param graphTimeoutSeconds int = 30

@description('Versionless Key Vault URI of the HMAC key secret (SECRET_HASH_KEY).')
param secretHashKeyUri string

@description('Versionless Key Vault URI of the Graph client secret (used when graphCredentialMode is client_secret).')
param graphClientSecretUri string

@description('Versionless Key Vault URI of the Graph certificate (used when graphCredentialMode is certificate).')
param graphClientCertificateUri string

@description('AUTH_MODE: easyauth (App Service Authentication validates tokens) or jwt (the app validates them).')
@allowed([
  'easyauth'
  'jwt'
])
param authMode string = 'easyauth'

@description('Client id of the API app registration whose tokens the API accepts.')
param apiClientId string

@description('Issuer of accepted tokens (Easy Auth openIdIssuer and AUTH_JWT_ISSUER).')
param authIssuer string

@description('AUTH_JWT_JWKS_URL: signing keys of the issuer (jwt mode).')
param authJwtJwksUrl string

@description('AUTH_JWT_AUDIENCE: expected audience (jwt mode).')
param authJwtAudience string

@description('Audiences Easy Auth accepts (easyauth mode).')
param easyAuthAllowedAudiences array

@description('CORS_ALLOWED_ORIGINS: comma-separated origins of the portal (none by default).')
param corsAllowedOrigins string = ''

@description('TABLE_NAME_PREFIX: prefix of every table name.')
param tableNamePrefix string = 'drift'

@description('EVENT_RETRY_BASE_SECONDS: first delay before a failed event delivery is retried; doubles each attempt.')
@minValue(1)
@maxValue(3600)
param eventRetryBaseSeconds int = 30

@description('EVENT_MAX_ATTEMPTS: attempts per event delivery before it is marked failed.')
@minValue(5)
@maxValue(20)
param eventMaxAttempts int = 8

@description('PUBLIC_BASE_URL: https origin of the drift page, for links in events (none by default).')
param publicBaseUrl string = ''

// Settings every deployment carries: each required_in_azure entry of shared/settings.py
// plus the identity-based host storage connection and Application Insights with Entra auth.
var baseSettings = [
  {
    name: 'AzureWebJobsStorage__accountName'
    value: storageAccountName
  }
  {
    name: 'AzureWebJobsStorage__blobServiceUri'
    value: blobEndpoint
  }
  {
    name: 'AzureWebJobsStorage__queueServiceUri'
    value: queueEndpoint
  }
  {
    name: 'AzureWebJobsStorage__tableServiceUri'
    value: tableEndpoint
  }
  {
    name: 'AzureWebJobsStorage__credential'
    value: 'managedidentity'
  }
  {
    name: 'AzureWebJobsStorage__clientId'
    value: identityClientId
  }
  {
    name: 'APPLICATIONINSIGHTS_CONNECTION_STRING'
    value: appInsightsConnectionString
  }
  {
    name: 'APPLICATIONINSIGHTS_AUTHENTICATION_STRING'
    value: 'ClientId=${identityClientId};Authorization=AAD'
  }
  {
    name: 'SCAN_SCHEDULE'
    value: scanSchedule
  }
  {
    name: 'BLOB_TRIGGER_SOURCE'
    value: 'EventGrid'
  }
  {
    name: 'GRAPH_BASE_URL'
    value: graphBaseUrl
  }
  {
    name: 'GRAPH_CREDENTIAL_MODE'
    value: graphCredentialMode
  }
  {
    name: 'GRAPH_CLIENT_ID'
    value: graphClientId
  }
  {
    name: 'GRAPH_MANAGED_IDENTITY_CLIENT_ID'
    value: identityClientId
  }
  {
    name: 'GRAPH_MAX_CONCURRENCY'
    value: string(graphMaxConcurrency)
  }
  {
    name: 'GRAPH_REQUEST_BUDGET'
    value: string(graphRequestBudget)
  }
  {
    name: 'AUDIT_LATENCY_MINUTES'
    value: string(auditLatencyMinutes)
  }
  {
    name: 'GRAPH_TIMEOUT_SECONDS'
    value: string(graphTimeoutSeconds)
  }
  {
    name: 'SECRET_HASH_KEY'
    value: '@Microsoft.KeyVault(SecretUri=${secretHashKeyUri})'
  }
  {
    name: 'AUTH_MODE'
    value: authMode
  }
  {
    name: 'CORS_ALLOWED_ORIGINS'
    value: corsAllowedOrigins
  }
  {
    name: 'TABLE_NAME_PREFIX'
    value: tableNamePrefix
  }
  {
    name: 'EVENT_RETRY_BASE_SECONDS'
    value: string(eventRetryBaseSeconds)
  }
  {
    name: 'EVENT_MAX_ATTEMPTS'
    value: string(eventMaxAttempts)
  }
  {
    name: 'PUBLIC_BASE_URL'
    value: publicBaseUrl
  }
]

// Only with a stored Graph credential: a Key Vault reference, never the value.
var clientSecretSettings = (graphCredentialMode == 'client_secret') ? [
  {
    name: 'GRAPH_CLIENT_SECRET'
    value: '@Microsoft.KeyVault(SecretUri=${graphClientSecretUri})'
  }
] : []

var certificateSettings = (graphCredentialMode == 'certificate') ? [
  {
    name: 'GRAPH_CLIENT_CERTIFICATE'
    value: '@Microsoft.KeyVault(SecretUri=${graphClientCertificateUri})'
  }
] : []

// Only when the app validates bearer tokens itself.
var jwtSettings = (authMode == 'jwt') ? [
  {
    name: 'AUTH_JWT_JWKS_URL'
    value: authJwtJwksUrl
  }
  {
    name: 'AUTH_JWT_ISSUER'
    value: authIssuer
  }
  {
    name: 'AUTH_JWT_AUDIENCE'
    value: authJwtAudience
  }
] : []

resource plan 'Microsoft.Web/serverfarms@2024-04-01' = {
  name: planName
  location: location
  tags: tags
  kind: 'functionapp'
  sku: {
    name: 'FC1'
    tier: 'FlexConsumption'
  }
  properties: {
    // checkov:skip=CKV_AZURE_225: Zone redundancy on Flex Consumption keeps at least two always-ready instances per function group, billed around the clock, and only some regions offer it; a scheduled scan that retries from its queue does not need it. Set properties.zoneRedundant where availability matters more than cost.
    reserved: true
  }
}

resource site 'Microsoft.Web/sites@2024-04-01' = {
  name: appName
  location: location
  tags: tags
  kind: 'functionapp,linux'
  identity: {
    type: 'UserAssigned'
    userAssignedIdentities: {
      '${identityId}': {}
    }
  }
  properties: {
    // checkov:skip=CKV_AZURE_222: The API is called by the portal from the internet and Event Grid posts to the blobs-extension webhook, so the app keeps a public endpoint; API calls need an Entra token (Easy Auth or JWT), the webhook the host's system key.
    // checkov:skip=CKV_AZURE_17: Callers authenticate with Entra bearer tokens, not client certificates; requiring certificates would also shut out Event Grid.
    // checkov:skip=CKV_AZURE_212: siteConfig.numberOfWorkers belongs to fixed-size plans; Flex Consumption allocates instances per event (functionAppConfig.scaleAndConcurrency).
    // checkov:skip=CKV_AZURE_213: Flex Consumption does not support the App Service health check feature (there is no fixed instance pool to rotate); failures surface in Application Insights.
    serverFarmId: plan.id
    publicNetworkAccess: 'Enabled'
    httpsOnly: true
    keyVaultReferenceIdentity: identityId
    siteConfig: {
      appSettings: concat(baseSettings, clientSecretSettings, certificateSettings, jwtSettings)
      minTlsVersion: '1.2'
      scmMinTlsVersion: '1.2'
      ftpsState: 'Disabled'
      http20Enabled: true
    }
    functionAppConfig: {
      deployment: {
        storage: {
          type: 'blobContainer'
          value: '${blobEndpoint}${deploymentContainerName}'
          authentication: {
            type: 'UserAssignedIdentity'
            userAssignedIdentityResourceId: identityId
          }
        }
      }
      runtime: {
        name: 'python'
        version: pythonVersion
      }
      scaleAndConcurrency: {
        maximumInstanceCount: maximumInstanceCount
        instanceMemoryMB: instanceMemoryMB
      }
    }
  }
}

// Publishing with a user name and password is off: code is deployed with an Entra token.
resource ftpCredentials 'Microsoft.Web/sites/basicPublishingCredentialsPolicies@2024-04-01' = {
  parent: site
  name: 'ftp'
  properties: {
    allow: false
  }
}

resource scmCredentials 'Microsoft.Web/sites/basicPublishingCredentialsPolicies@2024-04-01' = {
  parent: site
  name: 'scm'
  properties: {
    allow: false
  }
}

// App Service Authentication, only in easyauth mode (see easyauth.bicep).
module easyAuth 'easyauth.bicep' = if (authMode == 'easyauth') {
  name: 'easyauth'
  params: {
    appName: site.name
    apiClientId: apiClientId
    issuer: authIssuer
    allowedAudiences: easyAuthAllowedAudiences
  }
}

output name string = site.name
output id string = site.id
output defaultHostName string = site.properties.defaultHostName
