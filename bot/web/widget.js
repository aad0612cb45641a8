/*
 * TPM vs PM advisor: the embeddable chat widget.
 *
 * One tag embeds it:
 *   <script src="https://HOST/widget.js" data-server="wss://HOST/ws" defer></script>
 * Optional data attributes on that tag:
 *   data-server    WebSocket URL (default: /ws on the host that served this script)
 *   data-title     panel title (default "TPM vs PM advisor")
 *   data-greeting  first message shown instead of the server's welcome text
 *   data-position  "right" (default) or "left"
 *   data-open      "true": open the panel when the page loads
 *   data-storage   "local" (default: the conversation survives the tab) or "session"
 *   data-mode      "launcher" (default) or "full" (the chat fills the page)
 *   data-why       "false": no "Why this answer?" disclosure (and no "explain" asked)
 *
 * No framework, no build step, no external requests. Everything lives in a
 * Shadow DOM under <tpm-pm-advisor>, styled with a constructed style sheet
 * (so host pages need no 'unsafe-inline' in their style-src). Every string
 * from the user or the server is rendered with textContent, never as HTML.
 * Wire protocol: shared spec protocol.md (welcome, message -> reply, error,
 * reset -> reset_ok, ping -> pong, /ws?session=<id> resumes), with the 1.1
 * extras: `advice` is shown as a card (fit, then the reasons with their
 * sections), a `clarify` reply as its question with the readings as chips,
 * and every message asks `"explain": true` so that each answer carries
 * `why`, shown in a collapsed "Why this answer?" disclosure (asking again
 * later would re-run the turn and change the conversation).
 */
