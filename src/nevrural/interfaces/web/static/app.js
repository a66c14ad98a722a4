/*
 * nevrural pages: small helpers every page may use (no framework).
 *
 *   nevrural.messages(id)          the JSON of <script type="application/json" id="…">
 *                                  (a page's translated texts and data, rendered by Jinja)
 *   nevrural.format(text, values)  put values into {placeholders}
 *   nevrural.number(value, digits) grouped digits in the page's language
 *   nevrural.fetchJson(url, init)  fetch JSON; a 401 (session expired) goes to the sign-in page
 *   nevrural.ready(fn)             run fn once the document is parsed
 */
(function () {
  "use strict";

  function messages(id) {
    const element = document.getElementById(id);
    return element ? JSON.parse(element.textContent) : {};
  }

  function format(text, values) {
    return String(text).replace(/\{(\w+)\}/g, (match, key) => (
      values && Object.prototype.hasOwnProperty.call(values, key) ? values[key] : match
    ));
  }

  function number(value, digits) {
    if (value == null || Number.isNaN(Number(value))) return "–";
    const places = digits || 0;
    return Number(value).toLocaleString(document.documentElement.lang || "zh-CN", {
      minimumFractionDigits: places,
      maximumFractionDigits: places,
    });
  }

  async function fetchJson(url, init) {
    const options = Object.assign({credentials: "same-origin"}, init || {});
    options.headers = Object.assign({Accept: "application/json"}, options.headers || {});
    const response = await fetch(url, options);
    if (response.status === 401) {
      const body = await response.json().catch(() => ({}));
      const back = location.pathname + location.search;
      location.href = body.sign_in || "/sign-in?next=" + encodeURIComponent(back);
      throw new Error("signed out");
    }
    if (!response.ok) throw new Error(url + ": HTTP " + response.status);
    return response.json();
  }

  function ready(fn) {
    if (document.readyState === "loading") {
      document.addEventListener("DOMContentLoaded", fn, {once: true});
    } else {
      fn();
    }
  }

  window.nevrural = {messages, format, number, fetchJson, ready};
})();
