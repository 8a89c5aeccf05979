// Live workshop board (SPEC "Workshops"). Vanilla JS, no inline scripts (CSP).
// - Reconnects with exponential backoff (1 s → 30 s, with jitter) and resumes where it left off:
//   it joins again with `since` = the last applied `seq` (logged-in users: `?since=` on the socket
//   URL), and the server replays the missed events from its gapless log (or sends a fresh `state`
//   when too much was missed), so the board is not reloaded. While connected, an event that
//   arrives ahead of a missing one triggers `{"type": "resume", "since": lastSeq}`.
// - Everything works with the keyboard: each note has a "move to cluster" select; drag and drop
//   is only a shortcut. Changes by others are announced in an ARIA live region.
(function () {
  "use strict";

  const root = document.getElementById("ws-board");
  if (!root) return;

  const $ = (id) => document.getElementById(id);
  const T = {};
  const strings = $("ws-strings");
  if (strings) {
    strings.content.querySelectorAll("[data-k]").forEach((el) => {
      T[el.dataset.k] = el.textContent;
    });
  }
  let campaigns = [];
  try {
    campaigns = JSON.parse(($("ws-campaigns") || {}).textContent || "[]");
  } catch (e) {
    campaigns = [];
  }

  const code = root.dataset.code;
  const live = root.dataset.live === "1";
  const authenticated = root.dataset.authenticated === "1";
  const storageKey = "ruamkid-workshop-" + code;

  const board = {
    seq: 0,
    phases: [],
    phaseIndex: 0,
    timer: null,
    locked: false,
    notes: new Map(),
    clusters: new Map(),
    votes: {},
    myVotes: {},
    votesLeft: 0,
    participants: [],
    me: null,
    facilitator: false,
    status: "",
    clockOffset: 0,
    readOnly: !live,
  };

  let socket = null;
  let backoff = 1000;
  let resumeAsked = false;
  let counter = 0;
  let editing = null; // {id, value, start, end}

  // --- helpers ---------------------------------------------------------------------------
  function el(tag, attrs, children) {
    const node = document.createElement(tag);
    Object.entries(attrs || {}).forEach(([key, value]) => {
      if (value === null || value === undefined || value === false) return;
      if (key === "text") node.textContent = value;
      else if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
      else if (key in node && typeof value !== "string") node[key] = value;
      else node.setAttribute(key, value === true ? "" : value);
    });
    (children || []).forEach((child) => child && node.appendChild(child));
    return node;
  }

  function remember(data) {
    try {
      const saved = JSON.parse(localStorage.getItem(storageKey) || "{}");
      localStorage.setItem(storageKey, JSON.stringify(Object.assign(saved, data)));
    } catch (e) {
      /* private mode: nothing to remember */
    }
  }

  function recall() {
    try {
      return JSON.parse(localStorage.getItem(storageKey) || "{}");
    } catch (e) {
      return {};
    }
  }

  function announce(text) {
    const region = $("ws-announcer");
    const line = el("p", { text });
    region.appendChild(line);
    while (region.childNodes.length > 5) region.removeChild(region.firstChild);
  }

  function showError(detail) {
    const box = $("ws-error");
    box.textContent = detail;
    box.hidden = false;
    clearTimeout(showError.timer);
    showError.timer = setTimeout(() => {
      box.hidden = true;
    }, 6000);
  }

  function setConnection(key) {
    $("ws-connection").textContent = T[key] || "";
    $("ws-connection").dataset.state = key;
  }

  function send(message) {
    if (!socket || socket.readyState !== WebSocket.OPEN) {
      showError(T.reconnecting);
      return;
    }
    counter += 1;
    message.client_id = message.client_id || "b" + counter;
    socket.send(JSON.stringify(message));
  }

  function canChange(note) {
    if (board.readOnly || !board.me) return false;
    if (board.facilitator) return true;
    if (board.locked || !["upcoming", "live"].includes(board.status)) return false;
    return note ? note.author && note.author.id === board.me.id : true;
  }

  // --- connection ------------------------------------------------------------------------
  function connect() {
    const scheme = location.protocol === "https:" ? "wss:" : "ws:";
    // After a lost connection, catch up from the last applied event instead of a fresh state.
    const since = board.me ? board.seq : null;
    let url = scheme + "//" + location.host + "/ws/workshops/" + code + "/";
    if (authenticated && since !== null) url += "?since=" + since;
    socket = new WebSocket(url);
    resumeAsked = false;
    socket.addEventListener("open", () => {
      backoff = 1000;
      setConnection("connected");
      if (!authenticated) {
        const saved = recall();
        if (saved.name) join(saved.name, saved.token, since);
        else $("ws-join").hidden = false;
      }
    });
    socket.addEventListener("message", (event) => {
      let message;
      try {
        message = JSON.parse(event.data);
      } catch (e) {
        return;
      }
      handle(message);
    });
    socket.addEventListener("close", () => {
      setConnection("reconnecting");
      const delay = backoff + Math.random() * 500;
      backoff = Math.min(backoff * 2, 30000);
      setTimeout(connect, delay);
    });
  }

  function join(name, token, since) {
    const message = { type: "join", display_name: name };
    if (token) message.token = token;
    if (token && since !== null && since !== undefined) message.since = since;
    send(message);
  }

  function handle(message) {
    switch (message.type) {
      case "state":
        applyState(message);
        break;
      case "event":
        if (message.seq <= board.seq) return;
        if (message.seq > board.seq + 1) {
          if (!resumeAsked) {
            resumeAsked = true;
            send({ type: "resume", since: board.seq });
          }
          return;
        }
        resumeAsked = false;
        applyEvent(message);
        break;
      case "presence":
        board.participants = message.participants || [];
        renderParticipants();
        break;
      case "error":
        if (message.code === "forbidden" && !board.me && !authenticated) {
          $("ws-join").hidden = false;
        }
        showError(message.detail || message.code);
        break;
      default:
        break;
    }
  }

  // --- state and events ------------------------------------------------------------------
  function applyState(state) {
    board.seq = state.seq;
    board.phases = state.phases || [];
    board.phaseIndex = state.phase_index || Math.max(0, board.phases.indexOf(state.phase));
    board.timer = state.timer;
    board.locked = state.locked;
    board.notes = new Map((state.notes || []).map((n) => [n.id, n]));
    board.clusters = new Map((state.clusters || []).map((c) => [c.id, c]));
    board.votes = state.votes || {};
    board.myVotes = state.my_votes || {};
    board.votesLeft = state.my_votes_left;
    board.participants = state.participants || [];
    board.me = state.me || null;
    board.facilitator = Boolean(state.facilitator);
    board.status = state.workshop ? state.workshop.status : board.status;
    if (state.server_time) board.clockOffset = Date.parse(state.server_time) - Date.now();
    resumeAsked = false;
    if (board.me && board.me.token) remember({ name: board.me.display_name, token: board.me.token });
    if (board.me) $("ws-join").hidden = true;
    $("ws-forms").hidden = board.readOnly || !board.me;
    $("ws-facilitator").hidden = board.readOnly || !board.facilitator;
    renderAll();
  }

  function applyEvent(event) {
    board.seq = event.seq;
    const data = event.data || {};
    const mine = board.me && event.actor && event.actor.id === board.me.id;
    let summary = T["a_" + event.op] || event.op;
    switch (event.op) {
      case "note.add":
      case "note.edit":
      case "note.move":
        board.notes.set(data.id, data);
        summary += ": " + data.text;
        break;
      case "note.delete":
        board.notes.delete(data.note_id);
        delete board.votes[String(data.note_id)];
        if (board.myVotes[String(data.note_id)]) {
          board.votesLeft += board.myVotes[String(data.note_id)];
          delete board.myVotes[String(data.note_id)];
        }
        break;
      case "cluster.create":
        board.clusters.set(data.id, data);
        summary += ": " + data.title;
        break;
      case "cluster.assign": {
        const note = board.notes.get(data.note_id);
        if (note) note.cluster_id = data.cluster_id;
        break;
      }
      case "vote.cast":
      case "vote.retract": {
        const key = String(data.note_id);
        board.votes[key] = data.count;
        if (mine) {
          board.votesLeft = data.voter_votes_left;
          board.myVotes[key] = (board.myVotes[key] || 0) + (event.op === "vote.cast" ? 1 : -1);
        }
        break;
      }
      case "phase.set":
        board.phaseIndex = data.phase_index;
        summary += " " + data.phase;
        break;
      case "timer.start":
      case "timer.stop":
        board.timer = data.timer;
        break;
      case "lock":
        board.locked = data.locked;
        break;
      case "promote":
        if (data.note_id && board.notes.has(data.note_id)) {
          board.notes.get(data.note_id).promoted_idea_id = data.idea_id;
        }
        if (data.cluster_id && board.clusters.has(data.cluster_id)) {
          board.clusters.get(data.cluster_id).promoted_idea_id = data.idea_id;
        }
        break;
      case "status":
        board.status = data.status;
        break;
      default:
        break;
    }
    if (!mine && event.actor) announce(event.actor.display_name + " " + summary);
    renderAll();
  }

  // --- rendering -------------------------------------------------------------------------
  function renderAll() {
    captureEditing();
    const focused = document.activeElement && document.activeElement.dataset
      ? document.activeElement.dataset.focusKey
      : null;
    renderPhases();
    renderTimer();
    renderParticipants();
    renderNotes();
    renderFacilitator();
    $("ws-locked").hidden = !board.locked;
    $("ws-votes-left").textContent = board.me ? String(board.votesLeft) : "–";
    if (focused) {
      const again = root.querySelector('[data-focus-key="' + focused + '"]');
      if (again) again.focus();
    }
    restoreEditing();
  }

  function renderPhases() {
    const list = $("ws-phases");
    list.replaceChildren(
      ...board.phases.map((phase, index) =>
        el("li", {
          text: phase,
          class: index === board.phaseIndex ? "current" : "",
          "aria-current": index === board.phaseIndex ? "step" : null,
        }),
      ),
    );
  }

  function renderTimer() {
    const node = $("ws-timer");
    if (!board.timer || !board.timer.ends_at) {
      node.textContent = T.no_timer;
      node.classList.remove("running");
      return;
    }
    const left = Math.max(
      0,
      Math.round((Date.parse(board.timer.ends_at) - (Date.now() + board.clockOffset)) / 1000),
    );
    const minutes = Math.floor(left / 60);
    const seconds = String(left % 60).padStart(2, "0");
    node.textContent = left > 0 ? minutes + ":" + seconds : T.time_up;
    node.classList.toggle("running", left > 0);
  }

  function renderParticipants() {
    const online = board.participants.filter((p) => p.online);
    $("ws-online-count").textContent = online.length + " " + T.online;
    $("ws-participants").replaceChildren(
      ...online.map((p) =>
        el("li", {
          text: p.display_name + (board.me && p.id === board.me.id ? " " + T.you : ""),
        }),
      ),
    );
  }

  function renderFacilitator() {
    if (!board.facilitator || board.readOnly) return;
    const select = $("ws-phase-select");
    select.replaceChildren(
      ...board.phases.map((phase, index) =>
        el("option", { value: String(index), text: phase, selected: index === board.phaseIndex }),
      ),
    );
    $("ws-lock").textContent = board.locked ? T.unlock : T.lock;
    $("ws-lock").setAttribute("aria-pressed", board.locked ? "true" : "false");
    const campaignSelect = $("ws-campaign");
    if (campaignSelect.options.length <= 1) {
      campaigns.forEach((c) => campaignSelect.appendChild(el("option", { value: String(c.id), text: c.title })));
    }
  }

  function clusterOptions(note) {
    const options = [el("option", { value: "", text: T.unclustered, selected: !note.cluster_id })];
    board.clusters.forEach((cluster) => {
      options.push(
        el("option", {
          value: String(cluster.id),
          text: cluster.title,
          selected: note.cluster_id === cluster.id,
        }),
      );
    });
    return options;
  }

  function promote(fields) {
    const campaign = Number($("ws-campaign").value);
    if (!campaign) {
      showError(T.pick_campaign);
      $("ws-campaign").focus();
      return;
    }
    send(Object.assign({ type: "promote", campaign }, fields));
  }

  function noteCard(note) {
    const key = String(note.id);
    const count = board.votes[key] || 0;
    const mineVotes = board.myVotes[key] || 0;
    const own = canChange(note);
    const header = el("p", { class: "ws-note-text", text: note.text });
    const meta = el("p", {
      class: "ws-note-meta",
      text: T.by + " " + note.author.display_name + " · " + count + " " + T.votes,
    });
    const actions = el("div", { class: "ws-note-actions" });
    if (!board.readOnly && board.me) {
      const canVote = canChange(null);
      actions.appendChild(
        el("button", {
          type: "button",
          class: "button button-small",
          text: T.vote,
          "data-focus-key": "vote-" + key,
          disabled: !canVote || board.votesLeft <= 0,
          "aria-label": T.vote + ": " + note.text.slice(0, 40),
          onclick: () => send({ type: "vote.cast", note_id: note.id }),
        }),
      );
      if (mineVotes > 0) {
        actions.appendChild(
          el("button", {
            type: "button",
            class: "button button-secondary button-small",
            text: T.retract + " (" + mineVotes + ")",
            "data-focus-key": "retract-" + key,
            disabled: !canVote,
            onclick: () => send({ type: "vote.retract", note_id: note.id }),
          }),
        );
      }
    }
    if (own) {
      const selectId = "ws-move-" + key;
      actions.appendChild(el("label", { for: selectId, class: "ws-move-label", text: T.move }));
      actions.appendChild(
        el(
          "select",
          {
            id: selectId,
            "data-focus-key": "move-" + key,
            onchange: (e) => {
              const value = e.target.value;
              send({ type: "cluster.assign", note_id: note.id, cluster_id: value ? Number(value) : null });
            },
          },
          clusterOptions(note),
        ),
      );
      actions.appendChild(
        el("button", {
          type: "button",
          class: "button button-secondary button-small",
          text: T.edit,
          "data-focus-key": "edit-" + key,
          onclick: () => startEdit(note),
        }),
      );
      actions.appendChild(
        el("button", {
          type: "button",
          class: "button button-secondary button-small",
          text: T.delete,
          "data-focus-key": "delete-" + key,
          onclick: () => {
            if (window.confirm(T.confirm_delete)) send({ type: "note.delete", note_id: note.id });
          },
        }),
      );
    }
    if (board.facilitator && !board.readOnly) {
      actions.appendChild(
        note.promoted_idea_id
          ? el("span", { class: "badge badge-open", text: T.promoted })
          : el("button", {
              type: "button",
              class: "button button-small",
              text: T.promote,
              "data-focus-key": "promote-" + key,
              onclick: () => promote({ note_id: note.id }),
            }),
      );
    } else if (note.promoted_idea_id) {
      actions.appendChild(el("span", { class: "badge badge-open", text: T.promoted }));
    }
    const card = el("li", { class: "ws-note", "data-note-id": key }, [header, meta, actions]);
    if (own) {
      card.draggable = true;
      card.addEventListener("dragstart", (e) => {
        e.dataTransfer.setData("text/plain", key);
        e.dataTransfer.effectAllowed = "move";
      });
    }
    if (editing && editing.id === note.id) {
      const area = el("textarea", { id: "ws-edit-" + key, rows: "3", maxlength: "1000" });
      area.value = note.text;
      const form = el(
        "form",
        {
          class: "ws-edit",
          onsubmit: (e) => {
            e.preventDefault();
            const text = area.value.trim();
            if (text) send({ type: "note.edit", note_id: note.id, text });
            editing = null;
            renderAll();
          },
        },
        [
          el("label", { for: "ws-edit-" + key, class: "visually-hidden", text: T.edit }),
          area,
          el("button", { type: "submit", class: "button button-small", text: T.save }),
          el("button", {
            type: "button",
            class: "button button-secondary button-small",
            text: T.cancel,
            onclick: () => {
              editing = null;
              renderAll();
            },
          }),
        ],
      );
      card.replaceChild(form, header);
    }
    return card;
  }

  function startEdit(note) {
    editing = { id: note.id, value: note.text, start: note.text.length, end: note.text.length, fresh: true };
    renderAll();
  }

  function captureEditing() {
    if (!editing) return;
    const area = $("ws-edit-" + editing.id);
    if (area && !editing.fresh) {
      editing.value = area.value;
      editing.start = area.selectionStart;
      editing.end = area.selectionEnd;
      editing.focused = document.activeElement === area;
    }
  }

  function restoreEditing() {
    if (!editing) return;
    if (!board.notes.has(editing.id)) {
      editing = null;
      return;
    }
    const area = $("ws-edit-" + editing.id);
    if (!area) return;
    area.value = editing.value;
    if (editing.fresh || editing.focused) {
      area.focus();
      area.setSelectionRange(editing.start, editing.end);
    }
    editing.fresh = false;
  }

  function clusterSection(cluster, notes) {
    const id = cluster ? cluster.id : null;
    const title = cluster ? cluster.title : T.unclustered;
    const headingId = "ws-cluster-h-" + (id || "none");
    const heading = el("h3", { id: headingId, text: title + " (" + notes.length + ")" });
    const children = [heading];
    if (cluster && board.facilitator && !board.readOnly) {
      children.push(
        cluster.promoted_idea_id
          ? el("span", { class: "badge badge-open", text: T.promoted })
          : el("button", {
              type: "button",
              class: "button button-small",
              text: T.promote,
              "data-focus-key": "promote-cluster-" + id,
              onclick: () => promote({ cluster_id: id }),
            }),
      );
    }
    const list = el("ul", { class: "ws-notes" }, notes.map(noteCard));
    if (!notes.length) children.push(el("p", { class: "muted", text: cluster ? T.empty_cluster : T.empty }));
    children.push(list);
    const section = el("section", { class: "ws-cluster", "aria-labelledby": headingId }, children);
    section.addEventListener("dragover", (e) => {
      e.preventDefault();
      section.classList.add("drop-target");
    });
    section.addEventListener("dragleave", () => section.classList.remove("drop-target"));
    section.addEventListener("drop", (e) => {
      e.preventDefault();
      section.classList.remove("drop-target");
      const noteId = Number(e.dataTransfer.getData("text/plain"));
      const note = board.notes.get(noteId);
      if (note && note.cluster_id !== id) send({ type: "cluster.assign", note_id: noteId, cluster_id: id });
    });
    return section;
  }

  function renderNotes() {
    const byCluster = new Map([[null, []]]);
    board.clusters.forEach((c) => byCluster.set(c.id, []));
    board.notes.forEach((note) => {
      const key = byCluster.has(note.cluster_id) ? note.cluster_id : null;
      byCluster.get(key).push(note);
    });
    const sections = [clusterSection(null, byCluster.get(null))];
    board.clusters.forEach((c) => sections.push(clusterSection(c, byCluster.get(c.id))));
    $("ws-clusters").replaceChildren(...sections);
  }

  // --- forms -----------------------------------------------------------------------------
  $("ws-join").addEventListener("submit", (e) => {
    e.preventDefault();
    const name = $("ws-name").value.trim();
    if (!name) return;
    remember({ name });
    join(name, recall().token);
  });
  $("ws-note-form").addEventListener("submit", (e) => {
    e.preventDefault();
    const text = $("ws-note-text").value.trim();
    if (!text) return;
    send({ type: "note.add", text });
    $("ws-note-text").value = "";
  });
  $("ws-note-text").addEventListener("keydown", (e) => {
    if (e.key === "Enter" && (e.ctrlKey || e.metaKey)) $("ws-note-form").requestSubmit();
  });
  $("ws-cluster-form").addEventListener("submit", (e) => {
    e.preventDefault();
    const title = $("ws-cluster-title").value.trim();
    if (!title) return;
    send({ type: "cluster.create", title });
    $("ws-cluster-title").value = "";
  });
  $("ws-phase-form").addEventListener("submit", (e) => {
    e.preventDefault();
    send({ type: "phase.set", phase: Number($("ws-phase-select").value) });
  });
  $("ws-timer-form").addEventListener("submit", (e) => {
    e.preventDefault();
    const minutes = Number($("ws-timer-minutes").value);
    if (minutes > 0) send({ type: "timer.start", seconds: Math.round(minutes * 60) });
  });
  $("ws-timer-stop").addEventListener("click", () => send({ type: "timer.stop" }));
  $("ws-lock").addEventListener("click", () => send({ type: "lock", locked: !board.locked }));

  setInterval(renderTimer, 1000);

  if (live) {
    connect();
  } else {
    setConnection("unavailable");
    fetch(root.dataset.stateUrl, { credentials: "same-origin" })
      .then((response) => (response.ok ? response.json() : null))
      .then((state) => {
        if (state) applyState(Object.assign(state, { me: null }));
      })
      .catch(() => {});
  }
})();
