// The review page: listen -> one key -> next. Talks only to its own server (same origin).
"use strict";
const $ = (id) => document.getElementById(id);
const audio = $("audio");
const state = { queue: [], pos: 0, judged: 0, undo: [], version: null, info: {}, played: 0, last: null };
window.review = state;

function fmt(ms) {
  if (ms == null || !isFinite(ms)) return "?";
  const s = Math.round(ms / 1000);
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, "0")}`;
}

async function api(path, body) {
  const opts = body === undefined ? {} : {
    method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body),
  };
  const r = await fetch(path, opts);
  const data = await r.json();
  if (!r.ok) throw new Error(data.error || r.status);
  return data;
}

function current() { return state.queue[state.pos]; }

function say(text) { $("status").textContent = text; }

function counter() {
  const n = state.queue.length;
  $("counter").textContent = n
    ? `${state.pos + 1} of ${n} · ${state.judged} judged this session`
    : `${state.judged} judged this session`;
}

function renderMeta(t) {
  $("rank").textContent = `#${t.rank}`;
  $("title").textContent = t.title || t.urn;
  $("uploader").textContent = t.uploader || "";
  const facts = [["length", fmt(t.duration_ms)], ["genre", t.genre || "–"],
    ["score", t.score.toPrecision(3)], ["first seen", (t.first_seen_at || "").slice(0, 10)],
    ["heard", `${t.listens}×`], ["local file", t.local_file || "none"]];
  $("facts").replaceChildren(...facts.map(([k, v], i) => {
    const span = document.createElement("span");
    span.append(`${i ? " · " : ""}${k} `); const b = document.createElement("b"); b.textContent = v;
    span.append(b); return span;
  }));
  $("why").textContent = t.why;
  $("supporters").replaceChildren(...t.supporters.map((s) => {
    const li = document.createElement("li");
    li.textContent = `${s.artist} (${s.kinds.join(", ")}, hit rate ${Math.round(s.hit_rate * 100)} %)`;
    return li;
  }));
  const links = [];
  if (t.link) links.push(link(t.link, "SoundCloud ↗"));
  $("links").replaceChildren(...links);
}

function link(href, text) {
  const a = document.createElement("a");
  a.href = href; a.textContent = text; a.target = "_blank"; a.rel = "noopener noreferrer";
  return a;
}

function show() {
  leave();
  counter();
  const t = current();
  $("track").hidden = !t; $("empty").hidden = !!t;
  if (!t) { detach(); audio.load(); return; }
  renderMeta(t);
  $("widget").replaceChildren();
  audio.hidden = false;
  play(t);
  state.played = 0; state.last = null;
  drawWave();
  loadInfo(t).then(() => { if (current() === t) drawWave(); });
  prefetch(state.queue[state.pos + 1]);
}

function detach() {
  // Stop what plays, and any play() still waiting for the server.
  state.ticket = (state.ticket || 0) + 1;
  if (state.hls) { state.hls.destroy(); state.hls = null; }
  audio.removeAttribute("src");
}

async function play(t) {
  // The server says how: a progressive file in the audio element, or HLS through hls.js;
  // where neither works, SoundCloud's widget. Only the latest call goes on (tracks change fast).
  detach();
  const ticket = state.ticket;
  const how = await api(`/api/play/${encodeURIComponent(t.urn)}`).catch(() => null);
  if (ticket !== state.ticket) return;
  if (!how) { widget(t); return; }
  state.player = how.player;
  if (how.player === "hls") {
    const Hls = await hlsjs().catch(() => null);
    if (ticket !== state.ticket) return;
    if (!Hls || !Hls.isSupported()) { widget(t); return; }
    const hls = state.hls = new Hls({ enableWorker: false });
    hls.on(Hls.Events.ERROR, (_, e) => { if (e.fatal && state.hls === hls) { detach(); widget(t); } });
    hls.loadSource(how.src);
    hls.attachMedia(audio);
  } else {
    audio.src = how.src;
  }
  audio.play().catch(() => {});
}

