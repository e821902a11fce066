// The computed shares of a report's step, recomputed as one types (the server recomputes
// them on each save: this only shows them sooner). Each <output data-share> names the
// figures it reads: typed in #id_<code>, or shown read-only in [data-figure=<code>].
(function () {
  "use strict";

  function figure(code) {
    var input = document.getElementById("id_" + code);
    var text = input ? input.value : "";
    if (!input) {
      var shown = document.querySelector('[data-figure="' + code + '"]');
      text = shown ? shown.getAttribute("data-value") : "";
    }
    text = (text || "").replace(/[\s\u00a0\u202f]/g, "").replace(",", ".");
    if (!/^\d+(\.0*)?$/.test(text)) {
      return null;
    }
    return parseInt(text, 10);
  }

  function sum(codes) {
    var total = 0;
    var list = codes ? codes.split(" ") : [];
    for (var i = 0; i < list.length; i += 1) {
      var value = figure(list[i]);
      if (value === null) {
        return null;
      }
      total += value;
    }
    return total;
  }

  // Half-up to 3 decimals (in thousandths, whole numbers only), shown as « 30,0 % ».
  function text(numerator, denominator) {
    if (numerator === null || numerator < 0 || !denominator) {
      return "—";
    }
    var thousandths = Math.floor((2000 * numerator + denominator) / (2 * denominator));
    return Math.floor(thousandths / 10) + "," + (thousandths % 10) + "\u00a0%";
  }

  function update() {
    var outputs = document.querySelectorAll("output[data-share]");
    for (var i = 0; i < outputs.length; i += 1) {
      var out = outputs[i];
      var numerator = sum(out.getAttribute("data-numerators"));
      var minus = sum(out.getAttribute("data-minus"));
      var denominator = figure(out.getAttribute("data-denominator"));
      if (numerator !== null && minus !== null) {
        numerator -= minus;
      } else {
        numerator = null;
      }
      out.textContent = text(numerator, denominator);
    }
  }

  document.addEventListener("input", update);
})();
