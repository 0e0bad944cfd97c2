// The review app's only script. Every page works without it (plain forms); with it:
// autosave with a version check, keys, line citation, time-on-task pings, cohort refresh.
(function () {
  "use strict";

  function post(url, body, token) {
    return fetch(url, {
      method: "POST",
      credentials: "same-origin",
      headers: { "X-CSRF-Token": token, "X-Requested-With": "fetch",
                 "Content-Type": "application/x-www-form-urlencoded" },
      body: body,
    });
  }

  function cohortRefresh() {
    var marker = document.getElementById("cohort");
    if (!marker) { return; }
    setInterval(function () {
      fetch("/manage/stamp", { credentials: "same-origin" })
        .then(function (r) { return r.ok ? r.json() : null; })
        .then(function (body) {
          if (body && body.stamp !== marker.dataset.stamp) { window.location.reload(); }
        })
        .catch(function () {});
    }, 3000);
  }

  function reviewPage(form) {
    var token = form.querySelector("[name=csrf]").value;
    var target = form.getAttribute("action");  // form.action is the button named "action"
    var version = form.querySelector("[name=version]");
    var status = document.getElementById("save-status");
    var rows = Array.prototype.slice.call(form.querySelectorAll("fieldset.hrow"));
    var files = Array.prototype.slice.call(document.querySelectorAll(".cv-file"));
    var help = document.getElementById("keys-help");
    var current = 0, fileIndex = -1, timer = null, blocked = false, pending = null;
    var lastActivity = Date.now(), selectedLine = null;

    function say(text, kind) {
      status.textContent = text;
      status.className = kind || "muted";
    }

    function body(action) {
      var data = new URLSearchParams(new FormData(form));
      data.set("action", action);
      return data;
    }

    function send(action) {
      if (blocked) { return Promise.resolve(); }
      clearTimeout(timer);
      timer = null;
      var sent = body(action);
      pending = sent;
      return post(target, sent, token).then(function (response) {
        return response.json().catch(function () {
          return { error: "the server answered " + response.status };
        }).then(function (answer) {
          if (pending === sent) { pending = null; }
          if (response.ok) {
            version.value = answer.version;
            if (action === "submit") { window.location.reload(); return; }
            say("Saved (version " + answer.version + ")", "ok");
          } else {
            if (response.status === 409 && answer.version !== undefined) {
              blocked = true;  // keep what is typed on screen; never overwrite the other tab
            } else if (answer.version !== undefined) {
              version.value = answer.version;  // saved, though not submitted
            }
            say(answer.error || "not saved", "error");
          }
        });
      }).catch(function () {
        say("Not saved: the server cannot be reached. Your text is still here; it will be saved with your next change.", "error");
      });
    }

    function schedule() {
      if (blocked) { return; }
      clearTimeout(timer);
      say("Saving…");
      timer = setTimeout(function () { send("save"); }, 300);
    }

    function focusRow(index) {
      if (!rows.length) { return; }
      current = Math.max(0, Math.min(rows.length - 1, index));
      rows.forEach(function (row, i) { row.classList.toggle("current", i === current); });
      rows[current].scrollIntoView({ block: "nearest" });
    }

    function showFile(index) {
      if (!files.length) { return; }
      fileIndex = (index + files.length) % files.length;
      files[fileIndex].scrollIntoView({ block: "start" });
    }

    function cite(reference) {
      var area = rows[current] && rows[current].querySelector("textarea");
      if (!area) { return; }
      var text = area.value.replace(/\s+$/, "");
      area.value = (text ? text + " " : "") + reference;
      schedule();
      say("Cited " + reference + " in " + rows[current].dataset.row);
    }

    rows.forEach(function (row, i) {
      row.addEventListener("focusin", function () { focusRow(i); });
    });
    form.addEventListener("input", schedule);
    form.addEventListener("change", schedule);
    form.addEventListener("submit", function (event) {
      var action = event.submitter ? event.submitter.value : "save";
      event.preventDefault();
      send(action);
    });
    window.addEventListener("pagehide", function () {
      if (timer || pending) {  // a change not yet saved: send it as the page goes
        fetch(target, { method: "POST", keepalive: true, credentials: "same-origin",
                             headers: { "X-CSRF-Token": token, "X-Requested-With": "fetch" },
                             body: body("save") });
      }
    });

    document.addEventListener("click", function (event) {
      lastActivity = Date.now();
      var line = event.target.closest && event.target.closest(".code tr[data-line]");
      if (!line) { return; }
      if (event.target.closest(".cv-n")) { event.preventDefault(); }
      if (selectedLine) { selectedLine.classList.remove("cv-selected"); }
      selectedLine = line;
      line.classList.add("cv-selected");
      if (event.target.closest(".cv-n")) { cite(line.dataset.file + ":" + line.dataset.line); }
    });

    document.addEventListener("keydown", function (event) {
      lastActivity = Date.now();
      var target = event.target;
      var typing = target.matches && target.matches("textarea, input[type=text]");
      if (event.key === "Escape") {
        if (typing) { target.blur(); }
        help.hidden = true;
        return;
      }
      if ((event.ctrlKey || event.metaKey) && event.key === "Enter") {
        event.preventDefault();
        send("submit");
        return;
      }
      if (typing || event.ctrlKey || event.metaKey || event.altKey) { return; }
      var handled = true;
      if (/^[1-9]$/.test(event.key)) {
        var choices = rows[current] ? rows[current].querySelectorAll("input[type=radio], input[type=checkbox]") : [];
        var choice = choices[Number(event.key) - 1];
        if (choice) {
          choice.checked = choice.type === "radio" ? true : !choice.checked;
          schedule();
        }
      } else if (event.key === "j") { focusRow(current + 1); }
      else if (event.key === "k") { focusRow(current - 1); }
      else if (event.key === "n") { showFile(fileIndex + 1); }
      else if (event.key === "p") { showFile(fileIndex - 1); }
      else if (event.key === "e") {
        var area = rows[current] && rows[current].querySelector("textarea");
        if (area) { area.focus(); area.setSelectionRange(area.value.length, area.value.length); }
      } else if (event.key === "c") {
        var line = selectedLine || (fileIndex >= 0 ? files[fileIndex].querySelector("tr[data-line]") : null);
        if (line) { cite(line.dataset.file + ":" + line.dataset.line); }
      } else if (event.key === "?") { help.hidden = !help.hidden; }
      else { handled = false; }
      if (handled) { event.preventDefault(); }
    });

    ["scroll", "input"].forEach(function (name) {
      document.addEventListener(name, function () { lastActivity = Date.now(); }, { passive: true });
    });
    setInterval(function () {
      if (Date.now() - lastActivity < 60000) {
        post(target + "/heartbeat", new URLSearchParams({ csrf: token }), token).catch(function () {});
      }
    }, 30000);
  }

  document.addEventListener("DOMContentLoaded", function () {
    var form = document.getElementById("review-form");
    if (form) { reviewPage(form); }
    cohortRefresh();
  });
})();
