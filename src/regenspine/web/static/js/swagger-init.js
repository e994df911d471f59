// Starts Swagger UI for this app's OpenAPI document. A static file, not an inline script, so the
// Content-Security-Policy can forbid inline scripts; the validator badge is off because it would
// send the document to an outside service.
(function () {
  "use strict";
  var root = document.getElementById("swagger-ui");
  window.ui = SwaggerUIBundle({
    url: root.getAttribute("data-openapi-url"),
    dom_id: "#swagger-ui",
    presets: [SwaggerUIBundle.presets.apis],
    layout: "BaseLayout",
    deepLinking: true,
    validatorUrl: null,
  });
})();
