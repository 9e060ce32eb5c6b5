// Redoc of the API documentation (templates/api/redoc.html): a static file, no inline script.
"use strict";
(function () {
  var container = document.getElementById("redoc-container");
  Redoc.init(container.dataset.schemaUrl, { hideDownloadButton: false }, container);
})();
