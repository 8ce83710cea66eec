/* The situation board's live updates (docs/situation.md, "The board"). The page works without
   this script; with it, the board follows the server's event stream (/situation/stream):
   each "board" event carries the table bodies whose rows changed, rendered on the server, and
   this script swaps only the rows whose HTML differs, by id. A row the user is working in (it
   has the focus, or a field typed into) is left alone until the user leaves it, so an update
   never takes a half-written reason away. It also ticks the minutes each request has waited
   and says whether the board is live. No framework, nothing loaded from elsewhere. */
(function () {
  "use strict";
  var board = document.getElementById("board");
  if (!board || !window.EventSource) { return; }
  var live = document.getElementById("board-live");
  var updated = document.getElementById("board-updated");
  var summary = document.getElementById("board-summary");
  var amber = Number(board.dataset.amber), red = Number(board.dataset.red);
  var offset = Date.parse(board.dataset.now) - Date.now();  // server clock minus ours
  var lastHeard = Date.now();
  var pending = new Map();  // row id -> the newer row (or null: gone) waiting for the user
  var STALE_AFTER = 40000;  // ms without an event (heartbeats come every 15 s)

  function say(state) {  // the live state, a status region: read out only when it changes
    var text = live.dataset[state];
    if (live.textContent !== text) { live.textContent = text; }
  }

  /* A row as the server rendered it: the ticking parts (minutes and their level) left out. */
  function signature(row) {
    var copy = row.cloneNode(true);
    unhold(copy);
    copy.querySelectorAll("td.waited").forEach(function (td) {
      td.className = "waited";
      td.textContent = "";
    });
    return copy.outerHTML;
  }

  function busy(row) {
    if (row.contains(document.activeElement) || row.querySelector("details[open]")) {
      return true;
    }
    return Array.prototype.some.call(row.querySelectorAll("input, textarea, select"),
      function (field) {
        if (field.type === "hidden") { return false; }
        if (field.tagName === "SELECT") {  // without a default, the first option is shown
          var initial = Array.prototype.findIndex.call(field.options, function (o) {
            return o.defaultSelected;
          });
          return field.selectedIndex !== Math.max(initial, 0);
        }
        if (field.type === "checkbox") { return field.checked !== field.defaultChecked; }
        return field.value !== field.defaultValue;
      });
  }

  /* Mark a row whose update waits for the user, in words as well as by its outline. */
  function hold(row) {
    if (row.classList.contains("stale")) { return; }
    row.classList.add("stale");
    var note = document.createElement("span");
    note.className = "stale-note";
    note.textContent = board.dataset.rowChanged;
    row.firstElementChild.append(note);
  }

  function unhold(row) {
    row.classList.remove("stale");
    row.querySelectorAll(".stale-note").forEach(function (note) { note.remove(); });
  }

  function morph(tbody, html) {
    var template = document.createElement("template");
    template.innerHTML = "<table><tbody>" + html + "</tbody></table>";
    var fresh = Array.prototype.slice.call(template.content.querySelector("tbody").children);
    var byId = new Map(fresh.map(function (row) { return [row.id, row]; }));
    var order = [];
    Array.prototype.slice.call(tbody.children).forEach(function (row, index) {
      var next = byId.has(row.id) ? byId.get(row.id) : null;
      if (next && signature(next) === signature(row)) {
        byId.set(row.id, row);  // unchanged: keep the very element (and its focus)
        pending.delete(row.id);
        unhold(row);
      } else if (busy(row)) {
        pending.set(row.id, next);
        hold(row);
        if (next) { byId.set(row.id, row); } else { order.push([index, row]); }
      } else {
        pending.delete(row.id);
        row.remove();
      }
    });
    var rows = fresh.map(function (row) { return byId.get(row.id); });
    order.forEach(function (kept) { rows.splice(Math.min(kept[0], rows.length), 0, kept[1]); });
    rows.forEach(function (row, i) {
      if (tbody.children[i] !== row) { tbody.insertBefore(row, tbody.children[i] || null); }
    });
  }

  /* The user left a row that an update was held back for (or folded its "more actions"):
     show the newer row now. */
  function release(event) {
    var row = event.target.closest("tr");
    if (!row || !pending.has(row.id)) { return; }
    setTimeout(function () {
      if (!pending.has(row.id) || busy(row)) { return; }
      var next = pending.get(row.id);
      pending.delete(row.id);
      if (next) { row.replaceWith(next); } else { row.remove(); }
      tick();
    }, 0);
  }
  board.addEventListener("focusout", release);
  board.addEventListener("input", release);
  board.addEventListener("toggle", release, true);  // toggle does not bubble

  function badge(level) {
    var span = document.createElement("span");
    span.className = "level level-" + level;
    var mark = document.createElement("span");
    mark.setAttribute("aria-hidden", "true");
    mark.textContent = level === "red" ? "■" : "▲";
    span.append(mark, " " + board.dataset[level === "red" ? "levelRed" : "levelAmber"]);
    return span;
  }

  function tick() {
    var now = Date.now() + offset;
    document.querySelectorAll("td.waited[data-since]").forEach(function (td) {
      var minutes = Math.max(0, (now - Date.parse(td.dataset.since)) / 60000);
      var level = minutes > red ? "red" : minutes > amber ? "amber" : "normal";
      var shown = td.querySelector(".minutes");
      if (shown) { shown.textContent = String(Math.floor(minutes)); }
      if (!td.classList.contains("wait-" + level)) {
        td.classList.remove("wait-normal", "wait-amber", "wait-red");
        td.classList.add("wait-" + level);
        var holder = td.querySelector(".badge");
        if (holder) { holder.replaceChildren.apply(holder, level === "normal" ? [] : [badge(level)]); }
      }
    });
  }

  function apply(data) {
    Object.keys(data.regions).forEach(function (name) {
      var html = data.regions[name];
      if (name === "summary") {
        if (summary.textContent.trim() !== html) { summary.textContent = html; }
        return;
      }
      var tbody = board.querySelector('tbody[data-live="' + name + '"]');
      if (tbody) { morph(tbody, html); } else {
        document.getElementById("board-changed").hidden = false;
      }
    });
    board.dataset.version = data.version;
    updated.textContent = updated.dataset.text.replace("{time}", data.updated);
    tick();
  }

  function heard(at) {
    lastHeard = Date.now();
    if (at) { offset = Date.parse(at) - Date.now(); }
    say("on");
  }

  var url = board.dataset.stream + "?since=" + encodeURIComponent(board.dataset.version);
  var source = new EventSource(url);
  source.addEventListener("open", function () { heard(null); });
  source.addEventListener("board", function (event) {
    var data = JSON.parse(event.data);
    heard(data.at);
    apply(data);
  });
  source.addEventListener("heartbeat", function (event) { heard(JSON.parse(event.data).at); });
  source.addEventListener("error", function () {
    // CONNECTING: the browser reconnects by itself (a stream ends every few minutes by
    // design), so only a long silence is reported; CLOSED: it gave up (signed out, refused).
    if (source.readyState === EventSource.CLOSED) { say("off"); }
  });
  setInterval(function () {
    if (source.readyState !== EventSource.CLOSED && Date.now() - lastHeard > STALE_AFTER) {
      say("stale");
    }
    tick();
  }, 5000);
  tick();
}());
