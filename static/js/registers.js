// The running tally of the positions register: as a position is chosen, "6 of 8 positions" and the
// agree / object / abstain counts follow. Without JavaScript the page counts them when it comes back.
(function () {
  "use strict";
  function update(form, tally) {
    var counts = { AGREE: 0, OBJECT: 0, ABSTAIN: 0 };
    var rows = form.querySelectorAll("[data-register-row]");
    var recorded = 0;
    rows.forEach(function (row) {
      var chosen = row.querySelector('input[type="radio"][name$="-position"]:checked');
      if (chosen && counts.hasOwnProperty(chosen.value)) {
        counts[chosen.value] += 1;
        recorded += 1;
      }
    });
    tally.querySelector('[data-tally="recorded"]').textContent = String(recorded);
    Object.keys(counts).forEach(function (key) {
      tally.querySelector('[data-tally="' + key + '"]').textContent = String(counts[key]);
    });
  }
  function start() {
    var form = document.getElementById("positions-register");
    var tally = document.getElementById("positions-tally");
    if (!form || !tally) return;
    form.addEventListener("change", function (event) {
      if (event.target.matches('input[type="radio"][name$="-position"]')) update(form, tally);
    });
    update(form, tally);  // a choice made before this ran (a quick hand, a restored form) is counted too
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
