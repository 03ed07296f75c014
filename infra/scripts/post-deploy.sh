#!/usr/bin/env bash
# Post-deploy step of TenantAtlas Drift: subscribe the detect_drift blob trigger to the
# storage account's Event Grid system topic.
#
# detect_drift is a blob trigger with source=EventGrid. Event Grid delivers BlobCreated events
# of new snapshots to the Functions host's blobs-extension webhook, and that URL must carry the
# host's blobs_extension system key, which only exists once the code is deployed and the host
# has started. So this runs after `az deployment group create` and after publishing the code.
# It is idempotent (it updates the subscription in place): run it once after the first publish,
# and again whenever the blobs_extension key is regenerated.
#
# Usage: infra/scripts/post-deploy.sh -g <resource group> [-n <deployment name>]
#   -g  resource group of the deployment (or $RESOURCE_GROUP)
#   -n  name of the `az deployment group create` run (or $DEPLOYMENT_NAME; default: drift)
# Needs: Azure CLI 2.60+ signed in (`az login`) with rights on the resource group.

set -euo pipefail

FUNCTION_NAME="detect_drift"
SUBSCRIPTION_NAME="detect-drift-snapshots"
SUBJECT_BEGINS_WITH="/blobServices/default/containers/snapshots/"
SUBJECT_ENDS_WITH=".json.gz"
KEY_ATTEMPTS=30
KEY_WAIT_SECONDS=10

resource_group="${RESOURCE_GROUP:-}"
deployment_name="${DEPLOYMENT_NAME:-drift}"

usage() {
  sed -n '/^# Usage:/,/^# Needs:/p' "$0" | sed 's/^# \{0,1\}//'
}

while getopts "g:n:h" option; do
  case "$option" in
    g) resource_group="$OPTARG" ;;
    n) deployment_name="$OPTARG" ;;
    h) usage; exit 0 ;;
    *) usage >&2; exit 2 ;;
  esac
done

if [[ -z "$resource_group" ]]; then
  echo "post-deploy: the resource group is required (-g or RESOURCE_GROUP)" >&2
  usage >&2
  exit 2
fi
if ! command -v az >/dev/null 2>&1; then
  echo "post-deploy: the Azure CLI (az) is not installed" >&2
  exit 2
fi

output() {
  az deployment group show \
    --resource-group "$resource_group" \
    --name "$deployment_name" \
    --query "properties.outputs.$1.value" \
    --output tsv
}

app_name="$(output functionAppName)"
topic_name="$(output eventGridSystemTopicName)"
if [[ -z "$app_name" || -z "$topic_name" ]]; then
  echo "post-deploy: deployment '$deployment_name' in '$resource_group' has no functionAppName/eventGridSystemTopicName output" >&2
  exit 1
fi
app_id="$(az functionapp show --resource-group "$resource_group" --name "$app_name" --query id --output tsv)"
app_host="$(az functionapp show --resource-group "$resource_group" --name "$app_name" --query defaultHostName --output tsv)"

echo "post-deploy: function app $app_name, system topic $topic_name"

# Ask the platform to read the app's triggers (this also starts the host that mints the key).
az rest --method post \
  --url "https://management.azure.com${app_id}/syncfunctiontriggers?api-version=2024-04-01" \
  --output none 2>/dev/null || true

blobs_key=""
for attempt in $(seq 1 "$KEY_ATTEMPTS"); do
  blobs_key="$(az functionapp keys list \
    --resource-group "$resource_group" \
    --name "$app_name" \
    --query "systemKeys.blobs_extension" \
    --output tsv 2>/dev/null || true)"
  if [[ -n "$blobs_key" ]]; then
    break
  fi
  echo "post-deploy: blobs_extension key not there yet (attempt $attempt/$KEY_ATTEMPTS); is the code published?"
  sleep "$KEY_WAIT_SECONDS"
done
if [[ -z "$blobs_key" ]]; then
  echo "post-deploy: no blobs_extension system key on $app_name. Publish the code first" \
       "(func azure functionapp publish $app_name), then run this script again." >&2
  exit 1
fi

endpoint="https://${app_host}/runtime/webhooks/blobs?functionName=Host.Functions.${FUNCTION_NAME}&code=${blobs_key}"

# The key is part of the endpoint: it is passed to az but never printed.
az eventgrid system-topic event-subscription create \
  --resource-group "$resource_group" \
  --system-topic-name "$topic_name" \
  --name "$SUBSCRIPTION_NAME" \
  --endpoint-type webhook \
  --endpoint "$endpoint" \
  --included-event-types Microsoft.Storage.BlobCreated \
  --subject-begins-with "$SUBJECT_BEGINS_WITH" \
  --subject-ends-with "$SUBJECT_ENDS_WITH" \
  --max-delivery-attempts 30 \
  --event-ttl 1440 \
  --output none

echo "post-deploy: Event Grid subscription $SUBSCRIPTION_NAME delivers BlobCreated events of" \
     "${SUBJECT_BEGINS_WITH}*${SUBJECT_ENDS_WITH} to $FUNCTION_NAME"
