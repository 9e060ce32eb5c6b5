// Swagger UI of the API documentation (templates/api/swagger_ui.html): a static file, so that
// the page runs under the platform's Content-Security-Policy (no inline script).
"use strict";
(function () {
  var container = document.getElementById("swagger-ui");
  var csrfHeader = container.dataset.csrfHeader;
  var csrfToken = container.dataset.csrfToken;
  window.ui = SwaggerUIBundle({
    url: container.dataset.schemaUrl,
    dom_id: "#swagger-ui",
    presets: [SwaggerUIBundle.presets.apis],
    layout: "BaseLayout",
    deepLinking: true,
    // Agents signed in on this host try the API with their session: writes need the CSRF token.
    requestInterceptor: function (request) {
      if (request.method && request.method !== "GET" && csrfHeader) {
        request.headers[csrfHeader] = csrfToken;
      }
      return request;
    },
  });
})();
