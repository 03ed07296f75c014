// Event Grid system topic on the storage account. detect_drift is a blob trigger with
// source=EventGrid: the Functions host does not poll the container, it waits for BlobCreated
// events posted to its blobs-extension webhook. The subscription that posts them needs the
// host's blobs_extension system key, which exists only once the code is deployed, so it is
// created by scripts/post-deploy.sh rather than here.

@description('Name of the system topic.')
param name string

@description('Region of the storage account (a system topic lives where its source does).')
param location string

@description('Name of the storage account the topic publishes events of.')
param storageAccountName string

@description('Tags applied to the topic.')
param tags object = {}

resource storage 'Microsoft.Storage/storageAccounts@2023-05-01' existing = {
  name: storageAccountName
}

resource systemTopic 'Microsoft.EventGrid/systemTopics@2022-06-15' = {
  name: name
  location: location
  tags: tags
  properties: {
    source: storage.id
    topicType: 'Microsoft.Storage.StorageAccounts'
  }
}

output name string = systemTopic.name
output id string = systemTopic.id
