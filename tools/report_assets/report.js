// SPDX-License-Identifier: Apache-2.0
// cutpoint report: draws the per-target table, ladders and evidence from the JSON embedded
// in #report-data. Everything is built with DOM calls and textContent (never innerHTML
// from data), so hostile strings in the NDJSON stay text. Rows are rendered a page at a
// time and a target's ladder only when it is opened, so large runs stay responsive.
(function () {
  'use strict';
  var data = JSON.parse(document.getElementById('report-data').textContent);
  var SVGNS = 'http://www.w3.org/2000/svg';
  var PAGE = 200;
  // Same palette and glyphs as the server-side summary (Okabe-Ito, colour-blind safe).
  var STYLE = {
    silent_drop: ['#D55E00', '\u2715'], partial_drop: ['#E69F00', '\u25D0'],
    rst_injection: ['#CC79A7', '\u25AE'], icmp_prohibited: ['#0072B2', '\u2298'],
    blackholed: ['#000000', '\u25A0'], unreachable: ['#999999', '\u25BD'],
    inconclusive: ['#B8A000', '?'], closed: ['#56B4E9', '\u25CB'], reachable: ['#009E73', '\u25CF']
  };
  var KIND_COLOUR = {
    time_exceeded: '#777777', syn_ack: '#009E73', rst: '#CC79A7', echo_reply: '#009E73',
    dest_unreachable: '#0072B2', half_open_ack: '#56B4E9', packet_too_big: '#E69F00'
  };
  var BLOCKING = { silent_drop: 1, partial_drop: 1, rst_injection: 1, icmp_prohibited: 1, blackholed: 1 };
  var isTrace = data.targets.every(function (t) { return t.v === ''; });
  var vantages = {};
  data.targets.forEach(function (t) { vantages[t.vt || ''] = 1; });
  var manyVantages = Object.keys(vantages).length > 1;

  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    for (var key in attrs || {}) node.setAttribute(key, attrs[key]);
    if (text !== undefined && text !== null) node.textContent = String(text);
    return node;
  }
  function svg(tag, attrs, text) {
    var node = document.createElementNS(SVGNS, tag);
    for (var key in attrs || {}) node.setAttribute(key, attrs[key]);
    if (text !== undefined && text !== null) node.textContent = String(text);
    return node;
  }
  function words(name) { return String(name || '').replace(/_/g, ' '); }
  function addressKey(text) {
    var parts = String(text).split('.');
    if (parts.length === 4) return parts.map(function (p) { return ('00' + p).slice(-3); }).join('.');
    return 'z' + text;
  }

  // Sortable summary tables: click a header to sort by that column.
  Array.prototype.forEach.call(document.querySelectorAll('table.sortable'), function (table) {
    var headers = table.querySelectorAll('th');
    Array.prototype.forEach.call(headers, function (th, column) {
      th.addEventListener('click', function () {
        var ascending = !th.classList.contains('sorted-asc');
        Array.prototype.forEach.call(headers, function (h) { h.classList.remove('sorted-asc', 'sorted-desc'); });
        th.classList.add(ascending ? 'sorted-asc' : 'sorted-desc');
        var numeric = th.getAttribute('data-sort') === 'num';
        var body = table.tBodies[0];
        var rows = Array.prototype.slice.call(body.rows);
        rows.sort(function (a, b) {
          var x = a.cells[column].textContent, y = b.cells[column].textContent;
          var order = numeric ? (Number(x || -1) - Number(y || -1)) : x.localeCompare(y);
          return ascending ? order : -order;
        });
        rows.forEach(function (row) { body.appendChild(row); });
      });
    });
  });

  // The text a search matches: address, prefix, hops, AS, verdict.
  var hopsOf = {};
  Object.keys(data.replies).forEach(function (key) {
    var seen = {};
    data.replies[key].forEach(function (r) {
      seen[r[5]] = 1;
      if (r[11] !== null) seen['AS' + r[11]] = 1;
    });
    hopsOf[key] = Object.keys(seen).join(' ');
  });
  data.targets.forEach(function (t) {
    t.search = [t.t, t.cp, t.aa, t.ba, t['if'], t.v, t.m, t.r, t.vt,
                t.asn !== undefined ? 'AS' + t.asn : '', t.tasn !== undefined ? 'AS' + t.tasn : '',
                hopsOf[t.f + ' ' + t.t] || ''].join(' ').toLowerCase();
  });
  data.targets.sort(function (a, b) {
    var blockedA = BLOCKING[a.v] ? 0 : 1, blockedB = BLOCKING[b.v] ? 0 : 1;
    if (blockedA !== blockedB) return blockedA - blockedB;
    var ka = addressKey(a.t), kb = addressKey(b.t);
    return ka < kb ? -1 : ka > kb ? 1 : a.p - b.p;
  });

  // Controls.
  var controls = document.getElementById('controls');
  var search = el('input', { id: 'filter-text', type: 'search',
                             placeholder: 'filter: address, prefix, hop, AS, verdict' });
  controls.appendChild(search);
  var verdictSelect = el('select', { id: 'filter-verdict' });
  verdictSelect.appendChild(el('option', { value: '' }, 'all targets'));
  if (!isTrace) {
    verdictSelect.appendChild(el('option', { value: '*blocked' }, 'blocked (any filter)'));
    var present = {};
    data.targets.forEach(function (t) { present[t.v] = 1; });
    Object.keys(present).sort().forEach(function (v) {
      verdictSelect.appendChild(el('option', { value: v }, words(v)));
    });
    controls.appendChild(verdictSelect);
  }
  var shown = el('span', { id: 'visible-count', 'class': 'muted' });
  controls.appendChild(shown);

  var list = document.getElementById('target-list');
  var table = el('table', { id: 'target-table' });
  // Columns and the sort key of each (click a header to sort the targets by it).
  function repliesOf(t) { return data.replies[t.f + ' ' + t.t] || []; }
  function topTtl(t) { return repliesOf(t).reduce(function (m, r) { return Math.max(m, r[2]); }, 0); }
  function num(v) { return v === undefined ? -1 : v; }
  var columns = isTrace
      ? [['target', function (t) { return addressKey(t.t); }],
         ['replies', function (t) { return repliesOf(t).length; }],
         ['highest TTL', topTtl], ['last responder', null]]
      : (manyVantages ? [['vantage', function (t) { return t.vt || ''; }]] : []).concat([
         ['target', function (t) { return addressKey(t.t); }], ['port', function (t) { return t.p; }],
         ['verdict', function (t) { return t.v; }], ['cut after hop', function (t) { return num(t.a); }],
         ['hop address', function (t) { return t.aa ? addressKey(t.aa) : ''; }],
         ['AS', function (t) { return num(t.asn); }], ['cut prefix', function (t) { return t.cp || ''; }],
         ['scope', function (t) { return t.sc || ''; }]]);
  var head = el('tr');
  columns.forEach(function (column) {
    var th = el('th', column[1] ? { 'class': 'sortable-column' } : {}, column[0]);
    if (column[1]) {
      th.addEventListener('click', function () {
        var ascending = !th.classList.contains('sorted-asc');
        Array.prototype.forEach.call(head.cells, function (h) { h.classList.remove('sorted-asc', 'sorted-desc'); });
        th.classList.add(ascending ? 'sorted-asc' : 'sorted-desc');
        var key = column[1];
        data.targets.sort(function (a, b) {
          var x = key(a), y = key(b);
          var order = x < y ? -1 : x > y ? 1 : 0;
          return ascending ? order : -order;
        });
        applyFilter();
      });
    }
    head.appendChild(th);
  });
  var thead = el('thead');
  thead.appendChild(head);
  table.appendChild(thead);
  var tbody = el('tbody');
  table.appendChild(tbody);
  list.appendChild(table);
  var more = el('button', { id: 'show-more', type: 'button' }, 'show more');
  list.appendChild(more);

  var filtered = [];
  var rendered = 0;

  // A CIDR prefix typed in the filter (IPv4 or IPv6) selects the targets inside it.
  // Addresses are BigInts so both families compare alike; `v6` keeps them apart.
  function ipv4(text) {
    var m = /^(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(text);
    if (!m) return null;
    var value = 0n;
    for (var i = 1; i <= 4; i++) {
      if (Number(m[i]) > 255) return null;
      value = value * 256n + BigInt(m[i]);
    }
    return value;
  }
  function ipv6(text) {
    if (!/^[0-9a-f:.]+$/.test(text) || text.indexOf(':') < 0) return null;
    var halves = text.split('::');
    if (halves.length > 2) return null;
    function groups(part) {
      if (part === '') return [];
      var out = [];
      var words = part.split(':');
      for (var i = 0; i < words.length; i++) {
        if (i === words.length - 1 && words[i].indexOf('.') >= 0) {  // ::ffff:198.18.0.1
          var v4 = ipv4(words[i]);
          if (v4 === null) return null;
          out.push(Number(v4 >> 16n), Number(v4 & 0xffffn));
        } else if (/^[0-9a-f]{1,4}$/.test(words[i])) {
          out.push(parseInt(words[i], 16));
        } else {
          return null;
        }
      }
      return out;
    }
    var head = groups(halves[0]);
    var tail = halves.length === 2 ? groups(halves[1]) : [];
    if (head === null || tail === null) return null;
    var missing = 8 - head.length - tail.length;
    if (halves.length === 2 ? missing < 1 : missing !== 0) return null;
    var all = head.concat(new Array(halves.length === 2 ? missing : 0).fill(0), tail);
    var value = 0n;
    all.forEach(function (g) { value = value * 65536n + BigInt(g); });
    return value;
  }
  function addressOf(text) {
    var v4 = ipv4(text);
    if (v4 !== null) return { v6: false, value: v4 };
    var v6 = ipv6(text);
    return v6 === null ? null : { v6: true, value: v6 };
  }
  function prefixOf(text) {
    var m = /^([0-9a-f.:]+)\/(\d+)$/.exec(text);
    if (!m) return null;
    var base = addressOf(m[1]);
    var bits = base && base.v6 ? 128 : 32;
    if (base === null || Number(m[2]) > bits) return null;
    var size = 1n << BigInt(bits - Number(m[2]));
    var low = base.value - base.value % size;
    return { v6: base.v6, low: low, high: low + size - 1n };
  }
  function matches(t, text, verdict, prefix) {
    if (verdict === '*blocked' && !BLOCKING[t.v]) return false;
    if (verdict && verdict !== '*blocked' && t.v !== verdict) return false;
    if (prefix) {
      var address = addressOf(t.t.toLowerCase());
      if (address !== null && address.v6 === prefix.v6 && address.value >= prefix.low &&
          address.value <= prefix.high) return true;
    }
    return !text || t.search.indexOf(text) >= 0;
  }

  function verdictCell(t) {
    var cell = el('td');
    var style = STYLE[t.v] || ['#666', '\u00B7'];
    var glyph = el('span', { 'class': 'glyph', style: 'color:' + style[0] }, style[1]);
    cell.appendChild(glyph);
    var text = words(t.v) + (t.m ? ' (' + words(t.m) + ')' : '') + (t.r ? ' \u2014 ' + words(t.r) : '');
    cell.appendChild(document.createTextNode(' ' + text));
    return cell;
  }

  function rowFor(t) {
    var row = el('tr', { 'class': 'target-row', 'data-target': t.t, 'data-verdict': t.v });
    if (isTrace) {
      var replies = data.replies[t.f + ' ' + t.t] || [];
      var top = null;
      replies.forEach(function (r) { if (!top || r[2] > top[2]) top = r; });
      [t.t, replies.length, top ? top[2] : '', top ? top[5] + ' (' + words(top[4]) + ')' : '']
        .forEach(function (v) { row.appendChild(el('td', {}, v)); });
    } else {
      if (manyVantages) row.appendChild(el('td', {}, t.vt || ''));
      row.appendChild(el('td', {}, t.t));
      row.appendChild(el('td', {}, t.p));
      row.appendChild(verdictCell(t));
      row.appendChild(el('td', {}, t.a !== undefined ? t.a : ''));
      row.appendChild(el('td', {}, t.aa || ''));
      row.appendChild(el('td', {}, t.asn !== undefined ? 'AS' + t.asn : ''));
      row.appendChild(el('td', {}, t.cp || ''));
      row.appendChild(el('td', {}, t.sc || ''));
    }
    row.addEventListener('click', function () { toggleDetail(row, t); });
    return row;
  }

  function renderMore() {
    var end = Math.min(filtered.length, rendered + PAGE);
    var fragment = document.createDocumentFragment();
    for (; rendered < end; rendered++) fragment.appendChild(rowFor(filtered[rendered]));
    tbody.appendChild(fragment);
    more.style.display = rendered < filtered.length ? '' : 'none';
    shown.textContent = filtered.length + ' of ' + data.targets.length + ' targets' +
        (rendered < filtered.length ? ' (' + rendered + ' shown)' : '');
  }

  function applyFilter() {
    var text = search.value.trim().toLowerCase();
    var verdict = verdictSelect.value;
    var prefix = prefixOf(text);
    filtered = data.targets.filter(function (t) { return matches(t, text, verdict, prefix); });
    tbody.textContent = '';
    rendered = 0;
    renderMore();
  }

  function toggleDetail(row, t) {
    var next = row.nextSibling;
    if (next && next.classList.contains('detail-row')) { next.remove(); return; }
    var detail = el('tr', { 'class': 'detail-row', 'data-target': t.t });
    var cell = el('td', { colspan: String(row.cells.length) });
    if (data.omitted > 0 && !data.replies[t.f + ' ' + t.t]) {
      cell.appendChild(el('p', { 'class': 'muted' }, 'The replies of this target are not in this page: ' +
          'it embeds the ladders of ' + (data.targets.length - data.omitted) + ' targets (blocked ones ' +
          'first; cutpoint report --report-max-targets N raises the limit).'));
    }
    var wrap = el('div', { 'class': 'ladder-wrap' });
    wrap.appendChild(drawLadder(t));
    cell.appendChild(wrap);
    cell.appendChild(evidenceTables(t));
    detail.appendChild(cell);
    row.parentNode.insertBefore(detail, row.nextSibling);
  }

  // Lanes: the test probe first, then each control probe type/port.
  function lanesOf(t, replies) {
    var lanes = {};
    replies.forEach(function (r) {
      var key = r[0] === 'tcp-syn' ? 'tcp-syn:' + r[1] : r[0];
      (lanes[key] = lanes[key] || []).push(r);
    });
    var keys = Object.keys(lanes).sort();
    var test = 'tcp-syn:' + t.p;
    if (!isTrace) {
      keys = keys.filter(function (k) { return k !== test; });
      keys.unshift(test);
      lanes[test] = lanes[test] || [];
    }
    return keys.map(function (k) { return { key: k, replies: lanes[k], test: !isTrace && k === test }; });
  }

  function drawLadder(t) {
    var replies = data.replies[t.f + ' ' + t.t] || [];
    var lanes = lanesOf(t, replies);
    var maxTtl = 1;
    replies.forEach(function (r) { maxTtl = Math.max(maxTtl, r[2]); });
    if (t.b !== undefined) maxTtl = Math.max(maxTtl, t.b);
    if (t.a !== undefined) maxTtl = Math.max(maxTtl, t.a + 1);
    var left = 150, column = 100, laneHeight = 64, top = 30;
    var width = left + (maxTtl + 1) * column + 280, height = top + lanes.length * laneHeight + 10;
    var root = svg('svg', { 'class': 'ladder', width: width, height: height,
                            viewBox: '0 0 ' + width + ' ' + height, 'data-target': t.t });
    function x(ttl) { return left + ttl * column; }
    for (var ttl = 1; ttl <= maxTtl; ttl++) {
      root.appendChild(svg('text', { 'class': 'axis', x: x(ttl) - 14, y: 12 }, 'TTL ' + ttl));
      root.appendChild(svg('line', { x1: x(ttl), y1: 16, x2: x(ttl), y2: height - 6,
                                     stroke: '#eee' }));
    }
    lanes.forEach(function (lane, index) {
      var y = top + index * laneHeight + laneHeight / 2;
      var group = svg('g', { 'class': 'lane', 'data-lane': lane.key });
      group.appendChild(svg('text', { x: 4, y: y + 4 }, lane.key + (lane.test ? ' (test)' : '')));
      group.appendChild(svg('line', { x1: left - 20, y1: y, x2: x(maxTtl) + 20, y2: y, stroke: '#ccc' }));
      var byTtl = {};
      lane.replies.forEach(function (r) { (byTtl[r[2]] = byTtl[r[2]] || []).push(r); });
      Object.keys(byTtl).forEach(function (key) {
        var at = byTtl[key], hop = Number(key);
        var kinds = {}, froms = {};
        at.forEach(function (r) { kinds[r[4]] = 1; froms[r[5] + (r[11] !== null ? ' AS' + r[11] : '')] = 1; });
        var node = svg('g', { 'class': 'node', 'data-ttl': hop });
        Object.keys(kinds).forEach(function (kind, k) {
          node.appendChild(svg('circle', { cx: x(hop) + k * 9, cy: y, r: 6,
                                           fill: KIND_COLOUR[kind] || '#333' }));
        });
        var label = Object.keys(froms).join(', ');
        Object.keys(froms).forEach(function (from, line) {  // one responder a line, upwards
          node.appendChild(svg('text', { x: x(hop) - 40, y: y - 10 - 11 * line, 'font-size': '10' }, from));
        });
        node.appendChild(svg('title', {}, 'TTL ' + hop + ': ' + Object.keys(kinds).map(words).join(', ') +
                                          ' from ' + label + ' (' + at.length + ' replies)'));
        group.appendChild(node);
      });
      if (lane.test && t.a !== undefined) group.appendChild(cutMark(t, x, y, maxTtl, column));
      if (lane.test && t.v === 'rst_injection' && t.m === 'on_path') {
        travelledOn(byTtl).forEach(function (hop) {
          var star = svg('text', { 'class': 'travelled-on', 'data-ttl': hop, x: x(hop) + 12, y: y + 4,
                                   fill: STYLE.rst_injection[0], 'font-size': '16' }, '\u2731');
          star.appendChild(svg('title', {}, 'TTL ' + hop + ': an RST and a time exceeded or SYN-ACK ' +
                                            'came back for the test probe: it travelled on'));
          group.appendChild(star);
        });
      }
      root.appendChild(group);
    });
    return root;
  }

  // TTLs at which the test probe drew an RST and also a time exceeded or SYN-ACK: the
  // on-path injector answered while the probe went on.
  function travelledOn(byTtl) {
    return Object.keys(byTtl).map(Number).filter(function (hop) {
      var kinds = {};
      byTtl[hop].forEach(function (r) { kinds[r[4]] = 1; });
      return kinds.rst && (kinds.time_exceeded || kinds.syn_ack);
    });
  }

  // The cut, drawn per mechanism between hop a (last alike) and the next hop.
  function cutMark(t, x, y, maxTtl, column) {
    var style = STYLE[t.v] || ['#666', '\u00B7'];
    var cx = x(t.a) + column / 2;
    var mark = svg('g', { 'class': 'cut', 'data-after-ttl': t.a, 'data-verdict': t.v,
                          'data-before-ttl': t.b !== undefined ? t.b : '', 'data-x': cx });
    if (t.v === 'silent_drop' || t.v === 'partial_drop' || t.v === 'blackholed') {
      mark.appendChild(svg('line', { x1: cx, y1: y, x2: x(maxTtl) + column / 2, y2: y,
                                     stroke: style[0], 'stroke-width': 3, 'stroke-dasharray': '6 4' }));
      mark.appendChild(svg('line', { x1: cx, y1: y - 14, x2: cx, y2: y + 14, stroke: style[0],
                                     'stroke-width': 2 }));
    } else {
      mark.appendChild(svg('rect', { x: cx - 3, y: y - 16, width: 6, height: 32, fill: style[0] }));
    }
    mark.appendChild(svg('text', { x: cx - 6, y: y + 28, fill: style[0], 'font-size': '16' }, style[1]));
    var note = words(t.v) + (t.m ? ' ' + words(t.m) : '') + ' after hop ' + t.a;
    if (t.v === 'rst_injection' && t.m === 'on_path') note += ' \u2731 the probe also travelled on';
    if (t.v === 'icmp_prohibited') note += ' (ICMP code ' + t.ic + (t['if'] ? ' from ' + t['if'] : '') + ')';
    mark.appendChild(svg('text', { x: cx + 8, y: y + 26, fill: style[0] }, note));
    mark.appendChild(svg('title', {}, note));
    return mark;
  }

  function kvTable(caption, rows) {
    var table = el('table', { 'class': 'evidence' });
    table.appendChild(el('caption', {}, caption));
    rows.forEach(function (cells, index) {
      var row = el('tr');
      cells.forEach(function (c) { row.appendChild(el(index === 0 ? 'th' : 'td', {}, c)); });
      table.appendChild(row);
    });
    return table;
  }

  function evidenceTables(t) {
    var box = el('div', { 'class': 'evidence-box' });
    if (!isTrace) {
      box.appendChild(kvTable('evidence', [['observation', 'detail']].concat(
          t.ev.map(function (e) { return [words(e[0]), e[1]]; }))));
      box.appendChild(kvTable('confidence', [['measure', 'value']].concat(
          Object.keys(t.cf).map(function (k) { return [words(k), JSON.stringify(t.cf[k])]; }))));
    }
    var replies = (data.replies[t.f + ' ' + t.t] || []).slice();
    var low = -Infinity, high = Infinity;
    if (t.a !== undefined) { low = t.a - 1; high = (t.b !== undefined ? t.b : t.a + 1) + 1; }
    replies = replies.filter(function (r) { return r[2] >= low && r[2] <= high; });
    replies.sort(function (a, b) { return a[2] - b[2] || (a[0] + a[1] < b[0] + b[1] ? -1 : 1) || a[3] - b[3]; });
    var rows = [['TTL', 'probe', 'attempt', 'responder', 'AS', 'kind', 'reply TTL', 'IP ID', 'RTT ms',
                 'flags / code', 'quoted TTL']];
    replies.slice(0, 500).forEach(function (r) {
      rows.push([r[2], r[0] + (r[0] === 'tcp-syn' ? ':' + r[1] : ''), r[3], r[5],
                 r[11] !== null ? 'AS' + r[11] : '', words(r[4]), r[6], r[7], (r[8] / 1000).toFixed(2),
                 r[9] || (r[10] !== null ? 'code ' + r[10] : ''), r[12] !== null ? r[12] : '']);
    });
    box.appendChild(kvTable('replies' + (t.a !== undefined ? ' at TTL ' + Math.max(low, 1) + '\u2013' + high : ''),
                            rows));
    return box;
  }

  search.addEventListener('input', applyFilter);
  verdictSelect.addEventListener('change', applyFilter);
  more.addEventListener('click', renderMore);
  applyFilter();
})();
