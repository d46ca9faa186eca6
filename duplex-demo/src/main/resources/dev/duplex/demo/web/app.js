/* Duplex demo page: plain JavaScript on the official socket.io-client browser bundle. */
(function () {
  'use strict';

  var cfg = window.DUPLEX_DEMO || { path: '/socket.io/', serveClient: true, defaultToken: '' };
  var $ = function (id) { return document.getElementById(id); };
  var state = {
    socket: null,
    nickname: null,
    rooms: [],
    ticks: 0,
    typing: false,
    typingTimer: null,
    typers: {},
    chart: null,
    series: [[], [], [], []]
  };

  function clock() {
    return new Date().toLocaleTimeString([], { hour: '2-digit', minute: '2-digit', second: '2-digit' });
  }

  function el(tag, className, text) {
    var e = document.createElement(tag);
    if (className) e.className = className;
    if (text !== undefined && text !== null) e.textContent = text;
    return e;
  }

  // ---------------------------------------------------------------- connection state

  function logEvent(name, detail) {
    var list = $('events');
    var li = el('li');
    li.dataset.event = name;
    li.appendChild(el('span', 't', clock()));
    li.appendChild(el('span', 'name', name));
    if (detail !== undefined && detail !== null && detail !== '') li.appendChild(el('span', 'detail', String(detail)));
    list.insertBefore(li, list.firstChild);
    while (list.children.length > 60) list.removeChild(list.lastChild);
  }

  function setStatus(kind, text) {
    $('status-pill').dataset.state = kind;
    $('status').textContent = text;
  }

  function setTransport(name) {
    var t = $('transport');
    t.textContent = name || '—';
    t.className = 'badge' + (name ? ' ' + name : '');
  }

  function showError(message) {
    var e = $('connect-error');
    if (message) {
      e.textContent = message;
      e.hidden = false;
    } else {
      e.textContent = '';
      e.hidden = true;
    }
  }

  // ---------------------------------------------------------------- chat

  function scrollMessages() {
    var m = $('messages');
    m.scrollTop = m.scrollHeight;
  }

  function clearEmpty() {
    var empty = $('messages').querySelector('li.empty');
    if (empty) empty.remove();
  }

  function addSystem(kind, text, about) {
    clearEmpty();
    var li = el('li', 'system ' + kind, text);
    li.dataset.kind = kind;
    if (about) li.dataset.about = about;
    $('messages').appendChild(li);
    scrollMessages();
  }

  function addChat(m) {
    clearEmpty();
    var mine = state.socket && m.id === state.socket.id;
    var li = el('li', 'msg' + (mine ? ' mine' : ''));
    li.dataset.kind = 'message';
    var who = el('span', 'who', m.nickname || 'anonymous');
    if (m.room) who.appendChild(el('span', 'room', '#' + m.room));
    who.appendChild(el('span', 'time', m.time ? new Date(m.time).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' }) : ''));
    li.appendChild(who);
    li.appendChild(el('span', 'text', m.text));
    $('messages').appendChild(li);
    scrollMessages();
  }

  function renderTypers() {
    var now = Date.now();
    var names = [];
    Object.keys(state.typers).forEach(function (id) {
      if (state.typers[id].until < now) delete state.typers[id];
      else names.push(state.typers[id].nickname);
    });
    var text = '';
    if (names.length === 1) text = names[0] + ' is typing…';
    else if (names.length === 2) text = names[0] + ' and ' + names[1] + ' are typing…';
    else if (names.length > 2) text = names.length + ' people are typing…';
    $('typing').textContent = text;
  }
  setInterval(renderTypers, 1000);

  function setTyping(on) {
    if (!state.socket || !state.nickname || state.typing === on) return;
    state.typing = on;
    state.socket.emit('typing', { typing: on, room: $('target').value || null });
  }

  function enableChat(on) {
    $('message').disabled = !on;
    $('send-button').disabled = !on;
    $('message').placeholder = on ? 'Write a message…' : 'Join the chat first';
  }

  // ---------------------------------------------------------------- rooms

  function renderRooms() {
    var list = $('rooms');
    list.textContent = '';
    var target = $('target');
    var selected = target.value;
    target.textContent = '';
    target.appendChild(new Option('Everyone', ''));
    if (!state.rooms.length) list.appendChild(el('li', 'muted none', 'No room yet'));
    state.rooms.forEach(function (room) {
      var li = el('li', 'room-chip', '#' + room);
      li.dataset.room = room;
      var leave = el('button', null, 'Leave');
      leave.type = 'button';
      leave.addEventListener('click', function () { leaveRoom(room); });
      li.appendChild(leave);
      list.appendChild(li);
      target.appendChild(new Option('#' + room, room));
    });
    target.value = state.rooms.indexOf(selected) >= 0 ? selected : '';
  }

  function joinRoom(room) {
    if (!state.socket) return;
    state.socket.timeout(5000).emit('join room', room, function (err, res) {
      if (err) return addSystem('notice', 'No answer from the server to "join room"');
      if (!res || !res.ok) return addSystem('notice', (res && res.error) || 'Could not join the room');
      state.rooms = res.rooms;
      renderRooms();
      $('target').value = res.room;
    });
  }

  function leaveRoom(room) {
    if (!state.socket) return;
    state.socket.timeout(5000).emit('leave room', room, function (err, res) {
      if (err || !res || !res.ok) return;
      state.rooms = res.rooms;
      renderRooms();
    });
  }

  // ---------------------------------------------------------------- monitoring

  function formatMb(bytes) {
    return (bytes / (1024 * 1024)).toFixed(1) + ' MB';
  }

  function formatUptime(s) {
    var h = Math.floor(s / 3600), m = Math.floor((s % 3600) / 60), sec = s % 60;
    return 'server up ' + (h ? h + 'h ' : '') + (h || m ? m + 'm ' : '') + sec + 's';
  }

  function makeChart() {
    if (typeof window.uPlot !== 'function') return null;
    var box = $('chart');
    var css = getComputedStyle(document.documentElement);
    var color = function (name) { return css.getPropertyValue(name).trim(); };
    var opts = {
      width: Math.max(300, box.clientWidth),
      height: 240,
      cursor: { drag: { x: false, y: false } },
      scales: { x: { time: true }, mb: { range: function (u, min, max) { return [0, Math.max(16, max * 1.2)]; } },
                y: { range: function (u, min, max) { return [0, Math.max(4, Math.ceil(max * 1.25))]; } } },
      series: [
        {},
        { label: 'clients', stroke: color('--c1'), width: 2, scale: 'y', points: { show: false } },
        { label: 'messages/s', stroke: color('--c2'), width: 2, fill: 'rgba(245, 158, 11, .12)', scale: 'y', points: { show: false } },
        { label: 'heap MB', stroke: color('--c3'), width: 2, scale: 'mb', points: { show: false }, value: function (u, v) { return v == null ? '—' : v.toFixed(1); } }
      ],
      axes: [
        { stroke: '#6b7185', grid: { stroke: '#eef0f6' } },
        { scale: 'y', stroke: '#6b7185', grid: { stroke: '#eef0f6' } },
        { scale: 'mb', side: 1, stroke: color('--c3'), grid: { show: false }, values: function (u, vals) { return vals.map(function (v) { return v + ' MB'; }); }, size: 64 }
      ]
    };
    var chart = new window.uPlot(opts, state.series, box);
    if (window.ResizeObserver) {
      new ResizeObserver(function () { chart.setSize({ width: Math.max(300, box.clientWidth), height: 240 }); }).observe(box);
    }
    return chart;
  }

  function onStats(s) {
    state.ticks += 1;
    $('stat-clients').textContent = s.clients;
    $('stat-mps').textContent = s.messagesPerSecond;
    $('stat-heap').textContent = formatMb(s.heapUsed);
    $('stat-ticks').textContent = state.ticks;
    $('stat-uptime').textContent = formatUptime(s.uptimeSeconds);
    $('stat-heap').title = 'of ' + formatMb(s.heapMax) + ' max';
    var cols = state.series;
    cols[0].push(s.time / 1000);
    cols[1].push(s.clients);
    cols[2].push(s.messagesPerSecond);
    cols[3].push(s.heapUsed / (1024 * 1024));
    if (cols[0].length > 90) cols.forEach(function (c) { c.shift(); });
    if (!state.chart) state.chart = makeChart();
    if (state.chart) state.chart.setData(cols);
  }

  // ---------------------------------------------------------------- the socket

  function watchEngine(socket) {
    var engine = socket.io.engine;
    if (!engine || engine.__duplexWatched) return;
    engine.__duplexWatched = true;
    engine.on('upgrade', function (transport) {
      setTransport(transport.name);
      logEvent('upgrade', transport.name);
    });
  }

  function connect() {
    if (state.socket) {
      state.socket.removeAllListeners();
      state.socket.io.removeAllListeners();
      state.socket.disconnect();
    }
    showError(null);
    setStatus('connecting', 'connecting…');
    var socket = window.io({ path: cfg.path, forceNew: true, auth: { token: $('token').value } });
    state.socket = socket;
    window.duplexSocket = socket;

    socket.io.on('open', function () { watchEngine(socket); });
    socket.on('connect', function () {
      setStatus('connected', 'connected');
      $('socket-id').textContent = socket.id;
      setTransport(socket.io.engine.transport.name);
      watchEngine(socket);
      showError(null);
      logEvent('connect', socket.id);
      if (state.nickname) {
        socket.emit('join', { nickname: state.nickname, rejoin: true });
        state.rooms.forEach(function (room) { socket.emit('join room', room); });
      }
    });
    socket.on('disconnect', function (reason) {
      setStatus('disconnected', 'disconnected');
      $('socket-id').textContent = '—';
      setTransport(null);
      logEvent('disconnect', reason);
      state.typers = {};
      renderTypers();
    });
    socket.on('connect_error', function (err) {
      logEvent('connect_error', err.message);
      showError('connect_error: ' + err.message);
      if (socket.active) {
        setStatus('disconnected', 'reconnecting…');
      } else {
        setStatus('refused', 'refused');
      }
    });
    socket.io.on('reconnect_attempt', function (n) {
      setStatus('connecting', 'reconnecting… (attempt ' + n + ')');
      logEvent('reconnect_attempt', '#' + n);
    });
    socket.io.on('reconnect', function (n) { logEvent('reconnect', 'after ' + n + ' attempt' + (n > 1 ? 's' : '')); });
    socket.io.on('reconnect_failed', function () { logEvent('reconnect_failed'); });

    socket.on('welcome', function (w) {
      $('online').textContent = w.online + ' online';
    });
    socket.on('someone connected', function (d) {
      addSystem('notice', 'Someone connected · ' + d.online + ' online', d.id);
      $('online').textContent = d.online + ' online';
    });
    socket.on('user joined', function (d) {
      if (d.id === socket.id) {
        addSystem('self-joined', (d.rejoin ? 'You are back in the chat as ' : 'You joined the chat as ') + d.nickname, d.nickname);
      } else {
        addSystem('joined', d.nickname + (d.rejoin ? ' is back in the chat' : ' joined the chat'), d.nickname);
      }
      $('online').textContent = d.online + ' online';
    });
    socket.on('user left', function (d) {
      addSystem('left', d.nickname + ' left the chat', d.nickname);
      $('online').textContent = d.online + ' online';
      delete state.typers[d.id];
      renderTypers();
    });
    socket.on('chat message', function (m) {
      delete state.typers[m.id];
      renderTypers();
      addChat(m);
    });
    socket.on('typing', function (d) {
      if (d.typing) state.typers[d.id] = { nickname: d.nickname, until: Date.now() + 4000 };
      else delete state.typers[d.id];
      renderTypers();
    });
    socket.on('room notice', function (d) { addSystem('room', d.text, d.room); });
    socket.on('stats', onStats);
  }

  // ---------------------------------------------------------------- forms

  $('join-form').addEventListener('submit', function (e) {
    e.preventDefault();
    var nickname = $('nickname').value.trim();
    if (!nickname || !state.socket) return;
    state.socket.timeout(5000).emit('join', { nickname: nickname }, function (err, res) {
      if (err || !res || !res.ok) {
        addSystem('notice', (res && res.error) || 'The server did not accept the nickname');
        return;
      }
      state.nickname = res.nickname;
      $('join-form').classList.add('done');
      enableChat(true);
      $('message').focus();
    });
  });

  $('send-form').addEventListener('submit', function (e) {
    e.preventDefault();
    var text = $('message').value.trim();
    if (!text || !state.socket) return;
    state.socket.emit('chat message', { text: text, room: $('target').value || null });
    $('message').value = '';
    clearTimeout(state.typingTimer);
    setTyping(false);
  });

  $('message').addEventListener('input', function () {
    setTyping(true);
    clearTimeout(state.typingTimer);
    state.typingTimer = setTimeout(function () { setTyping(false); }, 1500);
  });

  $('room-form').addEventListener('submit', function (e) {
    e.preventDefault();
    var room = $('room').value.trim();
    if (!room) return;
    joinRoom(room);
    $('room').value = '';
  });

  $('token-form').addEventListener('submit', function (e) {
    e.preventDefault();
    connect();
  });

  $('person-form').addEventListener('submit', function (e) {
    e.preventDefault();
    var result = $('form-result');
    if (!state.socket || !state.socket.connected) {
      result.className = 'result bad';
      result.textContent = 'Not connected.';
      return;
    }
    var payload = { nom: $('nom').value.trim(), age: Number($('age').value) };
    result.className = 'result muted';
    result.textContent = 'Sending…';
    var sent = Date.now();
    state.socket.timeout(5000).emit('form', payload, function (err, res) {
      if (err) {
        result.className = 'result bad';
        result.textContent = 'No acknowledgement within 5 s.';
      } else if (res && res.ok) {
        result.className = 'result ok';
        result.textContent = 'Ack in ' + (Date.now() - sent) + ' ms: ' + res.message;
      } else {
        result.className = 'result bad';
        result.textContent = 'Refused: ' + ((res && res.error) || 'unknown error');
      }
    });
  });

  // ---------------------------------------------------------------- start

  (function start() {
    var params = new URLSearchParams(location.search);
    $('token').value = params.has('token') ? params.get('token') : (cfg.defaultToken || '');
    if (params.get('nickname')) $('nickname').value = params.get('nickname');
    $('server-path').textContent = cfg.path;
    $('messages').appendChild(el('li', 'empty', 'No message yet. Say hello!'));
    var clientUrl = cfg.serveClient ? cfg.path + 'socket.io.js' : '/vendor/socket.io-client/socket.io.min.js';
    var script = document.createElement('script');
    script.src = clientUrl;
    script.onload = function () {
      $('client-info').textContent = clientUrl;
      connect();
    };
    script.onerror = function () {
      setStatus('refused', 'no client script');
      showError('Could not load ' + clientUrl);
    };
    document.head.appendChild(script);
  })();
})();
