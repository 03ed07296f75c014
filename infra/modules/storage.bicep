// The app's one storage account: Functions host state, the Flex deployment package, the
// snapshot and template blobs, the scan and alignment queues and the drift tables. Shared-key (account key and SAS) access
// is disabled, so every caller, the function app included, authenticates with Entra ID.

@description('Storage account name: 3-24 lowercase letters and digits, globally unique.')
@minLength(3)
@maxLength(24)
param name string

@description('Azure region.')
param location string

@description('Replication. Geo-redundant by default: the snapshots are the drift history.')
@allowed([
  'Standard_LRS'
  'Standard_ZRS'
  'Standard_GRS'
  'Standard_GZRS'
  'Standard_RAGRS'
  'Standard_RAGZRS'
])
param skuName string = 'Standard_GRS'

@description('Blob container holding snapshots/{tenantId}/{runId}.json.gz.')
param snapshotContainerName string = 'snapshots'

@description('Blob container holding templates/{templateId}/v{version}-{suffix}.json.gz (frozen template versions).')
param templateContainerName string = 'templates'

@description('Blob container the Flex Consumption plan deploys the app package from.')
param deploymentContainerName string

@description('Queue of tenant scans (the host creates and uses <name>-poison as well).')
param scanQueueName string = 'tenant-scans'

@description('Queue of alignment requests (a completed scan or a new template version; <name>-poison too).')
param alignmentQueueName string = 'tenant-alignments'
@description('Queue of drift event deliveries, one message per event and subscription (and <name>-poison).')
param eventQueueName string = 'drift-events'
@description('Queue of relay requests: send the pending drift events of a tenant (its outbox) to subscriptions (and <name>-poison).')
param relayQueueName string = 'drift-relay'

@description('Prefix of every table name (TABLE_NAME_PREFIX).')
param tableNamePrefix string = 'drift'

@description('Days a deleted blob or container can be restored.')
@minValue(1)
@maxValue(365)
param softDeleteDays int = 7

@description('Tags applied to the account.')
param tags object = {}

// Table names the app uses, without the prefix.
var tableSuffixes = [
  'tenants'
  'runs'
  'locks'
  'findings'
  'history'
  'summaries'
  'baselines'
  'templates'
  'templateassignments'
  'alignments'
  'subscriptions'
  'deliveries'
  'definitions'
]

var queueNames = [
  scanQueueName
  '${scanQueueName}-poison'
  alignmentQueueName
  '${alignmentQueueName}-poison'
  eventQueueName
  '${eventQueueName}-poison'
  relayQueueName
  '${relayQueueName}-poison'
]

var containerNames = [
  snapshotContainerName
  templateContainerName
  deploymentContainerName
]

resource storage 'Microsoft.Storage/storageAccounts@2023-05-01' = {
  name: name
  location: location
  tags: tags
  kind: 'StorageV2'
  sku: {
    name: skuName
  }
  properties: {
    // checkov:skip=CKV_AZURE_35: The Flex Consumption app has no VNet integration in this template, so the firewall must let it in; every request still needs an Entra token (shared keys are disabled).
    // checkov:skip=CKV_AZURE_59: Same reason as CKV_AZURE_35: without a VNet the app and Event Grid reach storage over its public endpoint, authenticated with Entra ID only; blob anonymous access stays off.
    accessTier: 'Hot'
    allowSharedKeyAccess: false
    defaultToOAuthAuthentication: true
    allowBlobPublicAccess: false
    allowCrossTenantReplication: false
    supportsHttpsTrafficOnly: true
    minimumTlsVersion: 'TLS1_2'
    publicNetworkAccess: 'Enabled'
    networkAcls: {
      bypass: 'AzureServices'
      defaultAction: 'Allow'
    }
  }
}

resource blobService 'Microsoft.Storage/storageAccounts/blobServices@2023-05-01' = {
  parent: storage
  name: 'default'
  properties: {
    deleteRetentionPolicy: {
      enabled: true
      days: softDeleteDays
    }
    containerDeleteRetentionPolicy: {
      enabled: true
      days: softDeleteDays
    }
  }
}

resource containers 'Microsoft.Storage/storageAccounts/blobServices/containers@2023-05-01' = [for containerName in containerNames: {
  parent: blobService
  name: containerName
  properties: {
    publicAccess: 'None'
  }
}]

resource queueService 'Microsoft.Storage/storageAccounts/queueServices@2023-05-01' = {
  parent: storage
  name: 'default'
}

resource queues 'Microsoft.Storage/storageAccounts/queueServices/queues@2023-05-01' = [for queueName in queueNames: {
  parent: queueService
  name: queueName
}]

resource tableService 'Microsoft.Storage/storageAccounts/tableServices@2023-05-01' = {
  parent: storage
  name: 'default'
}

resource tables 'Microsoft.Storage/storageAccounts/tableServices/tables@2023-05-01' = [for suffix in tableSuffixes: {
  parent: tableService
  name: '${tableNamePrefix}${suffix}'
}]

output id string = storage.id
output name string = storage.name
output blobEndpoint string = storage.properties.primaryEndpoints.blob
output queueEndpoint string = storage.properties.primaryEndpoints.queue
output tableEndpoint string = storage.properties.primaryEndpoints.table
