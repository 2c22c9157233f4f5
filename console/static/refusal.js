// refusal.js: the link of a refused form's refusal to the field at fault puts the
// focus on the field, where a link to a place in the page only scrolls to it, so that
// a person types the correction at once. Without it the link still scrolls to the
// field.
(function () {
  // field is the field a refusal's link leads to, or null for anything else.
  function field(target) {
    var a = target.closest && target.closest('#refusal a[href^="#"]');
    return a && document.getElementById(decodeURIComponent(a.getAttribute("href").slice(1)));
  }
  // By keyboard the focus moves as the Enter key goes down, and the rest of that key
  // (its character, its release) is spent: reaching the field, it would send the form
  // again, as typed.
  var moved = null;
  document.addEventListener("keydown", function (e) {
    var f = e.key === "Enter" && field(e.target);
    if (f) {
      e.preventDefault();
      moved = f;
      f.focus();
    }
  });
  document.addEventListener("keypress", function (e) {
    if (moved && e.target === moved && e.key === "Enter") {
      e.preventDefault();
    }
  }, true);
  document.addEventListener("keyup", function (e) {
    if (e.key === "Enter") {
      moved = null;
    }
  }, true);
  document.addEventListener("click", function (e) {
    var f = field(e.target);
    if (f) {
      e.preventDefault();
      f.focus();
    }
  });
})();
