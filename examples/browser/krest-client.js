// krest from a browser, with nothing but the platform: fetch (produce, consumer instance, commit), EventSource (the
// server-sent record stream) and WebSocket (the WebSocket record stream). Settings come from the form, prefilled from
// the query string; docs/browser.md says what krest must allow (CORS) and how each part authenticates.
'use strict';

(function () {
  const V2 = 'application/vnd.kafka.v2+json';
  const V2_JSON = 'application/vnd.kafka.json.v2+json';
  const FIELDS = ['krest', 'topic', 'group', 'instance', 'user', 'password', 'token', 'stream'];

  const $ = (id) => document.getElementById(id);
  const settingsForm = $('settings');
  const produceForm = $('produce');
  const list = $('records');
  const seen = new Set();
  let settings = null;
  let stream = null;
  let received = 0;
  let connections = 0;
  let producedTotal = 0;

  function field(name) {
    return settingsForm.elements[name];
  }

  function readSettings() {
    const s = {};
    for (const name of FIELDS) {
      s[name] = (field(name).value || '').trim();
    }
    s.krest = s.krest.replace(/\/+$/, '');
    return s;
  }

  // ?krest=http://lb:8082&topic=t&user=alice&password=...&stream=ws&autostart=1 fills the form (a password or token
  // in a URL ends up in the browser's history: fine for a demo, not for a real application)
  function applyQuery() {
    const query = new URLSearchParams(location.search);
    for (const name of FIELDS) {
      if (query.has(name)) {
        field(name).value = query.get(name);
      }
    }
    return query.get('autostart') === '1';
  }

  function setStatus(text) {
    $('status').textContent = text;
  }

  function log(text, isError) {
    const line = document.createElement('div');
    line.textContent = new Date().toISOString().substring(11, 23) + ' ' + text;
    if (isError) {
      line.className = 'error';
    }
    $('log').prepend(line);
  }

  function base64(text) {
    return btoa(String.fromCharCode(...new TextEncoder().encode(text)));
  }

  // fetch may send Authorization (krest's CORS must allow the header); EventSource and WebSocket cannot
  function authHeaders(s) {
    if (s.token) {
      return { Authorization: 'Bearer ' + s.token };
    }
    if (s.user) {
      return { Authorization: 'Basic ' + base64(s.user + ':' + s.password) };
    }
    return {};
  }

  async function call(s, method, path, body, contentType, extraHeaders) {
    const headers = Object.assign({ Accept: V2 }, authHeaders(s), extraHeaders || {});
    const init = { method, headers };
    if (body !== undefined) {
      headers['Content-Type'] = contentType || V2;
      init.body = JSON.stringify(body);
    }
    const response = await fetch(s.krest + path, init);
    const text = await response.text();
    let json = null;
    try {
      json = text ? JSON.parse(text) : null;
    } catch (notJson) {
      // an answer from something other than krest, e.g. a proxy's HTML page
    }
    return { status: response.status, json, text };
  }

  function failure(what, response) {
    const detail = response.json && response.json.message ? response.json.error_code + ' ' + response.json.message
      : response.text;
    return new Error(what + ': HTTP ' + response.status + ' ' + detail);
  }

  function instancePath(s) {
    return '/consumers/' + encodeURIComponent(s.group) + '/instances/' + encodeURIComponent(s.instance);
  }

  // the record stream's URL; a bearer token rides along as access_token, the one credential these two APIs can carry
  function streamUrl(s, webSocket) {
    const url = new URL(s.krest + instancePath(s) + '/records');
    url.searchParams.set('timeout', '1000');
    if (s.token) {
      url.searchParams.set('access_token', s.token);
    }
    if (webSocket) {
      url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
    }
    return url.toString();
  }

  // one list item per record received; the same partition and offset twice is marked, never hidden
  function show(record) {
    const value = typeof record.value === 'string' ? record.value : JSON.stringify(record.value);
    const key = record.topic + '/' + record.partition + '/' + record.offset;
    const item = document.createElement('li');
    item.dataset.topic = record.topic;
    item.dataset.partition = record.partition;
    item.dataset.offset = record.offset;
    item.dataset.value = value;
    item.textContent = 'partition ' + record.partition + '  offset ' + record.offset + '  ' + value;
    if (seen.has(key)) {
      item.className = 'duplicate';
      item.textContent += '  (again)';
    }
    seen.add(key);
    list.appendChild(item);
    received++;
    $('count').textContent = String(received);
  }

  function opened(kind) {
    connections++;
    $('connections').textContent = String(connections);
    setStatus('streaming (' + kind + ')');
  }

  // krest's server-sent record stream: a "records" event per poll that found records; at its end (duration, replica
  // stopping) EventSource reconnects by itself, through the load balancer, and krest goes on from stored positions
  function openEventSource(s) {
    let source = null;
    let retry = null;
    let closed = false;

    function connect() {
      source = new EventSource(streamUrl(s, false));
      source.onopen = () => opened('EventSource');
      source.addEventListener('records', (event) => JSON.parse(event.data).forEach(show));
      source.addEventListener('error', (event) => {
        if (event.data) {
          // an "error" event krest sent before ending the stream: {"error_code", "message"}
          const error = JSON.parse(event.data);
          log('krest: ' + error.error_code + ' ' + error.message, true);
          if (error.error_code === 40403) {
            close();
            setStatus('consumer instance gone');
          }
        } else if (source.readyState === EventSource.CLOSED) {
          // the answer was no stream (an error status before it started, or none at all): EventSource gives up,
          // this page does not
          setStatus('stream refused; retrying in 2 s');
          log('record stream refused (see the network panel for the status)', true);
          retry = setTimeout(connect, 2000);
        } else {
          setStatus('reconnecting (EventSource)');
          log('record stream ended; EventSource reconnects');
        }
      });
    }

    function close() {
      closed = true;
      clearTimeout(retry);
      source.close();
    }

    connect();
    return {
      close,
      // flow control for an EventSource is closing and reopening it; a commit goes by fetch
      control(action) {
        if (action === 'pause') {
          clearTimeout(retry);
          source.close();
          setStatus('paused');
        } else if (action === 'resume' && !closed && source.readyState === EventSource.CLOSED) {
          connect();
        } else if (action === 'commit') {
          call(s, 'POST', instancePath(s) + '/offsets').then((r) => log(r.status === 200 || r.status === 204
            ? 'committed' : 'commit failed: HTTP ' + r.status + ' ' + r.text, r.status >= 300));
        }
      },
    };
  }

  // krest's WebSocket record stream: each text message is one poll's records (a JSON array), or a control answer,
  // or an error object before krest closes; a close for a stopping replica (1001) or the stream's end (1000) is
  // followed by a reconnect, through the load balancer, from the stored positions
  function openWebSocket(s) {
    let socket = null;
    let retry = null;
    let closed = false;
    let paused = false;

    function connect() {
      socket = new WebSocket(streamUrl(s, true));
      socket.onopen = () => {
        opened('WebSocket');
        if (paused) {
          socket.send(JSON.stringify({ action: 'pause' }));
        }
      };
      socket.onmessage = (event) => {
        const message = JSON.parse(event.data);
        if (Array.isArray(message)) {
          message.forEach(show);
        } else if (message.action) {
          log(message.action + ': ' + (message.status || JSON.stringify(message)));
        } else if (message.error_code !== undefined) {
          log('krest: ' + message.error_code + ' ' + message.message, true);
          if (message.error_code === 40403) {
            closed = true;
            setStatus('consumer instance gone');
          }
        }
      };
      socket.onclose = (event) => {
        if (closed || event.code === 1008) {
          setStatus('closed (' + event.code + (event.reason ? ' ' + event.reason : '') + ')');
          return;
        }
        const delay = event.code === 1000 || event.code === 1001 ? 100 : 2000;
        setStatus('reconnecting (WebSocket closed with ' + event.code + ')');
        log('WebSocket closed with ' + event.code + '; reconnecting in ' + delay + ' ms');
        retry = setTimeout(connect, delay);
      };
    }

    connect();
    return {
      close() {
        closed = true;
        clearTimeout(retry);
        socket.close(1000);
      },
      control(action) {
        if (action === 'pause' || action === 'resume') {
          paused = action === 'pause';
        }
        if (socket.readyState === WebSocket.OPEN) {
          socket.send(JSON.stringify({ action }));
        }
      },
    };
  }

  async function start() {
    await stop(false);
    const s = readSettings();
    if (!s.instance) {
      s.instance = 'page-' + Math.random().toString(36).substring(2, 10);
      field('instance').value = s.instance;
    }
    settings = s;
    setStatus('creating the consumer instance');
    let r = await call(s, 'POST', '/consumers/' + encodeURIComponent(s.group),
      { name: s.instance, format: 'json', 'auto.offset.reset': 'earliest' });
    if (r.status === 409) {
      log('consumer instance ' + s.instance + ' exists; going on with it');
    } else if (r.status !== 200) {
      throw failure('create consumer instance', r);
    }
    r = await call(s, 'POST', instancePath(s) + '/subscription', { topics: [s.topic] });
    if (r.status !== 204) {
      throw failure('subscribe', r);
    }
    log('consumer ' + s.group + '/' + s.instance + ' subscribed to ' + s.topic);
    stream = s.stream === 'ws' ? openWebSocket(s) : openEventSource(s);
  }

  async function stop(deleteInstance) {
    if (stream) {
      stream.close();
      stream = null;
    }
    if (deleteInstance && settings) {
      const r = await call(settings, 'DELETE', instancePath(settings));
      log('deleted consumer instance: HTTP ' + r.status, r.status !== 204);
      setStatus('stopped');
    }
  }

  // v2 produce: one request with `count` records, valued value-0, value-1, ... (or just value for one)
  async function produce(value, count) {
    const s = settings || readSettings();
    const records = [];
    for (let i = 0; i < count; i++) {
      records.push({ value: count === 1 ? value : value + '-' + i });
    }
    // one Idempotency-Key for the request and its retries: a retry after a lost answer (a replica restarting, the
    // load balancer's 502) gets the first attempt's answer instead of writing the records again
    const key = { 'Idempotency-Key': crypto.randomUUID() };
    let r;
    for (let attempt = 1; ; attempt++) {
      try {
        r = await call(s, 'POST', '/topics/' + encodeURIComponent(s.topic), { records }, V2_JSON, key);
      } catch (networkError) {
        // fetch rejects when no answer came, or one without CORS headers (a load balancer's own error page)
        r = { status: 0, json: null, text: String(networkError) };
      }
      const retriable = r.status === 0 || r.status === 409 || r.status === 502 || r.status === 503;
      if (!retriable || attempt === 10) {
        break;
      }
      log('produce: ' + (r.status || r.text) + ', sent again (' + attempt + ')');
      // after a replica stops, nginx answers a POST 502 once for each of its idle connections to that replica
      await new Promise((resolve) => setTimeout(resolve, Math.min(250 * attempt, 1000)));
    }
    if (r.status !== 200) {
      throw failure('produce', r);
    }
    const failed = r.json.offsets.filter((o) => o.error_code);
    if (failed.length > 0) {
      throw new Error('produce: ' + failed.length + ' records failed: ' + failed[0].error);
    }
    producedTotal += count;
    $('produced').textContent = 'sent ' + count + ' (' + producedTotal + ' in all)';
    $('produced').dataset.total = String(producedTotal);
  }

  function reportErrors(promise) {
    promise.catch((error) => {
      log(error.message, true);
      setStatus('error: ' + error.message);
    });
  }

  settingsForm.addEventListener('submit', (event) => {
    event.preventDefault();
    reportErrors(start());
  });
  $('stop').addEventListener('click', () => reportErrors(stop(true)));
  produceForm.addEventListener('submit', (event) => {
    event.preventDefault();
    const count = Math.max(1, parseInt(produceForm.elements.count.value, 10) || 1);
    reportErrors(produce(produceForm.elements.value.value, count));
  });
  for (const action of ['commit', 'pause', 'resume']) {
    $(action).addEventListener('click', () => stream && stream.control(action));
  }

  if (applyQuery()) {
    reportErrors(start());
  }
})();
