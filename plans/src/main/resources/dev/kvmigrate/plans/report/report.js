(function () {
  'use strict';
  var table = document.getElementById('vm-table');
  if (!table) {
    return;
  }
  var text = document.getElementById('vm-filter');
  var outcome = document.getElementById('vm-outcome');
  var count = document.getElementById('vm-count');
  var bodies = Array.prototype.slice.call(table.tBodies);

  function filter() {
    var q = text.value.trim().toLowerCase();
    var o = outcome.value;
    var shown = 0;
    bodies.forEach(function (b) {
      var show = (o === '' || b.getAttribute('data-outcome') === o)
          && (q === '' || b.getAttribute('data-search').indexOf(q) >= 0);
      b.hidden = !show;
      shown += show ? 1 : 0;
    });
    count.textContent = shown === bodies.length ? 'all ' + shown + ' VMs'
        : shown + ' of ' + bodies.length + ' VMs';
  }

  function key(body, column, numeric) {
    var cell = body.rows[0].cells[column];
    var v = cell.getAttribute('data-v');
    if (v === null || v === '') {
      return {missing: true, v: 0};
    }
    return {missing: false, v: numeric ? parseFloat(v) : v.toLowerCase()};
  }

  function sortBy(th) {
    var column = th.cellIndex;
    var numeric = th.getAttribute('data-type') === 'num';
    var ascending = th.getAttribute('aria-sort') !== 'ascending';
    Array.prototype.forEach.call(th.parentNode.cells, function (c) {
      c.removeAttribute('aria-sort');
    });
    th.setAttribute('aria-sort', ascending ? 'ascending' : 'descending');
    var keyed = bodies.map(function (b, n) {
      return {body: b, key: key(b, column, numeric), n: n};
    });
    keyed.sort(function (x, y) {
      if (x.key.missing !== y.key.missing) {
        return x.key.missing ? 1 : -1;
      }
      var c = x.key.v < y.key.v ? -1 : x.key.v > y.key.v ? 1 : 0;
      return (ascending ? c : -c) || x.n - y.n;
    });
    var fragment = document.createDocumentFragment();
    bodies = keyed.map(function (e) {
      fragment.appendChild(e.body);
      return e.body;
    });
    table.appendChild(fragment);
  }

  function expand(button, open) {
    button.setAttribute('aria-expanded', open ? 'true' : 'false');
    document.getElementById(button.getAttribute('aria-controls')).hidden = !open;
  }

  function reveal() {
    var id;
    try {
      id = decodeURIComponent(window.location.hash.slice(1));
    } catch (malformed) {
      return;
    }
    var target = id === '' ? null : document.getElementById(id);
    if (target !== null && target.classList.contains('vm')) {
      target.hidden = false;
      expand(target.querySelector('button.more'), true);
    }
  }

  table.tHead.addEventListener('click', function (e) {
    var button = e.target.closest('button');
    if (button !== null) {
      sortBy(button.parentNode);
    }
  });
  table.addEventListener('click', function (e) {
    var button = e.target.closest('button.more');
    if (button !== null) {
      expand(button, button.getAttribute('aria-expanded') !== 'true');
    }
  });
  text.addEventListener('input', filter);
  outcome.addEventListener('change', filter);
  window.addEventListener('hashchange', reveal);
  reveal();
}());
