// The API documentation page: Swagger UI (served from static/, no CDN) on the OpenAPI document.
"use strict";

(function () {
  const element = document.getElementById("swagger-ui");
  if (!element || typeof SwaggerUIBundle === "undefined") {
    return;
  }
  window.riskregApiDocs = SwaggerUIBundle({
    url: element.dataset.schemaUrl,
    domNode: element,
    presets: [SwaggerUIBundle.presets.apis],
    layout: "BaseLayout",
    deepLinking: false,
    displayRequestDuration: true,
    persistAuthorization: false,
    // The schema comes with the staff session; calls the page tries carry only the token.
    requestInterceptor: (request) => {
      if (request.url !== element.dataset.schemaUrl && !request.loadSpec) {
        request.credentials = "omit";
      }
      return request;
    },
  });
})();