let hlsLoading = null;
function hlsjs() {
  // hls.js is loaded the first time an HLS-only track plays (most tracks never need it).
  hlsLoading = hlsLoading || new Promise((resolve, reject) => {
    const s = document.createElement("script");
    s.src = "/static/vendor/hls.light.min.js";
    s.onload = () => resolve(window.Hls);
    s.onerror = () => { hlsLoading = null; reject(new Error("hls.js did not load")); };
    document.head.append(s);
  });
  return hlsLoading;
}

function widget(t) {
  state.player = "widget";
  audio.hidden = true;
  const f = document.createElement("iframe");
  f.src = `https://w.soundcloud.com/player/?url=${encodeURIComponent(t.link || "")}&auto_play=true`;
  f.allow = "autoplay";
  $("widget").replaceChildren(f);
  say("this track does not stream here: SoundCloud's player instead");
}

async function loadInfo(t) {
  if (state.info[t.urn]) return state.info[t.urn];
  const info = await api(`/api/track/${encodeURIComponent(t.urn)}`).catch(() => ({ waveform: [], drop: null }));
  state.info[t.urn] = info;
  if (info.purchase_url && current() === t) $("links").append(link(info.purchase_url, info.purchase_title || "Buy ↗"));
  return info;
}

function prefetch(t) {
  // The next track's stream is fetched by the server now; for HLS, its first part too (the
  // browser keeps it, so hls.js starts from the cache).
  if (!t) return;
  const urn = encodeURIComponent(t.urn);
  fetch(`/api/play/${urn}`)
    .then((r) => (r.ok ? r.json() : null))
    .then((how) => { if (how && how.player === "hls") return fetch(`/api/hls/${urn}/0`); })
    .catch(() => {});
  loadInfo(t);
}

function drawWave() {
  const c = $("wave"), g = c.getContext("2d"), t = current();
  const info = t && state.info[t.urn];
  g.clearRect(0, 0, c.width, c.height);
  if (!info || !info.waveform.length) return;
  const w = info.waveform, bar = c.width / w.length;
  const done = audio.duration ? audio.currentTime / audio.duration : 0;
  w.forEach((v, i) => {
    g.fillStyle = i / w.length < done ? "#ff7a1a" : "#4a505c";
    const h = Math.max(1, v * c.height);
    g.fillRect(i * bar, (c.height - h) / 2, Math.max(1, bar - 0.5), h);
  });
  if (info.drop != null) {
    g.fillStyle = "#e8e8ea"; g.fillRect(info.drop * c.width, 0, 2, c.height);
    $("dropinfo").textContent = audio.duration ? `· drop at ${fmt(info.drop * audio.duration * 1000)}` : "";
  }
}

function leave() {
  // Record the visit of the track being left (what was played, and for how long).
  const t = state.leaving;
  if (t && state.played > 0) {
    const seconds = state.played;
    api("/api/listen", { urn: t.urn, seconds }).then((r) => {
      const now = state.queue.find((q) => q.urn === t.urn);  // the queue may have been reloaded
      if (!now) return;
      now.listens = r.listens;
      if (r.left) drop(now, "heard enough times without a verdict: it leaves the queue");
    }).catch(() => {});
  }
  state.leaving = current(); state.played = 0;
}

function drop(t, why) {
  const i = state.queue.indexOf(t);
  if (i < 0) return;
  const wasCurrent = i === state.pos;
  state.queue.splice(i, 1);
  if (i < state.pos) state.pos -= 1;
  if (state.pos >= state.queue.length) state.pos = Math.max(0, state.queue.length - 1);
  say(`${t.title}: ${why}`);
  if (wasCurrent) { state.leaving = null; show(); } else counter();
}

function seek(seconds) {
  if (!isFinite(audio.duration)) return;
  audio.currentTime = Math.max(0, Math.min(audio.duration - 0.05, seconds));
}

async function judge(verdict) {
  const t = current(); if (!t) return;
  const r = await api("/api/verdict", { urn: t.urn, verdict });
  state.undo.push({ track: t, pos: state.pos });
  state.judged += 1;
  leave(); state.leaving = null;
  state.queue.splice(state.pos, 1);
  if (state.pos >= state.queue.length) state.pos = Math.max(0, state.queue.length - 1);
  say(`${verdict.replace("_", " ")}: ${t.title}${r.mirrored === true ? " (liked on SoundCloud too)" : ""}`);
  show();
}

