// audit.js checks an event's inclusion proof on its page, in the browser, with nothing
// but WebCrypto: it hashes the event as the log does and recomputes the checkpoint's
// root from the proof's hashes (RFC 6962: a leaf is SHA-256(0x00 || record), a node
// SHA-256(0x01 || left || right); the walk is golang.org/x/mod/sumdb/tlog's
// CheckRecord). The record is the event as the page shows it: seq, time, type and
// data, each on its line, so the check covers what the person reads.
(function () {
  "use strict";
  var box = document.getElementById("proof");
  if (!box) { return; }
  var status = document.getElementById("check");
  var utf8 = new TextEncoder();

  function b64(s) {
    var bin = atob(s.trim()), out = new Uint8Array(bin.length);
    for (var i = 0; i < bin.length; i++) { out[i] = bin.charCodeAt(i); }
    return out;
  }
  function cat() {
    var n = 0, i, o = 0;
    for (i = 0; i < arguments.length; i++) { n += arguments[i].length; }
    var out = new Uint8Array(n);
    for (i = 0; i < arguments.length; i++) { out.set(arguments[i], o); o += arguments[i].length; }
    return out;
  }
  function sha256(bytes) {
    return crypto.subtle.digest("SHA-256", bytes).then(function (d) { return new Uint8Array(d); });
  }
  function nodeHash(l, r) { return sha256(cat(Uint8Array.of(1), l, r)); }
  // maxpow2 is the largest power of 2 smaller than n (n > 1).
  function maxpow2(n) { var k = 1; while (k * 2 < n) { k *= 2; } return k; }
  // root recomputes the root of leaves [lo, hi) from leaf n's hash and the proof p.
  function root(p, lo, hi, n, leaf) {
    if (lo + 1 === hi) {
      return p.length === 0 ? Promise.resolve(leaf) : Promise.reject(new Error("the proof is too long"));
    }
    if (p.length === 0) { return Promise.reject(new Error("the proof is too short")); }
    var k = maxpow2(hi - lo), last = p[p.length - 1], rest = p.slice(0, -1);
    if (n < lo + k) {
      return root(rest, lo, lo + k, n, leaf).then(function (h) { return nodeHash(h, last); });
    }
    return root(rest, lo + k, hi, n, leaf).then(function (h) { return nodeHash(last, h); });
  }
  function same(a, b) {
    if (a.length !== b.length) { return false; }
    for (var i = 0; i < a.length; i++) { if (a[i] !== b[i]) { return false; } }
    return true;
  }
  function show(ok) {
    status.textContent = ok ? status.dataset.ok : status.dataset.bad;
    status.className = ok ? "verified" : "error";
  }
  function check() {
    if (!window.crypto || !crypto.subtle) {
      status.textContent = status.dataset.nocrypto;
      status.className = "";
      return;
    }
    var d = box.dataset, seq = Number(d.seq), size = Number(d.size);
    var record = cat(utf8.encode(d.seq + "\n" + d.time + "\n" + d.type + "\n"), utf8.encode(document.getElementById("data").textContent));
    var proof, want;
    try {
      proof = Array.prototype.map.call(box.querySelectorAll("code.hash"), function (c) { return b64(c.textContent); });
      want = b64(document.getElementById("root").textContent);
    } catch (e) {
      show(false);
      return;
    }
    sha256(cat(Uint8Array.of(0), record))
      .then(function (leaf) { return root(proof, 0, size, seq, leaf); })
      .then(function (got) { show(same(got, want)); }, function () { show(false); });
  }
  document.getElementById("recheck").addEventListener("click", check);
  check();
}());
