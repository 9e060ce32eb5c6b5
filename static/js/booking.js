/* The booking page on one screen (templates/scheduling/book.html): without JavaScript the
   choices form is sent with "Afficher les créneaux" and the page comes back narrowed. Here, a
   change of type, place or agenda, a quick type button and the "Créneaux suivants/précédents"
   links fetch the same page with ?fragment=1 and swap the [data-booking-area] part in place.
   What the agent already entered in the booking form (slot, SMS, case numbers, agent) is kept
   when the new part still has the same field; focus stays on the control that was used. */
(function () {
  "use strict";
  var area = document.querySelector("[data-booking-area]");
  if (!area || !window.fetch || !window.URLSearchParams) {
    return;
  }
  var status = document.getElementById("reservation-statut");
  var pending = null;
  var errors = document.getElementById("erreurs");
  if (errors) {
    errors.focus(); // the summary of what to correct is read first
  }

  function entered() {
    var values = [];
    area.querySelectorAll("form[method=post] input, form[method=post] select").forEach(
      function (field) {
        if (field.type === "hidden" || !field.id) {
          return;
        }
        if (field.type === "radio" || field.type === "checkbox") {
          if (field.checked) {
            values.push({ id: field.id, checked: true });
          }
        } else if (field.value) {
          values.push({ id: field.id, value: field.value });
        }
      }
    );
    return values;
  }

  function restore(values) {
    values.forEach(function (saved) {
      var field = document.getElementById(saved.id);
      if (!field || !area.contains(field)) {
        return;
      }
      if (saved.checked) {
        field.checked = true;
      } else if (field.tagName === "SELECT") {
        if (field.querySelector('option[value="' + CSS.escape(saved.value) + '"]')) {
          field.value = saved.value;
        }
      } else {
        field.value = saved.value;
      }
    });
  }

  function swap(html) {
    var hadFocus = area.contains(document.activeElement);
    var focused = hadFocus ? document.activeElement.id : "";
    var values = entered();
    area.innerHTML = html;
    restore(values);
    var target = (focused && document.getElementById(focused)) ||
      (hadFocus && area.querySelector("#creneaux input, #choix-type"));
    if (target) {
      target.focus();
    }
    var summary = area.querySelector("[data-booking-summary]");
    if (status && summary) {
      status.textContent = summary.getAttribute("data-booking-summary");
    }
  }

  function refresh(url) {
    if (pending) {
      pending.abort();
    }
    pending = new AbortController();
    var fragmentUrl = new URL(url, window.location.href);
    fragmentUrl.searchParams.set("fragment", "1");
    area.setAttribute("aria-busy", "true");
    fetch(fragmentUrl.toString(), {
      credentials: "same-origin",
      headers: { "X-Requested-With": "fetch" },
      signal: pending.signal,
    })
      .then(function (response) {
        if (!response.ok) {
          throw new Error("HTTP " + response.status);
        }
        return response.text();
      })
      .then(function (html) {
        area.removeAttribute("aria-busy");
        swap(html);
        window.history.replaceState(null, "", url);
      })
      .catch(function (error) {
        if (error.name !== "AbortError") {
          window.location.assign(url); // the page itself works without this script
        }
      });
  }

  function choicesUrl(form, submitter) {
    var params = new URLSearchParams(new FormData(form));
    if (submitter && submitter.name) {
      params.append(submitter.name, submitter.value);
    }
    return form.getAttribute("action") + "?" + params.toString();
  }

  area.addEventListener("change", function (event) {
    var select = event.target;
    if (select.matches("select[data-booking-refresh]") && select.form) {
      refresh(choicesUrl(select.form));
    }
  });
  area.addEventListener("submit", function (event) {
    var form = event.target;
    if (form.matches("form[data-booking-choices]")) {
      event.preventDefault();
      // a quick type button: its select takes the value, so that a choice made before the
      // answer comes back is sent with it
      var submitter = event.submitter;
      var select = submitter && submitter.name && form.querySelector(
        'select[name="' + submitter.name + '"]'
      );
      if (select) {
        select.value = submitter.value;
        submitter = null;
      }
      refresh(choicesUrl(form, submitter));
    }
  });
  area.addEventListener("click", function (event) {
    var link = event.target.closest("a[data-booking-nav]");
    if (link && !event.ctrlKey && !event.metaKey && !event.shiftKey) {
      event.preventDefault();
      refresh(link.href);
    }
  });
})();