async function undo() {
  const last = state.undo.pop();
  if (!last) { say("nothing to undo"); return; }
  await api("/api/undo", { urn: last.track.urn });
  state.judged -= 1;
  state.queue.splice(last.pos, 0, last.track);
  state.pos = last.pos;
  say(`undone: ${last.track.title}`);
  show();
}

function move(by) {
  const to = state.pos + by;
  if (to < 0 || to >= state.queue.length) return;
  state.pos = to; show();
}

function onKey(key, shift) {
  const t = current();
  if (shift && /^Digit\d$/.test(key)) { seek(audio.duration * Number(key.slice(5)) / 10); return; }
  switch (key) {
    case "Space": audio.paused ? audio.play().catch(() => {}) : audio.pause(); break;
    case "ArrowLeft": seek(audio.currentTime - 10); break;
    case "ArrowRight": seek(audio.currentTime + 10); break;
    case "d": { const i = t && state.info[t.urn]; if (i && i.drop != null) seek(i.drop * audio.duration); else say("no drop found"); break; }
    case "1": judge("liked"); break;
    case "2": judge("not_quite"); break;
    case "3": judge("not_interested"); break;
    case "j": move(1); break;
    case "k": move(-1); break;
    case "u": undo(); break;
    case "o": if (t && t.link) window.open(t.link, "_blank", "noopener"); break;
    case "?": $("help").hidden = !$("help").hidden; break;
  }
}

document.addEventListener("keydown", (e) => {
  if (e.ctrlKey || e.metaKey || e.altKey) return;
  let key = e.key.length === 1 ? e.key.toLowerCase() : e.key;
  if (e.code === "Space") key = "Space";
  if (e.shiftKey && /^Digit\d$/.test(e.code)) key = e.code;
  else if (!["Space", "ArrowLeft", "ArrowRight", "d", "1", "2", "3", "j", "k", "u", "o", "?"].includes(key)) return;
  e.preventDefault();
  onKey(key, e.shiftKey && key.startsWith("Digit"));
});
$("buttons").addEventListener("click", (e) => {
  const key = e.target.dataset && e.target.dataset.key;
  if (key) { e.target.blur(); onKey(key, false); }
});
$("wave").addEventListener("click", (e) => {
  const r = e.target.getBoundingClientRect();
  seek(((e.clientX - r.left) / r.width) * audio.duration);
});
audio.addEventListener("timeupdate", () => {
  const now = audio.currentTime;
  if (!audio.paused && state.last != null && now > state.last && now - state.last < 1.5) state.played += now - state.last;
  state.last = now;
  $("now").textContent = fmt(now * 1000); $("length").textContent = fmt(audio.duration * 1000);
  drawWave();
});
audio.addEventListener("seeked", () => { state.last = audio.currentTime; });
audio.addEventListener("error", () => {
  const t = current(); if (!t || !audio.getAttribute("src") || state.hls) return;
  detach(); widget(t);
});
window.addEventListener("pagehide", () => {
  const t = current();
  if (t && state.played > 0) navigator.sendBeacon("/api/listen", new Blob([JSON.stringify({ urn: t.urn, seconds: state.played })], { type: "application/json" }));
});

async function load(keep, limit) {
  // The first screenful comes first (the page is usable at once); the whole queue follows.
  const data = await api(limit ? `/api/queue?limit=${limit}` : "/api/queue");
  const judged = new Set(state.undo.map((u) => u.track.urn));
  const fresh = data.tracks.filter((t) => !judged.has(t.urn));
  const at = keep && current() ? fresh.findIndex((t) => t.urn === current().urn) : -1;
  state.queue = fresh; state.version = data.version; state.complete = !limit;
  state.pos = at >= 0 ? at : 0;
  if (keep && at >= 0) { counter(); return; }
  state.leaving = null;
  show();
}

setInterval(async () => {
  const v = await api("/api/version").catch(() => null);
  if (v && v.version !== state.version) { await load(true); say("a sync landed: the queue is fresh"); }
}, 15000);
load(false, 10)
  .then(() => { document.body.dataset.ready = "1"; return load(true); })
  .then(() => { document.body.dataset.complete = "1"; counter(); })
  .catch((e) => say(`could not load the queue: ${e.message}`));