(function () {
  'use strict';

  var script = document.currentScript;
  if (window.__tpmPmAdvisorLoaded) return; // the tag is on the page twice
  window.__tpmPmAdvisorLoaded = true;

  // ---- configuration --------------------------------------------------------
  var data = (script && script.dataset) || {};
  var scriptUrl = new URL((script && script.src) || location.href, location.href);
  var cfg = {
    server: data.server || (scriptUrl.protocol === 'https:' ? 'wss://' : 'ws://') + scriptUrl.host + '/ws',
    title: data.title || 'TPM vs PM advisor',
    greeting: data.greeting || '',
    position: data.position === 'left' ? 'left' : 'right',
    open: data.open === '' || data.open === 'true',
    storage: data.storage === 'session' ? 'session' : 'local',
    full: data.mode === 'full',
    why: data.why !== 'false'
  };

  // Limits and timings, all in one place.
  var MAX_TEXT = 1000;            // protocol default maximum, code points
  var MAX_ITEMS = 200;            // transcript entries kept in storage
  var BACKOFF_BASE_MS = 500;      // first reconnect delay before jitter
  var BACKOFF_CAP_MS = 15000;     // longest reconnect delay
  var PING_EVERY_MS = 25000;      // application ping while connected
  var STORE_KEY = 'tpm-pm-advisor:' + cfg.server;

  // ---- persisted state ------------------------------------------------------
  function storage() {
    try { return cfg.storage === 'session' ? window.sessionStorage : window.localStorage; } catch (e) { return null; }
  }
  var state = { session: null, items: [], open: false, unread: 0, welcome: null };
  // Keeps the stored transcript entries this version can render (storage is
  // shared with the host page and with other versions of the widget).
  function validItems(items) {
    return (Array.isArray(items) ? items : []).filter(function (it) {
      return it && typeof it.text === 'string' && /^(user|bot|note)$/.test(it.k) &&
        (it.sug === undefined || Array.isArray(it.sug)) && (it.sources === undefined || Array.isArray(it.sources));
    });
  }
  try {
    var saved = JSON.parse((storage() && storage().getItem(STORE_KEY)) || 'null');
    if (saved && Array.isArray(saved.items)) {
      state = Object.assign(state, saved);
      state.items = validItems(saved.items);
      if (typeof state.session !== 'string') state.session = null;
      state.unread = Number(state.unread) || 0;
    }
  } catch (e) { /* unreadable storage: start fresh */ }
  function save() {
    try {
      if (state.items.length > MAX_ITEMS) state.items = state.items.slice(-MAX_ITEMS);
      var s = storage();
      if (s) s.setItem(STORE_KEY, JSON.stringify(state));
    } catch (e) { /* full or disabled storage: keep going in memory */ }
  }

  // ---- DOM helpers ----------------------------------------------------------
  function h(tag, attrs, kids) {
    var el = document.createElement(tag);
    for (var k in attrs || {}) {
      var v = attrs[k];
      if (v === null || v === undefined || v === false) continue;
      if (k === 'text') el.textContent = v;
      else if (k === 'class') el.className = v;
      else if (k.slice(0, 2) === 'on') el.addEventListener(k.slice(2), v);
      else el.setAttribute(k, v === true ? '' : v);
    }
    (kids || []).forEach(function (c) { if (c) el.appendChild(typeof c === 'string' ? document.createTextNode(c) : c); });
    return el;
  }
  var ICONS = {
    chat: 'M4 4h16a2 2 0 0 1 2 2v10a2 2 0 0 1-2 2H9l-5 4v-4H4a2 2 0 0 1-2-2V6a2 2 0 0 1 2-2z',
    close: 'M6 6l12 12M18 6L6 18',
    down: 'M6 9l6 6 6-6',
    send: 'M4 12l16-8-6 16-2-7-8-1z',
    reset: 'M4 4v6h6M20 20v-6h-6M5.5 15a7 7 0 0 0 12.3 2M18.5 9A7 7 0 0 0 6.2 7'
  };
  function icon(name, filled) {
    var ns = 'http://www.w3.org/2000/svg';
    var svg = document.createElementNS(ns, 'svg');
    svg.setAttribute('viewBox', '0 0 24 24');
    svg.setAttribute('aria-hidden', 'true');
    svg.setAttribute('focusable', 'false');
    var p = document.createElementNS(ns, 'path');
    p.setAttribute('d', ICONS[name]);
    p.setAttribute('fill', filled ? 'currentColor' : 'none');
    p.setAttribute('stroke', 'currentColor');
    p.setAttribute('stroke-width', filled ? '1.5' : '2.2');
    p.setAttribute('stroke-linecap', 'round');
    p.setAttribute('stroke-linejoin', 'round');
    svg.appendChild(p);
    return svg;
  }

  var CSS = [
    ':host{all:initial}',
    '*,*::before,*::after{box-sizing:border-box}',
    '.root{font:15px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif;color:#1b1f27;',
    '-webkit-font-smoothing:antialiased;text-align:left}',
    '.sr{position:absolute;width:1px;height:1px;margin:-1px;padding:0;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap;border:0}',
    'button{font:inherit;cursor:pointer}',
    'button:focus-visible,textarea:focus-visible,.scroller:focus-visible,.table-wrap:focus-visible{outline:2px solid transparent;',
    'box-shadow:0 0 0 2px #fff,0 0 0 5px #1d4ed8}',
    '.launcher{position:fixed;bottom:20px;right:20px;z-index:2147483000;width:60px;height:60px;border-radius:50%;border:0;',
    'background:#1d4ed8;color:#fff;display:flex;align-items:center;justify-content:center;',
    'box-shadow:0 6px 20px rgba(17,24,39,.28);transition:transform .15s ease}',
    '.launcher:hover{transform:scale(1.05);background:#1e40af}',
    '.launcher svg{width:28px;height:28px}',
    '.left .launcher{right:auto;left:20px}',
    '.badge{position:absolute;top:-4px;right:-4px;min-width:22px;height:22px;padding:0 6px;border-radius:11px;',
    'background:#b91c1c;color:#fff;font-size:12px;font-weight:700;line-height:22px;text-align:center;border:2px solid #fff}',
    '.badge[hidden]{display:none}',
    '.panel{position:fixed;bottom:92px;right:20px;z-index:2147483000;width:380px;max-width:calc(100vw - 24px);',
    'height:600px;max-height:calc(100vh - 112px);display:flex;flex-direction:column;background:#fff;border-radius:16px;',
    'overflow:hidden;box-shadow:0 12px 40px rgba(17,24,39,.25),0 0 0 1px rgba(17,24,39,.08);',
    'animation:rise .18s ease-out}',
    '.left .panel{right:auto;left:20px}',
    '.panel[hidden]{display:none}',
    '@keyframes rise{from{opacity:0;transform:translateY(12px)}to{opacity:1;transform:none}}',
    'header{display:flex;align-items:center;gap:8px;padding:12px 10px 12px 16px;background:#1d4ed8;color:#fff}',
    '.heading{flex:1;min-width:0}',
    'h2{margin:0;font-size:16px;font-weight:650;line-height:1.3;white-space:nowrap;overflow:hidden;text-overflow:ellipsis}',
    '.status{margin:2px 0 0;font-size:12.5px;color:#e0e7ff;display:flex;align-items:center;gap:6px}',
    '.dot{width:8px;height:8px;border-radius:50%;background:#cbd5e1;flex:none}',
    '.online .dot{background:#4ade80}.connecting .dot,.reconnecting .dot{background:#fbbf24}',
    '.hbtn{width:36px;height:36px;border:0;border-radius:8px;background:transparent;color:#fff;display:flex;',
    'align-items:center;justify-content:center;flex:none}',
    '.hbtn:hover{background:rgba(255,255,255,.16)}',
    '.hbtn svg{width:20px;height:20px}',
    '.scroller{position:relative;flex:1;overflow-y:auto;padding:16px 14px 8px;background:#f8f9fb;overscroll-behavior:contain}',
    '.log{display:flex;flex-direction:column;gap:12px}',
    '.row{display:flex;flex-direction:column;max-width:88%}',
    '.row.user{align-self:flex-end;align-items:flex-end}',
    '.row.bot,.row.note{align-self:flex-start}',
    '.bubble{padding:9px 13px;border-radius:16px;white-space:pre-wrap;overflow-wrap:anywhere}',
    '.user .bubble{background:#1d4ed8;color:#fff;border-bottom-right-radius:4px}',
    '.bot .bubble{background:#fff;color:#1b1f27;border:1px solid #e2e5ea;border-bottom-left-radius:4px}',
    '.note .bubble{background:#fff7ed;color:#7c2d12;border:1px solid #fed7aa;font-size:13.5px}',
    '.meta{margin-top:3px;font-size:12px;color:#4b5563}',
    '.sources{margin:5px 0 0 4px;font-size:12px;color:#4b5563}',
    '.sources ul,.sources li{display:inline;margin:0;padding:0;list-style:none}',
    '.sources li+li::before{content:" \\00B7  "}',
    '.sources cite{font-style:normal;font-weight:600;color:#374151}',
    '.table-wrap{margin-top:8px;max-width:100%;overflow-x:auto;border:1px solid #e2e5ea;border-radius:10px;background:#fff}',
    '.row.has-table{max-width:100%;width:100%}',
    'table{border-collapse:collapse;width:100%;font-size:12.5px;line-height:1.35;white-space:normal}',
    'th,td{padding:6px 7px;text-align:left;vertical-align:top;border-bottom:1px solid #eef0f3}',
    'details{margin-top:6px;font-size:13px}',
    'summary{cursor:pointer;color:#1d4ed8;width:max-content;max-width:100%;border-radius:4px;padding:2px 4px}',
    'summary:focus-visible{outline:2px solid transparent;box-shadow:0 0 0 2px #fff,0 0 0 4px #1d4ed8}',
    'details .bubble{margin-top:6px;background:#fff;border:1px solid #e2e5ea;font-size:14px}',
    'thead th{background:#eef2ff;color:#1e3a8a;font-weight:650}',
    'tbody th{font-weight:600;color:#374151;background:#fafbfc}',
    'tr:last-child th,tr:last-child td{border-bottom:0}',
    '.advice{margin-top:8px;padding:9px 12px;border:1px solid #c7d2fe;border-left:4px solid #1d4ed8;border-radius:10px;',
    'background:#fff;font-size:13.5px}',
    '.advice p{margin:0;font-weight:650;color:#1e3a8a}',
    '.advice ul{margin:4px 0 0;padding-left:18px}.advice li{margin-top:3px}',
    '.advice cite,.why li b{font-style:normal;font-weight:600;color:#374151}',
    '.why ul{margin:4px 0 0;padding:8px 10px 8px 26px;background:#fff;border:1px solid #e2e5ea;border-radius:10px;',
    'font-size:12.5px;overflow-wrap:anywhere}',
    '.clarify .chips::before{content:attr(aria-label);flex-basis:100%;font-size:12.5px;color:#4b5563}',
    '.chips{display:flex;flex-wrap:wrap;gap:6px;margin-top:8px}',
    '.chip{border:1px solid #1d4ed8;color:#1d4ed8;background:#fff;border-radius:999px;padding:6px 12px;font-size:13.5px;',
    'line-height:1.25;text-align:left}',
    '.chip:hover:not(:disabled){background:#eef2ff}',
    '.chip:disabled{cursor:default;border-color:#d1d5db;color:#4b5563;background:#f3f4f6}',
    '.chip.picked:disabled{border-color:#1d4ed8;color:#1e3a8a;background:#e0e7ff}',
    '.typing{display:flex;gap:4px;align-items:center;padding:12px 14px;margin-top:12px;width:max-content;background:#fff;',
    'border:1px solid #e2e5ea;border-radius:16px;border-bottom-left-radius:4px}',
    '.typing[hidden]{display:none}',
    '.typing i{width:7px;height:7px;border-radius:50%;background:#6b7280;animation:blink 1.2s infinite ease-in-out}',
    '.typing i:nth-child(2){animation-delay:.2s}.typing i:nth-child(3){animation-delay:.4s}',
    '@keyframes blink{0%,80%,100%{opacity:.3;transform:translateY(0)}40%{opacity:1;transform:translateY(-3px)}}',
    'form{display:flex;gap:8px;align-items:flex-end;padding:10px 12px;border-top:1px solid #e5e7eb;background:#fff}',
    'textarea{flex:1;min-width:0;resize:none;font:inherit;color:#1b1f27;background:#fff;border:1px solid #6b7280;',
    'border-radius:12px;padding:9px 12px;max-height:120px;line-height:1.4}',
    'textarea::placeholder{color:#6b7280}',
    'textarea:focus-visible{border-color:#1d4ed8;box-shadow:0 0 0 2px #1d4ed8}',
    '.send{width:42px;height:42px;border-radius:50%;border:0;background:#1d4ed8;color:#fff;display:flex;align-items:center;',
    'justify-content:center;flex:none}',
    '.send:hover{background:#1e40af}',
    '.send svg{width:20px;height:20px}',
    '.foot{margin:0;padding:0 12px 8px;background:#fff;font-size:11.5px;color:#4b5563;text-align:center}',
    '@media (max-width:480px){.panel{inset:0;width:100%;max-width:none;height:100%;max-height:none;border-radius:0}',
    '.open .launcher{display:none}.scroller{padding:12px 8px 8px}.row{max-width:92%}table{font-size:12px}th,td{padding:5px}}',
    '.full .panel{inset:0;width:100%;max-width:none;height:100%;max-height:none;border-radius:0;box-shadow:none;animation:none}',
    '.full .log,.full form,.full .foot{width:100%;max-width:760px;margin-left:auto;margin-right:auto}',
    '.full form{border-top:0}',
    '.full .inner-form{border-top:1px solid #e5e7eb;background:#fff}',
    '@media (prefers-reduced-motion:reduce){*{animation:none!important;transition:none!important;scroll-behavior:auto!important}}',
    '@media (forced-colors:active){.bubble,.chip,.launcher,.send{border:1px solid CanvasText}}'
  ].join('\n');

  // ---- the widget's DOM -----------------------------------------------------
  var host = document.createElement('tpm-pm-advisor');
  // Inline !important beats any host style sheet, even one with !important.
  ['all:initial', 'display:block', 'position:static', 'contain:none'].forEach(function (d) {
    var i = d.indexOf(':');
    host.style.setProperty(d.slice(0, i), d.slice(i + 1), 'important');
  });
  var shadow = host.attachShadow({ mode: 'open' });
  if ('adoptedStyleSheets' in shadow && window.CSSStyleSheet) {
    var sheet = new CSSStyleSheet();
    sheet.replaceSync(CSS);
    shadow.adoptedStyleSheets = [sheet];
  } else {
    shadow.appendChild(h('style', { text: CSS }));
  }

  var badge = h('span', { class: 'badge', 'aria-hidden': 'true', hidden: true });
  var launcher = h('button', { type: 'button', class: 'launcher', 'aria-controls': 'panel', 'aria-expanded': 'false',
    onclick: function () { if (panel.hidden) openPanel(); else closePanel(); } }, [icon('chat', true), badge]);
  var statusText = h('span', { text: 'Connecting…' });
  var status = h('p', { class: 'status connecting', role: 'status' }, [h('span', { class: 'dot', 'aria-hidden': 'true' }), statusText]);
  var resetBtn = h('button', { type: 'button', class: 'hbtn reset', title: 'New conversation',
    'aria-label': 'Start a new conversation', onclick: resetConversation }, [icon('reset')]);
  var closeBtn = cfg.full ? null : h('button', { type: 'button', class: 'hbtn close', title: 'Close',
    'aria-label': 'Close chat', onclick: function () { closePanel(); } }, [icon('down')]);
  var log = h('div', { class: 'log', role: 'log', 'aria-live': 'polite', 'aria-relevant': 'additions',
    'aria-label': 'Conversation' });
  var typing = h('div', { class: 'typing', hidden: true }, [h('i'), h('i'), h('i'),
    h('span', { class: 'sr', text: 'The advisor is typing…' })]);
  var scroller = h('div', { class: 'scroller', tabindex: '0', 'aria-label': 'Conversation transcript' }, [log, typing]);
  var input = h('textarea', { id: 'input', rows: '1', maxlength: String(MAX_TEXT), autocomplete: 'off',
    placeholder: 'Ask about TPM and PM roles…', 'aria-describedby': 'hint' });
  var form = h('form', { 'aria-label': 'Send a message', onsubmit: function (e) { e.preventDefault(); submitInput(); } }, [
    h('label', { class: 'sr', for: 'input', text: 'Your question' }),
    input,
    h('button', { type: 'submit', class: 'send', 'aria-label': 'Send' }, [icon('send', true)])
  ]);
  var panel = h('section', { id: 'panel', class: 'panel', role: cfg.full ? 'region' : 'dialog', 'aria-label': cfg.title,
    hidden: true }, [
    h('header', {}, [h('div', { class: 'heading' }, [h('h2', { text: cfg.title }), status]), resetBtn, closeBtn]),
    scroller,
    h('div', { class: 'inner-form' }, [form,
      h('p', { id: 'hint', class: 'foot', text: 'Rule-based advisor. Answers cite the article section they come from.' })])
  ]);
  var root = h('div', { class: 'root ' + cfg.position + (cfg.full ? ' full' : '') }, [cfg.full ? null : launcher, panel]);
  shadow.appendChild(root);

  panel.addEventListener('keydown', function (e) {
    if (e.key === 'Escape' && !cfg.full) { e.preventDefault(); closePanel(); }
  });
  input.addEventListener('keydown', function (e) {
    if (e.key === 'Enter' && !e.shiftKey && !e.isComposing) { e.preventDefault(); submitInput(); }
  });
  input.addEventListener('input', autosize);
  function autosize() {
    input.style.height = 'auto';
    input.style.height = Math.min(input.scrollHeight + 2, 120) + 'px';
  }

  // ---- rendering ------------------------------------------------------------
  var views = new Map(); // item -> element

  function render(item) {
    var el;
    if (item.k === 'user') {
      el = h('div', { class: 'row user' }, [
        h('span', { class: 'sr', text: 'You said:' }),
        h('div', { class: 'bubble', text: item.text }),
        item.status === 'queued' ? h('span', { class: 'meta', text: 'Not sent yet: waiting for the connection' }) : null
      ]);
    } else if (item.k === 'note') {
      el = h('div', { class: 'row note' }, [h('div', { class: 'bubble', text: item.text })]);
    } else {
      var hasTable = item.table && Array.isArray(item.table.columns) && Array.isArray(item.table.rows);
      // With a table, the bubble keeps the text's closing summary; the whole
      // text (which restates the table) stays one click away.
      var paras = hasTable ? item.text.split(/\n\s*\n/) : [item.text];
      el = h('div', { class: 'row bot' + (hasTable ? ' has-table' : ''), 'data-intent': item.intent || null }, [
        h('span', { class: 'sr', text: 'The advisor said:' }),
        h('div', { class: 'bubble', text: paras[paras.length - 1] })
      ]);
      if (hasTable) el.appendChild(renderTable(item.table));
      if (paras.length > 1) {
        el.appendChild(h('details', { class: 'full-text' }, [h('summary', { text: 'Read the whole answer as text' }),
          h('div', { class: 'bubble', text: item.text })]));
      }
      if (obj(item.advice)) el.appendChild(renderAdvice(item.advice));
      if (item.sources && item.sources.length) {
        el.appendChild(h('div', { class: 'sources' }, [
          h('span', { text: item.sources.length > 1 ? 'Sources: ' : 'Source: ' }),
          h('ul', { 'aria-label': 'Sources' }, item.sources.map(function (s) {
            return h('li', {}, [h('cite', { text: String(s.section) })]);
          }))
        ]));
      }
      if (obj(item.why)) el.appendChild(renderWhy(item.why));
      if (item.clarify) el.classList.add('clarify');
      if (item.sug && item.sug.length) {
        el.appendChild(h('div', { class: 'chips', role: 'group',
          'aria-label': item.clarify ? 'Which did you mean?' : 'Suggested questions' },
          item.sug.map(function (s) {
            return h('button', { type: 'button', class: 'chip' + (item.picked === s ? ' picked' : ''),
              disabled: !!item.done, 'aria-pressed': item.picked === s ? 'true' : null,
              text: s, onclick: function () { pick(item, s); } });
          })));
      }
    }
    return el;
  }

  // Protocol 1.1 advice: the fit, then one reason per thing the person said.
  var ROLE = { tpm: 'TPM', pm: 'PM', neither: 'neither role' };
  var FIT = { tpm: 'TPM', pm: 'PM', either: 'either role' };
  function renderAdvice(a) {
    return h('div', { class: 'advice', role: 'group', 'aria-label': 'Advice' }, [
      h('p', { text: 'Best fit: ' + (FIT[a.fit] || str(a.fit)) }),
      h('ul', {}, list(a.reasons).map(function (r) {
        r = r || {};
        return h('li', {}, [
          '\u201C' + str(r.said) + '\u201D \u2192 ' + (ROLE[r.points_to] || str(r.points_to)) +
            (r.because ? ': ' + str(r.because) : ''),
          r.section && r.points_to !== 'neither' ? ' (' : null,
          r.section && r.points_to !== 'neither' ? h('cite', { text: str(r.section) }) : null,
          r.section && r.points_to !== 'neither' ? ')' : null
        ]);
      }))
    ]);
  }

  // Protocol 1.1 why: a collapsed disclosure under the answer.
  function renderWhy(w) {
    function reading(r) {
      r = r || {};
      return str(r.intent) + (list(r.roles).length ? ' (' + list(r.roles).map(function (x) { return ROLE[x] || str(x); }).join(', ') + ')' : '');
    }
    var lines = [['Read as', str(w.normalized)]];
    if (list(w.corrections).length) {
      lines.push(['Corrected', list(w.corrections).map(function (c) { c = c || {}; return str(c.from) + ' \u2192 ' + str(c.to); }).join(', ')]);
    }
    lines.push(['Rule', (str(w.rule) || 'none') + (w.file ? ' (' + str(w.file) + (w.line > 0 ? ':' + w.line : '') + ')' : '')]);
    if (w.matched) lines.push(['Matched', '\u201C' + str(w.matched) + '\u201D']);
    if (w.context) lines.push(['Context', reading(w.context)]);
    list(w.runner_up).forEach(function (r) {
      r = r || {};
      lines.push(['Runner-up', reading(r) + (typeof r.score === 'number' ? ', score ' + r.score : '') +
        (r.rule ? ', rule ' + str(r.rule) : '') + (r.lost ? ': ' + str(r.lost) : '')]);
    });
    return h('details', { class: 'why' }, [h('summary', { text: 'Why this answer?' }),
      h('ul', {}, lines.map(function (l) { return h('li', {}, [h('b', { text: l[0] + ': ' }), l[1]]); }))]);
  }
  function list(x) { return Array.isArray(x) ? x : []; }
  function str(x) { return x === null || x === undefined ? '' : String(x); }
  function obj(x) { return x && typeof x === 'object' && !Array.isArray(x) ? x : null; }

  function renderTable(t) {
    var cols = t.columns.map(String);
    var table = h('table', {}, [
      h('caption', { class: 'sr', text: 'Comparison: ' + cols.join(', ') }),
      h('thead', {}, [h('tr', {}, cols.map(function (c) { return h('th', { scope: 'col', text: c }); }))]),
      h('tbody', {}, t.rows.map(function (row) {
        return h('tr', {}, (Array.isArray(row) ? row : []).map(function (cell, i) {
          return i === 0 ? h('th', { scope: 'row', text: String(cell) }) : h('td', { text: String(cell) });
        }));
      }))
    ]);
    return h('div', { class: 'table-wrap', tabindex: '0', role: 'region', 'aria-label': 'Comparison table' }, [table]);
  }

  function append(item, quiet) {
    state.items.push(item);
    var el = render(item);
    views.set(item, el);
    log.appendChild(el);
    if (!quiet) { save(); scrollTo(el, item.k !== 'user'); }
    return item;
  }

  function refresh(item) {
    var old = views.get(item);
    if (!old) return;
    var el = render(item);
    var focused = shadow.activeElement && old.contains(shadow.activeElement);
    old.replaceWith(el);
    views.set(item, el);
    if (focused) input.focus();
  }

  function scrollTo(el, showTop) {
    requestAnimationFrame(function () {
      if (showTop && el.offsetHeight > scroller.clientHeight - 40) scroller.scrollTop = el.offsetTop - 12;
      else scroller.scrollTop = scroller.scrollHeight;
    });
  }

  function redrawAll() {
    views.clear();
    log.textContent = '';
    var items = state.items;
    state.items = [];
    items.forEach(function (it) { append(it, true); });
    scroller.scrollTop = scroller.scrollHeight;
  }

  function setStatus(kind, text) {
    status.className = 'status ' + kind;
    statusText.textContent = text;
  }

  function updateBadge() {
    badge.hidden = state.unread === 0;
    badge.textContent = state.unread > 9 ? '9+' : String(state.unread);
    var label = panel.hidden ? 'Open chat: ' + cfg.title : 'Close chat';
    if (state.unread && panel.hidden) label += ' (' + state.unread + ' unread)';
    launcher.setAttribute('aria-label', label);
    launcher.setAttribute('aria-expanded', panel.hidden ? 'false' : 'true');
    launcher.replaceChild(icon(panel.hidden ? 'chat' : 'close', panel.hidden), launcher.firstChild);
  }

  function updateTyping() {
    typing.hidden = inflight.size === 0;
    if (!typing.hidden) scroller.scrollTop = scroller.scrollHeight;
  }

  // ---- conversation ---------------------------------------------------------
  var ws = null, welcomed = false, attempts = 0, retryTimer = 0, pingTimer = 0, awaitingPong = false;
  var resets = new Set();   // ids of reset frames sent
  var outbox = [];          // user items waiting to be sent, in order
  var inflight = new Map(); // id -> user item sent and not yet answered
  var seq = 0;

  function newId() { return 'w' + Date.now().toString(36) + '-' + (++seq); }

  function welcomeItem() {
    var w = state.welcome || {};
    return { k: 'bot', text: cfg.greeting || String(w.text || '') ||
      'Hi! Ask me how a Technical Program Manager and a Product Manager differ.',
      sug: Array.isArray(w.suggestions) ? w.suggestions.map(String) : [] };
  }

  function retireChips() {
    state.items.forEach(function (it) {
      if (it.k === 'bot' && it.sug && it.sug.length && !it.done) { it.done = true; refresh(it); }
    });
  }

  function send(text) {
    text = String(text).trim();
    if (!text) return false;
    if (Array.from(text).length > MAX_TEXT) {
      append({ k: 'note', text: 'That message is too long. Please keep it under ' + MAX_TEXT + ' characters.' });
      return false;
    }
    retireChips();
    var item = append({ k: 'user', text: text, id: newId(), status: 'queued' });
    outbox.push(item);
    flush();
    connect();
    if (!welcomed && retryTimer) setStatus('reconnecting', 'Offline: will send when reconnected');
    return true;
  }

  function submitInput() {
    if (send(input.value)) { input.value = ''; autosize(); }
    input.focus();
  }

  function pick(item, text) {
    if (item.done) return;
    item.picked = text;
    send(text);            // retires every chip group, this one included
    item.done = true;
    refresh(item);
    save();
  }

  function flush() {
    if (!ws || ws.readyState !== 1 || !welcomed) return;
    while (outbox.length) {
      var item = outbox.shift();
      var frame = { type: 'message', text: item.text, id: item.id };
      if (cfg.why) frame.explain = true; // protocol 1.1: the reply carries `why`
      ws.send(JSON.stringify(frame));
      inflight.set(item.id, item);
      if (item.status !== 'sent') { item.status = 'sent'; refresh(item); }
    }
    save();
    updateTyping();
  }

  var ERRORS = {
    too_long: 'That message is too long. Please keep it under ' + MAX_TEXT + ' characters.',
    rate_limited: 'You are sending messages very quickly. Please wait a moment and ask again.',
    bad_request: 'That message could not be read. Please type a question.'
  };

  function onFrame(ev) {
    var m;
    try { m = JSON.parse(ev.data); } catch (e) { return; }
    if (!m || typeof m !== 'object') return;
    if (m.type === 'welcome') {
      var resumed = state.session && m.session === state.session;
      var hadTalk = state.items.some(function (it) { return it.k === 'user'; });
      if (state.session && !resumed && hadTalk) {
        append({ k: 'note', text: 'Reconnected. The advisor restarted and has forgotten the earlier context, ' +
          'so name the role in your next question.' });
      }
      state.session = typeof m.session === 'string' ? m.session : null;
      state.welcome = { text: String(m.text || ''), suggestions: Array.isArray(m.suggestions) ? m.suggestions.map(String) : [] };
      if (!state.items.length) append(welcomeItem());
      welcomed = true;
      attempts = 0;
      setStatus('online', 'Online');
      save();
      flush();
    } else if ((m.type === 'reply' || m.type === 'reset_ok') && resets.has(m.reply_to)) {
      resets.delete(m.reply_to); // a reset's answer: the fresh welcome is already shown
    } else if (m.type === 'reply' || m.type === 'error') {
      var asked = inflight.get(m.reply_to);
      if (asked) {
        inflight.delete(m.reply_to);
        asked.status = 'answered';
      }
      if (m.type === 'reply') {
        append({ k: 'bot', text: String(m.text || ''), intent: typeof m.intent === 'string' ? m.intent : null,
          sources: Array.isArray(m.sources) ? m.sources.filter(function (s) { return s && s.section; }) : [],
          sug: Array.isArray(m.suggestions) ? m.suggestions.map(String) : [],
          table: m.table && typeof m.table === 'object' ? m.table : null,
          advice: obj(m.advice), clarify: m.clarify === true || null, why: cfg.why ? obj(m.why) : null });
      } else {
        append({ k: 'note', text: ERRORS[m.code] || 'Sorry, that message could not be answered. Please try again.' });
      }
      if (panel.hidden) { state.unread++; updateBadge(); }
      save();
      updateTyping();
    } else if (m.type === 'pong') {
      awaitingPong = false;
    }
  }

  function connect() {
    if (ws || retryTimer) return;
    var url = cfg.server;
    if (state.session) url += (url.indexOf('?') < 0 ? '?' : '&') + 'session=' + encodeURIComponent(state.session);
    welcomed = false;
    setStatus(attempts ? 'reconnecting' : 'connecting', attempts ? 'Reconnecting…' : 'Connecting…');
    try { ws = new WebSocket(url); } catch (e) { ws = null; scheduleReconnect(); return; }
    ws.onmessage = onFrame;
    ws.onclose = onClose;
    ws.onerror = function () { /* onclose follows */ };
    clearInterval(pingTimer);
    awaitingPong = false;
    pingTimer = setInterval(function () {
      if (!ws || ws.readyState !== 1) return;
      if (awaitingPong) { ws.close(); return; } // no answer to the last ping: the link is dead
      awaitingPong = true;
      ws.send(JSON.stringify({ type: 'ping' }));
    }, PING_EVERY_MS);
  }

  function onClose() {
    ws = null;
    welcomed = false;
    clearInterval(pingTimer);
    // Questions sent but unanswered go out again, first, once reconnected.
    var pending = Array.from(inflight.values());
    inflight.clear();
    pending.forEach(function (it) { it.status = 'queued'; refresh(it); });
    outbox = pending.concat(outbox);
    updateTyping();
    save();
    scheduleReconnect();
  }

  // Exponential backoff with jitter: a random delay in [d/2, d], where d
  // doubles from BACKOFF_BASE_MS up to BACKOFF_CAP_MS.
  function scheduleReconnect() {
    var d = Math.min(BACKOFF_CAP_MS, BACKOFF_BASE_MS * Math.pow(2, attempts));
    var delay = Math.round(d / 2 + Math.random() * d / 2);
    attempts++;
    setStatus('reconnecting', outbox.length ? 'Offline: will send when reconnected' : 'Offline: reconnecting…');
    retryTimer = setTimeout(function () { retryTimer = 0; connect(); }, delay);
  }

  // Another tab of this site changed the shared conversation (local storage
  // only): show it here too, unless this tab is itself waiting for replies.
  window.addEventListener('storage', function (e) {
    if (e.key !== STORE_KEY || !e.newValue || e.storageArea !== storage()) return;
    if (outbox.length || inflight.size) return;
    var other;
    try { other = JSON.parse(e.newValue); } catch (x) { return; }
    if (!other || !Array.isArray(other.items)) return;
    state.items = validItems(other.items);
    state.welcome = other.welcome || state.welcome;
    redrawAll();
    if (typeof other.session === 'string' && other.session !== state.session) {
      state.session = other.session;
      if (ws) ws.close(); // reconnects to the other tab's server-side context
    }
  });

  window.addEventListener('online', function () {
    if (!retryTimer) return;
    clearTimeout(retryTimer);
    retryTimer = 0;
    connect();
  });

  function resetConversation() {
    outbox = [];
    inflight.clear();
    updateTyping();
    state.items = [];
    state.unread = 0;
    if (ws && welcomed) {
      var id = newId();
      resets.add(id);
      ws.send(JSON.stringify({ type: 'reset', id: id }));
    }
    else state.session = null; // the next connection starts a fresh conversation
    redrawAll();
    append(welcomeItem());
    input.focus();
  }

  // ---- opening and closing --------------------------------------------------
  function openPanel() {
    panel.hidden = false;
    root.classList.add('open');
    state.open = true;
    state.unread = 0;
    updateBadge();
    save();
    scroller.scrollTop = scroller.scrollHeight;
    input.focus();
    connect();
  }

  function closePanel() {
    panel.hidden = true;
    root.classList.remove('open');
    state.open = false;
    updateBadge();
    save();
    launcher.focus();
  }

  // ---- start ----------------------------------------------------------------
  function start() {
    document.body.appendChild(host);
    state.items.forEach(function (it) {
      if (it.k === 'user' && (it.status === 'queued' || it.status === 'sent')) { it.status = 'queued'; outbox.push(it); }
    });
    redrawAll();
    updateBadge();
    if (cfg.full || cfg.open || state.open) {
      panel.hidden = false;
      root.classList.add('open');
      updateBadge();
      scroller.scrollTop = scroller.scrollHeight;
    }
    // A visitor who never opens the chat costs the server no connection; a
    // returning one reconnects at once to resume the conversation.
    if (!panel.hidden || state.items.length) connect();
  }
  if (document.body) start();
  else document.addEventListener('DOMContentLoaded', start);
})();
