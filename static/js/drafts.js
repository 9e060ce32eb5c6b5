/* Keeps what is typed in a form marked data-keep-draft="<key>" in this tab's sessionStorage
   (never on the server), so that a session that expires, or a page left by mistake, loses
   nothing. Passwords, codes, CSRF tokens, hidden and file inputs are never kept.

   - Each change of a marked form saves its fields under the key and the page's path.
   - Sending the form marks the draft "sent". On the next page the draft is dropped (the server
     has it: saved, or shown back with what to correct), unless that page says the session had
     expired (an element [data-session-expired], components/messages.html): then the draft stays.
   - Opening a marked form with a draft puts the draft back and says so, with a button to forget
     it ("Effacer ma saisie").
   - Signing out (a form [data-drafts-clear], or one sent to a .../logout/ or .../deconnexion/
     address) forgets every draft of the tab. */
(function () {
  "use strict";
  var PREFIX = "brouillon:";
  var NEVER_TYPES = ["password", "hidden", "file", "submit", "button", "reset", "image"];
  var NEVER_NAMES = /^(csrfmiddlewaretoken|password\d?|code|otp|token)$/i;
  var NEVER_AUTOCOMPLETE = ["one-time-code", "current-password", "new-password"];
  var store;
  try {
    store = window.sessionStorage;
    store.setItem(PREFIX + "test", "1");
    store.removeItem(PREFIX + "test");
  } catch (error) {
    return; // storage refused (private mode, settings): the forms work as before
  }

  function keyOf(form) {
    return PREFIX + form.dataset.keepDraft + "@" + window.location.pathname;
  }

  function read(key) {
    try {
      return JSON.parse(store.getItem(key));
    } catch (error) {
      return null;
    }
  }

  function write(key, draft) {
    try {
      store.setItem(key, JSON.stringify(draft));
    } catch (error) {
      // storage full: nothing kept, nothing broken
    }
  }

  function draftKeys() {
    var keys = [];
    for (var i = 0; i < store.length; i += 1) {
      var key = store.key(i);
      if (key && key.indexOf(PREFIX) === 0) {
        keys.push(key);
      }
    }
    return keys;
  }

  function clearAll() {
    draftKeys().forEach(function (key) {
      store.removeItem(key);
    });
  }

  function keptFields(form) {
    return Array.prototype.filter.call(form.elements, function (field) {
      var type = (field.type || "").toLowerCase();
      return (
        field.name &&
        !field.disabled &&
        field.tagName !== "BUTTON" &&
        field.tagName !== "FIELDSET" &&
        NEVER_TYPES.indexOf(type) < 0 &&
        !NEVER_NAMES.test(field.name) &&
        NEVER_AUTOCOMPLETE.indexOf((field.getAttribute("autocomplete") || "").toLowerCase()) < 0 &&
        !field.hasAttribute("data-no-draft")
      );
    });
  }

  function valuesOf(form) {
    var values = {};
    keptFields(form).forEach(function (field) {
      if (field.type === "checkbox" || field.type === "radio") {
        values[field.name] = values[field.name] || [];
        if (field.checked) {
          values[field.name].push(field.value);
        }
      } else if (field.tagName === "SELECT" && field.multiple) {
        values[field.name] = Array.prototype.filter
          .call(field.options, function (option) {
            return option.selected;
          })
          .map(function (option) {
            return option.value;
          });
      } else {
        values[field.name] = field.value;
      }
    });
    return values;
  }

  function save(form, sent) {
    write(keyOf(form), { fields: valuesOf(form), sent: Boolean(sent) });
  }

  function restore(form, fields) {
    var changed = false;
    keptFields(form).forEach(function (field) {
      if (!Object.prototype.hasOwnProperty.call(fields, field.name)) {
        return;
      }
      var value = fields[field.name];
      if (field.type === "checkbox" || field.type === "radio") {
        var group = form.querySelectorAll('[name="' + CSS.escape(field.name) + '"]');
        var known = Array.prototype.some.call(group, function (other) {
          return value.indexOf(other.value) >= 0;
        });
        var checked = value.indexOf(field.value) >= 0;
        if ((field.type === "checkbox" || known) && field.checked !== checked) {
          field.checked = checked;
          changed = true;
        }
      } else if (field.tagName === "SELECT" && field.multiple) {
        Array.prototype.forEach.call(field.options, function (option) {
          var selected = value.indexOf(option.value) >= 0;
          if (option.selected !== selected) {
            option.selected = selected;
            changed = true;
          }
        });
      } else if (typeof value === "string" && field.value !== value) {
        if (field.tagName === "SELECT") {
          var exists = Array.prototype.some.call(field.options, function (option) {
            return option.value === value;
          });
          if (!exists) {
            return;
          }
        }
        field.value = value;
        changed = true;
      }
    });
    return changed;
  }

  function notice(form) {
    var box = document.createElement("div");
    box.className = "fr-alert fr-alert--info fr-alert--sm fr-mb-3w";
    box.setAttribute("role", "status");
    box.dataset.draftNotice = "";
    var text = document.createElement("p");
    text.textContent = "Votre saisie précédente a été restaurée. ";
    var forget = document.createElement("button");
    forget.type = "button";
    forget.className = "fr-link";
    forget.textContent = "Effacer ma saisie";
    forget.addEventListener("click", function () {
      store.removeItem(keyOf(form));
      form.reset();
      box.remove();
      var first = keptFields(form)[0];
      if (first) {
        first.focus();
      }
    });
    text.appendChild(forget);
    box.appendChild(text);
    form.parentNode.insertBefore(box, form);
  }

  function hasErrors(form) {
    return Boolean(
      form.querySelector(
        ".fr-input-group--error, .fr-fieldset--error, .fr-select-group--error, .fr-alert--error, [aria-invalid=true]"
      )
    );
  }

  // 1. What happened to the drafts sent from the previous page.
  var expired = document.querySelector("[data-session-expired]") !== null;
  draftKeys().forEach(function (key) {
    var draft = read(key);
    if (!draft || !draft.sent) {
      return;
    }
    if (expired) {
      draft.sent = false; // the session had ended: what was sent never arrived
      write(key, draft);
    } else {
      store.removeItem(key);
    }
  });

  // 2. Marked forms on this page: put a draft back, or keep what the server showed back.
  document.querySelectorAll("form[data-keep-draft]").forEach(function (form) {
    var draft = read(keyOf(form));
    if (draft && draft.fields) {
      if (restore(form, draft.fields)) {
        notice(form);
      }
    } else if (hasErrors(form)) {
      save(form, false);
    }
  });

  // 3. Typing, sending, signing out (delegated: forms swapped in later are kept too).
  function marked(target) {
    var form = target && target.form;
    return form && form.dataset && form.dataset.keepDraft !== undefined ? form : null;
  }
  document.addEventListener("input", function (event) {
    var form = marked(event.target);
    if (form) {
      save(form, false);
    }
  });
  document.addEventListener("change", function (event) {
    var form = marked(event.target);
    if (form) {
      save(form, false);
    }
  });
  document.addEventListener("submit", function (event) {
    var form = event.target;
    var action = form.getAttribute("action") || "";
    if (form.hasAttribute("data-drafts-clear") || /\/(logout|deconnexion)\/?$/.test(action)) {
      clearAll();
    } else if (form.dataset.keepDraft !== undefined) {
      save(form, true);
    }
  });
})();
