// App Service Authentication (AUTH_MODE=easyauth). The platform validates the bearer token of
// every API call against the API app registration, rejects calls without one (401), and hands
// the caller to the app in X-MS-CLIENT-PRINCIPAL; the app checks the Drift.* roles in it.
// No client secret: the API only validates tokens, it never signs users in.
// The blobs-extension webhook is excluded: Event Grid calls it with the host's system key,
// not with a token, and the Functions host checks that key.

@description('Name of the existing function app.')
param appName string

@description('Client id of the API app registration.')
param apiClientId string

@description('Issuer of accepted tokens, e.g. https://login.microsoftonline.com/<tenant id>/v2.0.')
param issuer string

@description('Audiences accepted in the token (aud claim).')
param allowedAudiences array

resource site 'Microsoft.Web/sites@2024-04-01' existing = {
  name: appName
}

resource authSettings 'Microsoft.Web/sites/config@2024-04-01' = {
  parent: site
  name: 'authsettingsV2'
  properties: {
    // checkov:skip=CKV_AZURE_13: The check reads the V1 authsettings shape (properties.enabled); this is authsettingsV2, switched on by platform.enabled below.
    // checkov:skip=CKV_AZURE_63: HTTP logging is a property of the site's web config, not of authsettingsV2; the app logs requests to Application Insights.
    // checkov:skip=CKV_AZURE_65: Detailed error pages are a web-config property that does not exist on authsettingsV2 (and stay off for the app).
    // checkov:skip=CKV_AZURE_66: Failed request tracing is a web-config property that does not exist on authsettingsV2; Application Insights records failed requests.
    // checkov:skip=CKV_AZURE_88: Azure Files mounts are a site property, not part of authsettingsV2; the app keeps its state in blobs and tables.
    // checkov:skip=CKV_AZURE_222: Public network access is a site property, not part of authsettingsV2 (see the skip on the site in functionapp.bicep).
    // checkov:skip=CKV_AZURE_80: .NET Framework version does not apply to authsettingsV2 (nor to a Python app).
    platform: {
      enabled: true
    }
    globalValidation: {
      requireAuthentication: true
      unauthenticatedClientAction: 'Return401'
      excludedPaths: [
        '/runtime/webhooks/blobs'
      ]
    }
    identityProviders: {
      azureActiveDirectory: {
        enabled: true
        registration: {
          clientId: apiClientId
          openIdIssuer: issuer
        }
        validation: {
          allowedAudiences: allowedAudiences
        }
      }
    }
    login: {
      tokenStore: {
        enabled: false
      }
    }
    httpSettings: {
      requireHttps: true
    }
  }
}
