/* SMS template editor: live preview while typing, and the "Remplacer par des caractères GSM-7"
 * button without reloading the page. Without this script the page still works: "Prévisualiser"
 * and the replace button submit the form and the server renders the same preview.
 *
 * The text is posted (debounced) to the preview URL of the form, which answers
 * {text, encoding, segments, characters, ucs2_characters, ucs2_labels, error, normalised}.
 */
(function () {
  "use strict";

  var form = document.querySelector("form[data-sms-editor]");
  if (!form || !window.fetch) {
    return;
  }
  var textarea = form.querySelector("textarea[name=text]");
  var csrf = form.querySelector("input[name=csrfmiddlewaretoken]");
  var url = form.getAttribute("data-preview-url");
  var typeId = form.getAttribute("data-appointment-type");
  var byId = function (id) { return document.getElementById(id); };
  var text = byId("apercu-texte");
  var encoding = byId("apercu-encodage");
  var segments = byId("apercu-parties");
  var characters = byId("apercu-caracteres");
  var ucs2 = byId("apercu-ucs2");
  var ucs2List = byId("apercu-ucs2-liste");
  var errorBox = byId("apercu-erreur");
  var normaliseButton = byId("remplacer-gsm7");
  var DELAY_MS = 250;
  var timer = null;
  var sequence = 0;

  function ask(value) {
    var body = new URLSearchParams();
    body.append("text", value);
    body.append("type", typeId);
    body.append("csrfmiddlewaretoken", csrf.value);
    return fetch(url, {
      method: "POST",
      body: body,
      credentials: "same-origin",
      headers: { "X-CSRFToken": csrf.value, Accept: "application/json" },
    }).then(function (response) {
      if (!response.ok) {
        throw new Error("HTTP " + response.status);
      }
      return response.json();
    });
  }

  function showText(value, forcing) {
    var flagged = new Set(forcing);
    text.textContent = "";
    var run = "";
    var runFlagged = false;
    function flush() {
      if (!run) {
        return;
      }
      if (runFlagged) {
        var mark = document.createElement("mark");
        mark.textContent = run;
        text.appendChild(mark);
      } else {
        text.appendChild(document.createTextNode(run));
      }
      run = "";
    }
    Array.from(value).forEach(function (char) {
      var isFlagged = flagged.has(char);
      if (isFlagged !== runFlagged) {
        flush();
        runFlagged = isFlagged;
      }
      run += char;
    });
    flush();
  }

  function show(data) {
    showText(data.text, data.ucs2_characters);
    encoding.textContent = data.encoding;
    segments.textContent = String(data.segments);
    characters.textContent = String(data.characters);
    ucs2List.textContent = "";
    data.ucs2_labels.forEach(function (label) {
      var item = document.createElement("li");
      item.textContent = label;
      ucs2List.appendChild(item);
    });
    ucs2.hidden = data.ucs2_characters.length === 0;
    var cost = byId("apercu-cout");
    if (cost) {
      cost.textContent =
        "Ce SMS partira en UCS-2 : " + data.segments + " SMS par envoi" +
        (data.gsm7_segments ? ", au lieu de " + data.gsm7_segments + " en caractères GSM-7" : "") +
        ".";
    }
    errorBox.textContent = "";
    if (data.error) {
      var message = document.createElement("p");
      message.className = "fr-error-text";
      message.textContent = data.error;
      errorBox.appendChild(message);
    }
    errorBox.hidden = !data.error;
  }

  function refresh() {
    var mine = ++sequence;
    return ask(textarea.value).then(function (data) {
      if (mine === sequence) {
        show(data);
      }
      return data;
    });
  }

  textarea.addEventListener("input", function () {
    window.clearTimeout(timer);
    timer = window.setTimeout(refresh, DELAY_MS);
  });

  if (normaliseButton) {
    normaliseButton.addEventListener("click", function (event) {
      event.preventDefault();
      window.clearTimeout(timer);
      ask(textarea.value).then(function (data) {
        textarea.value = data.normalised;
        textarea.focus();
        return refresh();
      }).catch(function () {
        form.requestSubmit(normaliseButton);
      });
    });
  }
})();
