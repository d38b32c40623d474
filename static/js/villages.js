// The public form's village in two lists, kecamatan then desa: with this file, choosing
// a kecamatan fills the desa list from the kecamatan's small JSON list
// (aspirations:villages) and the "Show its villages" step button goes away. Without
// it (or when the list cannot be fetched) that button sends the form back and the
// server lists the villages, keeping everything typed. The form works fully without this file.
(function () {
  "use strict";

  // A deployment of several regencies: choosing one sends the form back (as its button
  // would without JavaScript) for that regency's kecamatan, keeping what was typed.
  document.querySelectorAll("select[data-krk-regency]").forEach(function (regency) {
    var step = regency.form && regency.form.querySelector("[data-krk-regency-step]");
    if (!step || !regency.form.requestSubmit) {
      return;
    }
    step.hidden = true;
    regency.addEventListener("change", function () {
      regency.form.requestSubmit(step);
    });
  });

  document.querySelectorAll("select[data-krk-villages-url]").forEach(function (kecamatan) {
    var village = document.getElementById(kecamatan.dataset.krkVillagesFor);
    var step = kecamatan.form && kecamatan.form.querySelector("[data-krk-village-step]");
    if (!village || !window.fetch) {
      return;
    }
    // The last option says "outside our area": it stays whatever the kecamatan.
    var outside = village.options[village.options.length - 1];
    var asked = 0;

    function fill(rows, placeholder) {
      var chosen = village.value;
      var options = [new Option(placeholder, "")];
      rows.forEach(function (row) {
        options.push(new Option(row[1], String(row[0])));
      });
      options.push(outside);
      village.replaceChildren.apply(village, options);
      village.value = chosen;
      if (village.value !== chosen) {
        village.value = "";
      }
    }

    function load() {
      var code = kecamatan.value;
      var number = ++asked;
      if (!code) {
        fill([], kecamatan.dataset.krkVillagesFirst);
        return;
      }
      village.setAttribute("aria-busy", "true");
      fetch(kecamatan.dataset.krkVillagesUrl.replace("KODE", encodeURIComponent(code)), {
        headers: { Accept: "application/json" },
      })
        .then(function (response) {
          if (!response.ok) {
            throw new Error(response.status);
          }
          return response.json();
        })
        .then(function (data) {
          if (number === asked) {
            fill(data.villages, kecamatan.dataset.krkVillagesChoose);
          }
        })
        .catch(function () {
          if (step) {
            step.hidden = false; // the server's step still works
          }
        })
        .finally(function () {
          village.removeAttribute("aria-busy");
        });
    }

    if (step) {
      step.hidden = true;
    }
    kecamatan.addEventListener("change", load);
    // A kecamatan chosen but its villages not listed (a restored draft): list them.
    if (kecamatan.value && village.options.length <= 2) {
      load();
    }
  });
})();
