/* Warns an agent before the session ends for inactivity (shared/accounts/session_guard.py).
   The page says how long a session may stay idle; shortly before that, the script asks the server
   how long is really left (another tab may have been used: asking is not activity), shows the
   notice with "Rester connecté" when the end is near, and reloads the page once it has come (the
   server then shows the sign-in page and says why). The button restarts the idle clock. */
(function () {
  "use strict";
  var box = document.getElementById("session-timeout");
  if (!box || !window.fetch) {
    return;
  }
  var idle = Number(box.dataset.idleSeconds);
  var warning = Number(box.dataset.warningSeconds);
  var button = box.querySelector("[data-session-keep-alive]");
  var minutes = box.querySelector("[data-session-minutes]");
  var timer = null;

  function later(seconds, what) {
    window.clearTimeout(timer);
    timer = window.setTimeout(what, Math.max(0, seconds) * 1000);
  }

  function ask(url, options) {
    return fetch(url, Object.assign({ credentials: "same-origin" }, options)).then(
      function (response) {
        if (!response.ok) {
          throw new Error("expired");
        }
        return response.json();
      }
    );
  }

  function show(remaining) {
    var left = Math.max(1, Math.round(remaining / 60));
    minutes.textContent = left + (left > 1 ? " minutes" : " minute");
    if (box.hidden) {
      box.hidden = false;
      button.focus();
    }
  }

  function hide() {
    box.hidden = true;
  }

  function expired() {
    window.location.reload();
  }

  function check() {
    ask(box.dataset.statusUrl, { headers: { Accept: "application/json" } })
      .then(function (state) {
        if (state.expired || state.remaining <= 0) {
          expired();
        } else if (state.remaining > warning) {
          hide();
          later(state.remaining - warning, check);
        } else {
          show(state.remaining);
          later(Math.min(state.remaining + 1, 30), check);
        }
      })
      .catch(expired);
  }

  button.addEventListener("click", function () {
    ask(box.dataset.keepAliveUrl, {
      method: "POST",
      headers: { "X-CSRFToken": box.dataset.csrfToken, Accept: "application/json" },
    })
      .then(function (state) {
        hide();
        later(state.remaining - warning, check);
      })
      .catch(expired);
  });

  later(idle - warning, check);
})();
